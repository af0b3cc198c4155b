// GRU / LSTM in the streaming form (`compile --stream`) → tfg_gru_f32_step / tfg_lstm_f32_step: one frame per call,
// the hidden (and cell) state in the model's persistent state buffer, which <id>_reset sets to the initial state.
import type { Node } from '../../ir/graph.ts';
import type { EmitContext, OpEmission, OpEmitter, ScratchRule } from '../op-emitter.ts';
import { unsupported } from '../emit-support.ts';

/** Rows of hidden floats each step kernel keeps in scratch: GRU z, r, r⊙h, candidate; LSTM the four gates. */
const STEP_SCRATCH_ROWS = { GRU: 4, LSTM: 4 } as const;

/** Bytes of tfg_gru_f32_step_scratch_bytes / tfg_lstm_f32_step_scratch_bytes. */
export const recurrentStepScratchBytes = (op: 'GRU' | 'LSTM', hidden: number) => STEP_SCRATCH_ROWS[op] * hidden * 4;

export const recurrentStepScratch: ScratchRule<Node<'GRU' | 'LSTM'>> = (ctx) =>
  recurrentStepScratchBytes(ctx.node.op, ctx.node.attrs.hiddenSize);

function stepGeom(ctx: EmitContext<Node<'GRU' | 'LSTM'>>): string {
  const [steps, batch, inN] = ctx.input(0)!.shape;
  const a = ctx.node.attrs;
  return ctx.declare('geom', 'tfg_rnn_geom', `{ ${steps}, ${batch}, ${inN}, ${a.hiddenSize}, 0, ${a.sequenceOutput ? 1 : 0} }`);
}

/** The layer's state rows ([batch, hidden] floats each: GRU h; LSTM h then c), each reset from its initial-state input
 *  (a constant) or to zeros, back to back; returns the C pointer to the first. */
function stateRows(ctx: EmitContext<Node<'GRU' | 'LSTM'>>, initialInputs: number[]): string {
  const { node } = ctx;
  if (ctx.input(0)!.dtype !== 'f32')
    throw unsupported(
      node,
      'the streaming form steps GRU and LSTM in float only (tfg_gru_f32_step, tfg_lstm_f32_step)',
      'keep the recurrent layers in float (int8 quantization does by default), or compile without --stream',
    );
  if (!ctx.persistent) throw new Error(`node "${node.name}": a step kernel emitted outside the streaming form`);
  const [, batch] = ctx.input(0)!.shape;
  const rowBytes = batch * node.attrs.hiddenSize * 4;
  return `(float *)${ctx.persistent(initialInputs.map((i) => ({ bytes: rowBytes, initial: node.inputs[i] || undefined })))}`;
}

export const gruStep: OpEmitter<Node<'GRU'>> = (ctx): OpEmission => {
  const { node } = ctx;
  const state = stateRows(ctx, [4]);
  const p = (i: number) => ctx.ptr(node.inputs[i] ?? '');
  const scratch = ctx.scratch(recurrentStepScratchBytes('GRU', node.attrs.hiddenSize));
  return {
    kernel: 'tfg_gru_f32_step',
    call: `tfg_gru_f32_step(&${stepGeom(ctx)}, ${node.attrs.linearBeforeReset ? 1 : 0}, ${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${state}, ${ctx.ptr(node.outputs[0])}, ${scratch})`,
  };
};

export const lstmStep: OpEmitter<Node<'LSTM'>> = (ctx): OpEmission => {
  const { node } = ctx;
  const state = stateRows(ctx, [4, 5]);
  const p = (i: number) => ctx.ptr(node.inputs[i] ?? '');
  const scratch = ctx.scratch(recurrentStepScratchBytes('LSTM', node.attrs.hiddenSize));
  return {
    kernel: 'tfg_lstm_f32_step',
    call: `tfg_lstm_f32_step(&${stepGeom(ctx)}, ${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${state}, ${ctx.ptr(node.outputs[0])}, ${scratch})`,
  };
};
