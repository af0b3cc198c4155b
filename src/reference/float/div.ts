// Div reference: x / y with numpy broadcasting (IEEE: division by zero gives ±Inf or NaN, as onnxruntime).
import type { Kernel } from '../kernel.ts';
import { broadcastBinary } from './support.ts';

export const div: Kernel = (_node, [x, y], [out]) => [broadcastBinary(x!, y!, out.shape, (a, b) => a / b)];
