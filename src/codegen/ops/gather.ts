// Gather → tfg_gather_x8: whole rows at the constant indices, in bytes (one kernel for float and int8).
import type { Node } from '../../ir/graph.ts';
import { quantOf, requireSameQuant } from '../../reference/int8/common.ts';
import { gatherRows } from '../../reference/strided-view.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const gather: OpEmitter<Node<'Gather'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const r = gatherRows(node, x.shape);
  if (x.dtype !== 'f32') requireSameQuant(node, quantOf(x, node), quantOf(ctx.output(), node));
  const rowBytes = r.inner * (x.dtype === 'f32' ? 4 : 1);
  const indices = ctx.int32Array('indices', r.indices);
  const io = `${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])}`;
  return {
    kernel: 'tfg_gather_x8',
    call: `tfg_gather_x8(${r.outer}, ${r.axisDim}, ${rowBytes}, ${r.indices.length}, ${indices}, ${io})`,
  };
};
