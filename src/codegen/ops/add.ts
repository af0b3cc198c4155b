// Add → tfg_add_<dtype>[_bcast] through the shared binary emitter, or on cortex-m-dsp boards the int8 same-shape
// tfg_add_s8_dsp (the inputs' requantizations tabulated, the output's one SMMULR) when TFLite's shifts have their usual
// signs.
import { product, type Node } from '../../ir/graph.ts';
import { ADD_LEFT_SHIFT, prepareAdd } from '../../reference/int8/add.ts';
import { multiplyByQuantizedMultiplier } from '../../reference/quant.ts';
import { sameShape } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { emitBinary } from './binary.ts';

/** pre and rs of one requantization in tfg_add_s8_dsp (shift ≤ 0): a zero shift runs on the doubled product. */
export function addRequantConsts(shift: number): [number, number] {
  return shift === 0 ? [1, 0] : [0, -shift - 1];
}

/** One input's requantization in tfg_add_s8_dsp, tabulated: at x + 128, twice the scaled value addInt8 adds. */
export function addInputTable(offset: number, multiplier: number, shift: number): Int32Array {
  return Int32Array.from(
    { length: 256 },
    (_, i) => 2 * multiplyByQuantizedMultiplier((i - 128 + offset) * 2 ** ADD_LEFT_SHIFT, multiplier, shift),
  );
}

export const add: OpEmitter<Node<'Add'>> = (ctx) => {
  const [a, b, y] = [ctx.input(0)!, ctx.input(1)!, ctx.output()];
  if (ctx.kernels !== 'cortex-m-dsp' || a.dtype !== 'i8' || !sameShape(a, b, y)) return emitBinary(ctx);
  const p = prepareAdd(ctx.node, a, b, y);
  // The SMMULR bound needs |(x + offset)·2^20| < 2^28 and right shifts (TFLite's Prepare gives both).
  if (p.leftShift !== ADD_LEFT_SHIFT || p.input1Shift > 0 || p.input2Shift > 0 || p.outputShift > 0) return emitBinary(ctx);
  const [oPre, oRs] = addRequantConsts(p.outputShift);
  const fields = [p.outputMultiplier, oPre, oRs, 1 + 2 * p.outputOffset, p.actMin, p.actMax];
  const params = ctx.declare('params', 'tfg_add_s8_dsp_params', `{ ${fields.join(', ')} }`);
  const ta = ctx.int32Array('a_table', addInputTable(p.input1Offset, p.input1Multiplier, p.input1Shift));
  const tb = ctx.int32Array('b_table', addInputTable(p.input2Offset, p.input2Multiplier, p.input2Shift));
  const io = `${ctx.ptr(ctx.node.inputs[0])}, ${ctx.ptr(ctx.node.inputs[1])}, ${ctx.ptr(ctx.node.outputs[0])}`;
  return { kernel: 'tfg_add_s8_dsp', call: `tfg_add_s8_dsp(${product(y.shape)}, &${params}, ${ta}, ${tb}, ${io})` };
};
