// GRU and LSTM references (ONNX semantics, one direction), unrolled over the time steps in the order tfg_gru_f32 and
// tfg_lstm_f32 compute: each gate's dot products summed in float64 and stored as float32, then the gate math in float32.
import type { Kernel, Value } from '../kernel.ts';
import { attrsOf, floats } from './support.ts';

const f = Math.fround;
const sigmoid = (v: number) => f(1 / (1 + Math.exp(-v)));
const tanh = (v: number) => f(Math.tanh(v));

/** Σ_k m[row, k]·v[off + k] over one row of a [rows, n] matrix. */
function dot(m: Float32Array, row: number, n: number, v: Float32Array, off: number): number {
  let acc = 0;
  const base = row * n;
  for (let k = 0; k < n; k++) acc += m[base + k] * v[off + k];
  return acc;
}

/** (W·x + R·h) + Wb + Rb, rounded to float32 after each add as the C kernel does. */
function preActivation(dw: number, dr: number, wb: number, rb: number): number {
  return f(f(f(f(dw) + f(dr)) + wb) + rb);
}

interface Recurrence {
  steps: number;
  batch: number;
  inSize: number;
  hidden: number;
  x: Float32Array;
  w: Float32Array;
  r: Float32Array;
  /** [Wb (gates·H), Rb (gates·H)], zeros when the model has no bias. */
  bias: Float32Array;
  y: Float32Array;
}

function setUp(gates: number, [x, w, r, b]: (Value | undefined)[], hidden: number, sequenceOutput: boolean): Recurrence {
  const [steps, batch, inSize] = x!.shape;
  return {
    steps,
    batch,
    inSize,
    hidden,
    x: floats(x, 'input X'),
    w: floats(w, 'weights W'),
    r: floats(r, 'recurrence weights R'),
    bias: b ? floats(b, 'bias B') : new Float32Array(2 * gates * hidden),
    y: new Float32Array((sequenceOutput ? steps : 1) * batch * hidden),
  };
}

/** The initial state of batch row `b` (zeros when the input is absent). */
function initialState(v: Value | undefined, b: number, hidden: number, what: string): Float32Array {
  return v ? floats(v, what).slice(b * hidden, (b + 1) * hidden) : new Float32Array(hidden);
}

/** Time step i of the walk: forward 0…T−1, reverse T−1…0. */
const stepAt = (i: number, steps: number, reverse: boolean) => (reverse ? steps - 1 - i : i);

export const gru: Kernel = (node, inputs) => {
  const { hiddenSize: H, reverse, sequenceOutput, linearBeforeReset } = attrsOf(node, 'GRU');
  const s = setUp(3, inputs, H, sequenceOutput);
  const rb = 3 * H; // where Rb starts in the bias
  const rh = new Float32Array(H);
  const zs = new Float32Array(H);
  const rs = new Float32Array(H);
  for (let b = 0; b < s.batch; b++) {
    const h = initialState(inputs[4], b, H, 'initial_h');
    for (let i = 0; i < s.steps; i++) {
      const t = stepAt(i, s.steps, reverse);
      const xo = (t * s.batch + b) * s.inSize;
      for (let j = 0; j < H; j++) {
        zs[j] = sigmoid(preActivation(dot(s.w, j, s.inSize, s.x, xo), dot(s.r, j, H, h, 0), s.bias[j], s.bias[rb + j]));
        rs[j] = sigmoid(preActivation(dot(s.w, H + j, s.inSize, s.x, xo), dot(s.r, H + j, H, h, 0), s.bias[H + j], s.bias[rb + H + j]));
      }
      for (let k = 0; k < H; k++) rh[k] = f(rs[k] * h[k]);
      const next = new Float32Array(H);
      for (let j = 0; j < H; j++) {
        const gx = f(f(dot(s.w, 2 * H + j, s.inSize, s.x, xo)) + s.bias[2 * H + j]);
        const recurrent = linearBeforeReset
          ? f(rs[j] * f(f(dot(s.r, 2 * H + j, H, h, 0)) + s.bias[rb + 2 * H + j]))
          : f(f(dot(s.r, 2 * H + j, H, rh, 0)) + s.bias[rb + 2 * H + j]);
        const candidate = tanh(f(gx + recurrent));
        next[j] = f(f(f(1 - zs[j]) * candidate) + f(zs[j] * h[j]));
      }
      h.set(next);
      if (sequenceOutput) s.y.set(h, (t * s.batch + b) * H);
    }
    if (!sequenceOutput) s.y.set(h, b * H);
  }
  return [s.y];
};

export const lstm: Kernel = (node, inputs) => {
  const { hiddenSize: H, reverse, sequenceOutput } = attrsOf(node, 'LSTM');
  const s = setUp(4, inputs, H, sequenceOutput);
  const rb = 4 * H;
  const pre = new Float32Array(4 * H);
  for (let b = 0; b < s.batch; b++) {
    const h = initialState(inputs[4], b, H, 'initial_h');
    const c = initialState(inputs[5], b, H, 'initial_c');
    for (let i = 0; i < s.steps; i++) {
      const t = stepAt(i, s.steps, reverse);
      const xo = (t * s.batch + b) * s.inSize;
      for (let j = 0; j < 4 * H; j++)
        pre[j] = preActivation(dot(s.w, j, s.inSize, s.x, xo), dot(s.r, j, H, h, 0), s.bias[j], s.bias[rb + j]);
      // ONNX gate order i, o, f, c
      for (let j = 0; j < H; j++) {
        const ig = sigmoid(pre[j]);
        const og = sigmoid(pre[H + j]);
        const fg = sigmoid(pre[2 * H + j]);
        const cand = tanh(pre[3 * H + j]);
        c[j] = f(f(fg * c[j]) + f(ig * cand));
        h[j] = f(og * tanh(c[j]));
      }
      if (sequenceOutput) s.y.set(h, (t * s.batch + b) * H);
    }
    if (!sequenceOutput) s.y.set(h, b * H);
  }
  return [s.y];
};
