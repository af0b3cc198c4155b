// DepthwiseConv2D (TFLite layout): NHWC input, weights [1, KH, KW, C*multiplier], optional bias [C*multiplier].
import type { OpDef } from './op-def.ts';
import { fmtShape, requireConvBasics, requireWindowFits, windowOutSize } from './op-def.ts';

export const depthwiseConv2d: OpDef<'DepthwiseConv2D'> = {
  op: 'DepthwiseConv2D',
  inputs: { min: 2, max: 3 },
  inPlace: false,
  perElement: false,
  fusedActivation: true,
  weightChannelAxis: 3,
  int8Output: 'free',
  defaults: { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], multiplier: 1, activation: 'none' },
  validate([x, w, b], a) {
    const problems = requireConvBasics(x, w, a);
    if (!Number.isInteger(a.multiplier) || a.multiplier < 1) problems.push(`multiplier must be a positive integer, got ${a.multiplier}`);
    if (problems.length) return problems;
    const [one, kh, kw, oc] = w!.shape;
    const c = x!.shape[3];
    if (one !== 1) problems.push(`weights must be [1,KH,KW,C*multiplier], got ${fmtShape(w!.shape)}`);
    if (oc !== c * a.multiplier)
      problems.push(
        `weights ${fmtShape(w!.shape)} have ${oc} channels but input channels ${c} × multiplier ${a.multiplier} = ${c * a.multiplier}`,
      );
    if (b && (b.shape.length !== 1 || b.shape[0] !== oc)) problems.push(`bias must be [${oc}], got ${fmtShape(b.shape)}`);
    problems.push(...requireWindowFits(x!, [kh, kw], a.dilations, a.pads));
    return problems;
  },
  inferShapes([x, w], a) {
    const [n, h, wd] = x!.shape;
    const [, kh, kw, oc] = w!.shape;
    return [
      [
        n,
        windowOutSize(h, kh, a.strides[0], a.dilations[0], a.pads[0], a.pads[2]),
        windowOutSize(wd, kw, a.strides[1], a.dilations[1], a.pads[1], a.pads[3]),
        oc,
      ],
    ];
  },
};
