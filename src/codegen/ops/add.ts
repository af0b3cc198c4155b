// Add → tfg_add_<dtype>[_bcast] through the shared binary emitter, or on cortex-m-dsp boards the int8 same-shape
// tfg_add_s8_dsp (every requantization one SMMULR) when TFLite's shifts have their usual signs.
import { product, type Node } from '../../ir/graph.ts';
import { ADD_LEFT_SHIFT, prepareAdd } from '../../reference/int8/add.ts';
import { sameShape } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { emitBinary } from './binary.ts';

/** pre and rs of one requantization in tfg_add_s8_dsp (shift ≤ 0): a zero shift runs on the doubled product. */
export function addRequantConsts(shift: number): [number, number] {
  return shift === 0 ? [1, 0] : [0, -shift - 1];
}

export const add: OpEmitter<Node<'Add'>> = (ctx) => {
  const [a, b, y] = [ctx.input(0)!, ctx.input(1)!, ctx.output()];
  if (ctx.kernels !== 'cortex-m-dsp' || a.dtype !== 'i8' || !sameShape(a, b, y)) return emitBinary(ctx);
  const p = prepareAdd(ctx.node, a, b, y);
  // The SMMULR bound needs |(x + offset)·2^20| < 2^28 and right shifts (TFLite's Prepare gives both).
  if (p.leftShift !== ADD_LEFT_SHIFT || p.input1Shift > 0 || p.input2Shift > 0 || p.outputShift > 0) return emitBinary(ctx);
  const [aPre, aRs] = addRequantConsts(p.input1Shift);
  const [bPre, bRs] = addRequantConsts(p.input2Shift);
  const [oPre, oRs] = addRequantConsts(p.outputShift);
  const fields = [
    p.input1Offset * 2 ** 21,
    p.input2Offset * 2 ** 21,
    p.input1Multiplier,
    p.input2Multiplier,
    p.outputMultiplier,
    aPre,
    bPre,
    oPre,
    aRs,
    bRs,
    oRs,
    1 + 2 * p.outputOffset,
    p.actMin,
    p.actMax,
  ];
  const params = ctx.declare('params', 'tfg_add_s8_dsp_params', `{ ${fields.join(', ')} }`);
  const io = `${ctx.ptr(ctx.node.inputs[0])}, ${ctx.ptr(ctx.node.inputs[1])}, ${ctx.ptr(ctx.node.outputs[0])}`;
  return { kernel: 'tfg_add_s8_dsp', call: `tfg_add_s8_dsp(${product(y.shape)}, &${params}, ${io})` };
};
