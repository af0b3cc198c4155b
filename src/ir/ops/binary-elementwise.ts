// Shared OpDef parts for the numpy-broadcasting binary ops (Add, Sub, Mul, Div).
import { broadcastShapes } from './broadcast.ts';
import { fmtShape, type InputInfo } from './op-def.ts';

export function validateBinary(inputs: (InputInfo | undefined)[]): string[] {
  const [a, b] = inputs;
  if (!a || !b) return ['needs two inputs'];
  if (!broadcastShapes(a.shape, b.shape)) return [`shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not broadcast`];
  return [];
}

export function inferBinary(inputs: (InputInfo | undefined)[]): number[][] {
  return [broadcastShapes(inputs[0]!.shape, inputs[1]!.shape)!];
}
