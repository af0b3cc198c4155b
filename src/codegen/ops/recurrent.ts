// GRU / LSTM → tfg_gru_f32 / tfg_lstm_f32 (int8: recurrent-int8.ts): the layer's shape in a tfg_rnn_geom, the state in
// the arena as scratch.
import type { Node } from '../../ir/graph.ts';
import type { EmitContext, OpEmission, OpEmitter, ScratchRule } from '../op-emitter.ts';
import { emitRecurrentInt8, recurrentInt8ScratchBytes } from './recurrent-int8.ts';

/** Rows of hidden floats each kernel keeps in scratch: GRU h, z, r, r⊙h, candidate; LSTM h, c and four gates. */
const SCRATCH_ROWS = { GRU: 5, LSTM: 6 } as const;

/** Bytes of tfg_gru_f32_scratch_bytes / tfg_lstm_f32_scratch_bytes. */
export const recurrentScratchBytes = (op: 'GRU' | 'LSTM', hidden: number) => SCRATCH_ROWS[op] * hidden * 4;

export const recurrentScratch: ScratchRule<Node<'GRU' | 'LSTM'>> = (ctx) =>
  (ctx.input(0)!.dtype === 'i8' ? recurrentInt8ScratchBytes : recurrentScratchBytes)(ctx.node.op, ctx.node.attrs.hiddenSize);

function geom(ctx: EmitContext<Node<'GRU' | 'LSTM'>>): string {
  const { node } = ctx;
  const [steps, batch, inN] = ctx.input(0)!.shape;
  const a = node.attrs;
  return ctx.declare(
    'geom',
    'tfg_rnn_geom',
    `{ ${steps}, ${batch}, ${inN}, ${a.hiddenSize}, ${a.reverse ? 1 : 0}, ${a.sequenceOutput ? 1 : 0} }`,
  );
}

export const gru: OpEmitter<Node<'GRU'>> = (ctx): OpEmission => {
  if (ctx.input(0)!.dtype === 'i8') return emitRecurrentInt8(ctx, geom(ctx));
  const { node } = ctx;
  const p = (i: number) => ctx.ptr(node.inputs[i] ?? '');
  const scratch = ctx.scratch(recurrentScratchBytes(node.op, node.attrs.hiddenSize));
  return {
    kernel: 'tfg_gru_f32',
    call: `tfg_gru_f32(&${geom(ctx)}, ${node.attrs.linearBeforeReset ? 1 : 0}, ${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${ctx.ptr(node.outputs[0])}, ${scratch})`,
  };
};

export const lstm: OpEmitter<Node<'LSTM'>> = (ctx): OpEmission => {
  if (ctx.input(0)!.dtype === 'i8') return emitRecurrentInt8(ctx, geom(ctx));
  const { node } = ctx;
  const p = (i: number) => ctx.ptr(node.inputs[i] ?? '');
  const scratch = ctx.scratch(recurrentScratchBytes(node.op, node.attrs.hiddenSize));
  return {
    kernel: 'tfg_lstm_f32',
    call: `tfg_lstm_f32(&${geom(ctx)}, ${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${ctx.ptr(node.outputs[0])}, ${scratch})`,
  };
};
