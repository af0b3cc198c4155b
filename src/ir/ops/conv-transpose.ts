// ConvTranspose (ONNX ConvTranspose, TFLite TRANSPOSE_CONV): the decoder's learned upsampling. Weights OHWI with the
// output channel first, so per-channel int8 scales, BN folding and the fused activation work as for Conv2D.
import type { OpDef } from './op-def.ts';
import { requireActivation, requirePads, requirePositivePair, requireRank } from './op-def.ts';

/** Output size along one axis. */
export function convTransposeOutSize(
  inSize: number,
  kernel: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  extra: number,
): number {
  return (inSize - 1) * stride + kernel - padBegin - padEnd + extra;
}

export const convTranspose: OpDef<'ConvTranspose'> = {
  op: 'ConvTranspose',
  inputs: { min: 2, max: 3 },
  inPlace: false,
  perElement: false,
  fusedActivation: true,
  weightChannelAxis: 0,
  int8Output: 'calibrated',
  defaults: { strides: [1, 1], pads: [0, 0, 0, 0], outputPadding: [0, 0], activation: 'none' },
  validate(inputs, a) {
    const [x, w, b] = inputs;
    const problems = [
      ...requireRank('input', x, 4),
      ...requireRank('weights', w, 4),
      ...requirePositivePair('strides', a.strides),
      ...requirePads(a.pads),
      ...requireActivation(a.activation),
    ];
    if (!Array.isArray(a.outputPadding) || a.outputPadding.length !== 2 || !a.outputPadding.every((p) => Number.isInteger(p) && p >= 0))
      problems.push(`outputPadding must be two non-negative integers, got ${JSON.stringify(a.outputPadding)}`);
    if (problems.length) return problems;
    if (w!.shape[3] !== x!.shape[3])
      problems.push(`weights [${w!.shape}] expect ${w!.shape[3]} input channels, the input has ${x!.shape[3]}`);
    if (b && (b.shape.length !== 1 || b.shape[0] !== w!.shape[0])) problems.push(`bias must have ${w!.shape[0]} values, got [${b.shape}]`);
    for (let i = 0; i < 2; i++) {
      const size = convTransposeOutSize(x!.shape[1 + i], w!.shape[1 + i], a.strides[i], a.pads[i], a.pads[i + 2], a.outputPadding[i]);
      if (size < 1) problems.push(`the pads leave no output along ${i === 0 ? 'H' : 'W'}`);
    }
    return problems;
  },
  inferShapes(inputs, a) {
    const [x, w] = inputs;
    const [n, h, wid] = x!.shape;
    const [o, kh, kw] = w!.shape;
    return [
      [
        n,
        convTransposeOutSize(h, kh, a.strides[0], a.pads[0], a.pads[2], a.outputPadding[0]),
        convTransposeOutSize(wid, kw, a.strides[1], a.pads[1], a.pads[3], a.outputPadding[1]),
        o,
      ],
    ];
  },
};
