// GRU and LSTM (ONNX, one direction): the gate count is the only shape fact that differs, so both share one check.
import type { OpAttrs, RecurrentAttrs } from '../graph.ts';
import type { InputInfo, OpDef } from './op-def.ts';
import { fmtShape } from './op-def.ts';

/** Gates per hidden unit: GRU z, r, h; LSTM i, o, f, c. */
export const GATES = { GRU: 3, LSTM: 4 } as const;

/** Input slots after X, W, R, B: GRU takes initialH, LSTM initialH and initialC. */
const STATE_INPUTS = { GRU: ['initialH'], LSTM: ['initialH', 'initialC'] } as const;

function checkRecurrent(op: 'GRU' | 'LSTM', inputs: (InputInfo | undefined)[], a: RecurrentAttrs): string[] {
  const [x, w, r, b] = inputs;
  const hidden = a.hiddenSize;
  if (!Number.isInteger(hidden) || hidden < 1) return [`hiddenSize must be a positive integer, got ${JSON.stringify(hidden)}`];
  if (!x || !w || !r) return ['needs input X, weights W and recurrence weights R'];
  if (x.shape.length !== 3) return [`input X must be [T,B,I] (rank 3), got ${fmtShape(x.shape)}`];
  const [, batch, inSize] = x.shape;
  const g = GATES[op] * hidden;
  const problems: string[] = [];
  if (w.shape.length !== 2 || w.shape[0] !== g || w.shape[1] !== inSize)
    problems.push(`weights W must be [${g},${inSize}] (${GATES[op]} gates × hidden ${hidden}, input ${inSize}), got ${fmtShape(w.shape)}`);
  if (r.shape.length !== 2 || r.shape[0] !== g || r.shape[1] !== hidden)
    problems.push(`recurrence weights R must be [${g},${hidden}], got ${fmtShape(r.shape)}`);
  if (b && (b.shape.length !== 1 || b.shape[0] !== 2 * g))
    problems.push(`bias B must be [${2 * g}] (Wb then Rb), got ${fmtShape(b.shape)}`);
  STATE_INPUTS[op].forEach((what, k) => {
    const s = inputs[4 + k];
    if (s && (s.shape.length !== 3 || s.shape[0] !== 1 || s.shape[1] !== batch || s.shape[2] !== hidden))
      problems.push(`${what} must be [1,${batch},${hidden}], got ${fmtShape(s.shape)}`);
  });
  if (typeof a.reverse !== 'boolean') problems.push(`reverse must be true or false, got ${JSON.stringify(a.reverse)}`);
  if (typeof a.sequenceOutput !== 'boolean') problems.push(`sequenceOutput must be true or false, got ${JSON.stringify(a.sequenceOutput)}`);
  return problems;
}

function recurrentShape([x]: (InputInfo | undefined)[], a: RecurrentAttrs): number[][] {
  const [steps, batch] = x!.shape;
  return [[a.sequenceOutput ? steps : 1, batch, a.hiddenSize]];
}

/** Facts both share: a new buffer (the state is read after the output is written), weights not per output channel
 *  (their rows are gates × hidden, not the output's channels), int8 output calibrated. */
const RECURRENT = {
  inPlace: false,
  perElement: false,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'calibrated',
  inferShapes: recurrentShape,
} as const;

export const gru: OpDef<'GRU'> = {
  op: 'GRU',
  ...RECURRENT,
  inputs: { min: 3, max: 5 },
  defaults: { hiddenSize: 0, reverse: false, sequenceOutput: true, linearBeforeReset: false } satisfies OpAttrs['GRU'],
  validate(inputs, a) {
    const problems = checkRecurrent('GRU', inputs, a);
    if (typeof a.linearBeforeReset !== 'boolean')
      problems.push(`linearBeforeReset must be true or false, got ${JSON.stringify(a.linearBeforeReset)}`);
    return problems;
  },
};

export const lstm: OpDef<'LSTM'> = {
  op: 'LSTM',
  ...RECURRENT,
  inputs: { min: 3, max: 6 },
  defaults: { hiddenSize: 0, reverse: false, sequenceOutput: true },
  validate: (inputs, a) => checkRecurrent('LSTM', inputs, a),
};
