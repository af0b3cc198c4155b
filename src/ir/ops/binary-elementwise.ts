// Shared OpDef parts for the numpy-broadcasting binary ops (Add, Sub, Mul, Div).
import { broadcastShapes } from './broadcast.ts';
import { fmtShape, requireActivation, type InputInfo, type OpDef } from './op-def.ts';

export function validateBinary(inputs: (InputInfo | undefined)[]): string[] {
  const [a, b] = inputs;
  if (!a || !b) return ['needs two inputs'];
  if (!broadcastShapes(a.shape, b.shape)) return [`shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not broadcast`];
  return [];
}

export function inferBinary(inputs: (InputInfo | undefined)[]): number[][] {
  return [broadcastShapes(inputs[0]!.shape, inputs[1]!.shape)!];
}

/** Add, Sub, Mul: numpy broadcasting, a fused Relu/Relu6 the kernel applies, the output may overwrite a same-size
 *  input, int8 output scale free. An op spreads it and states `op`. */
export const BINARY_WITH_ACTIVATION = {
  inputs: { min: 2, max: 2 },
  inPlace: true,
  perElement: false,
  fusedActivation: true,
  weightChannelAxis: null,
  int8Output: 'free',
  defaults: { activation: 'none' },
  validate: (inputs, a) => [...requireActivation(a.activation), ...validateBinary(inputs)],
  inferShapes: inferBinary,
} as const satisfies Omit<OpDef<'Add' | 'Sub' | 'Mul'>, 'op'>;
