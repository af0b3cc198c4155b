// Min, Max and Pow reference with numpy broadcasting: a comparison as tfg_min_f32_bcast / tfg_max_f32_bcast make it
// (exact), and a^b in float64 rounded to float32 (powf in C agrees within float tolerance).
import type { Kernel } from '../kernel.ts';
import { broadcastBinary } from './support.ts';

export const min: Kernel = (_node, [a, b], [out]) => [broadcastBinary(a!, b!, out.shape, (x, y) => (y < x ? y : x))];
export const max: Kernel = (_node, [a, b], [out]) => [broadcastBinary(a!, b!, out.shape, (x, y) => (y > x ? y : x))];
export const pow: Kernel = (_node, [a, b], [out]) => [broadcastBinary(a!, b!, out.shape, (x, y) => Math.fround(Math.pow(x, y)))];
