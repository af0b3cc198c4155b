// Conv2D: NHWC input, OHWI weights [O, KH, KW, I/groups], optional bias [O]; groups, dilations, explicit pads.
import type { OpDef } from './op-def.ts';
import { fmtShape, requireConvBasics, requireWindowFits, windowOutSize } from './op-def.ts';

export const conv2d: OpDef<'Conv2D'> = {
  op: 'Conv2D',
  inputs: { min: 2, max: 3 },
  inPlace: false,
  perElement: false,
  fusedActivation: true,
  weightChannelAxis: 0,
  int8Output: 'free',
  defaults: { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], groups: 1, activation: 'none' },
  validate([x, w, b], a) {
    const problems = requireConvBasics(x, w, a);
    if (!Number.isInteger(a.groups) || a.groups < 1) problems.push(`groups must be a positive integer, got ${a.groups}`);
    if (problems.length) return problems;
    const [o, kh, kw, ipg] = w!.shape;
    const c = x!.shape[3];
    if (c % a.groups !== 0) problems.push(`input channels ${c} are not divisible by groups ${a.groups}`);
    if (o % a.groups !== 0) problems.push(`output channels ${o} are not divisible by groups ${a.groups}`);
    if (ipg * a.groups !== c)
      problems.push(
        `weights ${fmtShape(w!.shape)} expect ${ipg * a.groups} input channels (I/groups=${ipg}, groups=${a.groups}) but input ${fmtShape(x!.shape)} has ${c}`,
      );
    if (b && (b.shape.length !== 1 || b.shape[0] !== o)) problems.push(`bias must be [${o}], got ${fmtShape(b.shape)}`);
    problems.push(...requireWindowFits(x!, [kh, kw], a.dilations, a.pads));
    return problems;
  },
  inferShapes([x, w], a) {
    const [n, h, wd] = x!.shape;
    const [o, kh, kw] = w!.shape;
    return [
      [
        n,
        windowOutSize(h, kh, a.strides[0], a.dilations[0], a.pads[0], a.pads[2]),
        windowOutSize(wd, kw, a.strides[1], a.dilations[1], a.pads[1], a.pads[3]),
        o,
      ],
    ];
  },
};
