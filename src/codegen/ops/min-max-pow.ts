// Min, Max → tfg_min_f32_bcast / tfg_max_f32_bcast, or tfg_minmax_s8_bcast with the reference's requantizations
// (prepareMinMax); Pow → tfg_pow_f32_bcast (float only). Same-shape inputs collapse to one broadcast dim.
import type { Node } from '../../ir/graph.ts';
import { quantOf } from '../../reference/int8/common.ts';
import { prepareMinMax } from '../../reference/int8/min-max.ts';
import { bcastInit, collapseBroadcast, unsupported } from '../emit-support.ts';
import type { EmitContext, OpEmission, OpEmitter } from '../op-emitter.ts';
import { requantInit } from './requant-init.ts';

function emitBroadcast(ctx: EmitContext<Node<'Min' | 'Max' | 'Pow'>>): OpEmission {
  const { node } = ctx;
  const a = ctx.input(0)!;
  const b = ctx.input(1)!;
  const y = ctx.output();
  const bcast = ctx.declare('bcast', 'tfg_bcast', bcastInit(collapseBroadcast(node, a.shape, b.shape, y.shape)));
  const io = `${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.inputs[1])}, ${ctx.ptr(node.outputs[0])}`;
  if (a.dtype === 'f32') {
    const kernel = `tfg_${node.op.toLowerCase()}_f32_bcast`;
    return { kernel, call: `${kernel}(&${bcast}, ${io})` };
  }
  if (node.op === 'Pow') throw unsupported(node, 'int8 Pow has no kernel', 'keep Pow in float: exclude it from int8 quantization');
  prepareMinMax(node, a, b, y);
  const qout = quantOf(y, node);
  const req = ctx.declare('requant', 'tfg_requant_params[]', `{ ${[a, b].map((t) => requantInit(quantOf(t, node), qout)).join(', ')} }`);
  return { kernel: 'tfg_minmax_s8_bcast', call: `tfg_minmax_s8_bcast(&${bcast}, ${req}, ${node.op === 'Max' ? 1 : 0}, ${io})` };
}

export const min: OpEmitter<Node<'Min'>> = (ctx) => emitBroadcast(ctx);
export const max: OpEmitter<Node<'Max'>> = (ctx) => emitBroadcast(ctx);
export const pow: OpEmitter<Node<'Pow'>> = (ctx) => emitBroadcast(ctx);
