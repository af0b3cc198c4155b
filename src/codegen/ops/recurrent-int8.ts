// int8 GRU / LSTM → tfg_gru_s8 / tfg_lstm_s8 (tfg_*_s8_dsp on cortex-m-dsp boards): the constants of
// prepareRecurrentInt8 in a tfg_rnn_s8_params (per gate row multipliers, the sigmoid/tanh tables), the state and one
// step's gate parts in the arena as scratch.
import type { Node } from '../../ir/graph.ts';
import { ACTIVATION_TABLES, prepareRecurrentInt8, type RecurrentInt8Params } from '../../reference/int8/recurrent.ts';
import { cInts, cList } from '../c-literals.ts';
import type { EmitContext, OpEmission } from '../op-emitter.ts';

/** Bytes of the state at the start of the int8 kernels' scratch (tfg_rnn_s8_state_bytes): the int16 vector (GRU h16,
 *  LSTM c16) and the int8 hidden vector, padded to even so the int16 gate parts after it stay aligned. */
export const recurrentInt8StateBytes = (hidden: number) => 2 * hidden + hidden + (hidden % 2);

/** Bytes of tfg_gru_s8_scratch_bytes / tfg_lstm_s8_scratch_bytes: the state, then one step's W·x and R·h parts of every
 *  gate row (int16) and for the GRU r⊙h (int8). */
export const recurrentInt8ScratchBytes = (op: 'GRU' | 'LSTM', hidden: number) =>
  recurrentInt8StateBytes(hidden) + (op === 'GRU' ? 6 + 6 + 1 : 8 + 8) * hidden;

function params(ctx: EmitContext<Node<'GRU' | 'LSTM'>>): string {
  const { node } = ctx;
  const p: RecurrentInt8Params = prepareRecurrentInt8(node, {
    x: ctx.input(0)!,
    w: ctx.input(1)!,
    r: ctx.input(2)!,
    initialH: ctx.input(4),
    initialC: ctx.input(5),
    y: ctx.output(),
  });
  const table = (name: 'sigmoid' | 'tanh') =>
    ctx.declare(`${name}_table`, 'int16_t[]', `{\n${cList(cInts(ACTIVATION_TABLES[name]), 16)}\n}`);
  const fields = [
    p.xOffset,
    p.hOffset,
    p.hZeroPoint,
    ctx.int32Array('w_multiplier', p.wMultiplier),
    ctx.int32Array('w_shift', p.wShift),
    ctx.int32Array('r_multiplier', p.rMultiplier),
    ctx.int32Array('r_shift', p.rShift),
    ...cInts([p.outMultiplier, p.outShift, p.rhMultiplier, p.rhShift, p.stateIntBits]),
    ...cInts([p.h0Offset, p.h0Multiplier, p.h0Shift, p.c0Offset, p.c0Multiplier, p.c0Shift]),
    table('sigmoid'),
    table('tanh'),
  ];
  return ctx.declare('params', 'tfg_rnn_s8_params', `{ ${fields.join(', ')} }`);
}

/** The int8 call; `geom` is the layer's tfg_rnn_geom, shared with the float path. */
export function emitRecurrentInt8(ctx: EmitContext<Node<'GRU' | 'LSTM'>>, geom: string): OpEmission {
  const { node } = ctx;
  const p = (i: number) => ctx.ptr(node.inputs[i] ?? '');
  const q = params(ctx);
  const scratch = ctx.scratch(recurrentInt8ScratchBytes(node.op, node.attrs.hiddenSize));
  const y = ctx.ptr(node.outputs[0]);
  // Cortex-M DSP boards: the same steps with SMLAD dot products (same bytes, same scratch).
  const dsp = ctx.kernels === 'cortex-m-dsp' ? '_dsp' : '';
  if (node.op === 'GRU') {
    const kernel = `tfg_gru_s8${dsp}`;
    const lbr = node.attrs.linearBeforeReset ? 1 : 0;
    return { kernel, call: `${kernel}(&${geom}, ${lbr}, &${q}, ${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${y}, ${scratch})` };
  }
  const kernel = `tfg_lstm_s8${dsp}`;
  return { kernel, call: `${kernel}(&${geom}, &${q}, ${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${y}, ${scratch})` };
}
