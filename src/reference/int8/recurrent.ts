// int8 GRU and LSTM with int16 state, TFLM's integer LSTM scheme (8x8→16): int8 input and weights, int32 dot products
// rescaled to int16 gate pre-activations in Q3.12, int16 sigmoid/tanh giving Q0.15, the state in int16.
//
// Prepare (compile time; codegen emits exactly these constants):
// - per gate row g: (Mx[g], shx[g]) = quantizeMultiplier(s_x · s_W[g] / 2^−12), (Mh[g], shh[g]) likewise from s_h · s_R[g];
//   s_h is the output's scale, the scale of the int8 hidden vector fed back into R (zero point zp_h);
// - the bias B is int32: Wb at s_x · s_W[g], Rb at s_h · s_R[g] (the quantizer's choice);
// - the 257-entry int16 tables of sigmoid and tanh over Q3.12 (ACTIVATION_TABLES), computed once here.
// Per step, for gate row g:  in(g) = sat16(MBQM(Σ W[g]·(x − zp_x) + Wb[g], Mx[g], shx[g])),
//                            rec(g, v) = sat16(MBQM(Σ R[g]·(v − zp_h) + Rb[g], Mh[g], shh[g]))
// act(T, q) for q in Q3.12: u = q + 32768, linear interpolation between T[u >> 8] and T[(u >> 8) + 1] by (u & 255) / 256,
// rounded half up (all on non-negative values: ((T[i] + 32768)·(256 − f) + (T[i+1] + 32768)·f + 128) >> 8, − 32768).
//
// LSTM (ONNX gates i, o, f, c): the cell c in int16 Q4.11 (a power-of-two scale, range ±16), h as int8 on the output's
// quantization. i, o, f = σ(sat16(in + rec(h8))), g = tanh(same); c = sat16(RDBPOT(f·c, 15) + RDBPOT(i·g, 19));
// h8 = clamp8(MBQM(o · tanh(sat16(2c)), M_out, sh_out) + zp_h) with M_out from 2^−30 / s_h. initial_c → Q4.11 and
// initial_h → h8 through MBQM from their own quantization.
//
// GRU (ONNX gates z, r, h): the hidden state is its own output, so it is kept as int16 h16 (Q(k).(15−k), k = 0 unless an
// initial_h can exceed ±1: |h| never grows past max(1, |h0|)) plus an int8 copy h8 on the output's quantization, which
// the recurrent matmul reads and the output receives: h8 = clamp8(MBQM(h16, M_out, sh_out) + zp_h), M_out from
// 2^−(15−k) / s_h. z, r = σ(sat16(in + rec(h8))). The candidate's recurrent part in Q3.12:
//   linear_before_reset 1: RDBPOT(r · rec(h8), 15);
//   linear_before_reset 0: rec(rh8) with rh8 = clamp8(MBQM(r · h16, M_rh, sh_rh) + zp_h), M_rh from 2^−15 · 2^−(15−k) / s_h.
// cand = tanh(sat16(in + that)); h16 = sat16(RDBPOT((32768 − z) · RDBPOT(cand, k) + z · h16, 15)) (no int32 overflow:
// the two weights add to 2^15 and both values are below 2^15 in magnitude).
import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import { GATES } from '../../ir/ops/recurrent.ts';
import { TinyforgeError } from '../../diagnostics.ts';
import type { Value } from '../kernel.ts';
import {
  clamp,
  multiplyByQuantizedMultiplier as mbqm,
  quantizeMultiplier,
  roundHalfAway,
  roundingDivideByPOT as rdbpot,
} from '../quant.ts';
import { biasData, channelMultipliers, int8Data, quantOf, requireInput, weightScales } from './common.ts';

/** Gate pre-activations are Q3.12; sigmoid/tanh outputs Q0.15; the LSTM cell Q4.11. */
export const GATE_FRACTION_BITS = 12;
export const CELL_FRACTION_BITS = 11;
/** Entries of each activation table: 256 intervals of 1/16 over [−8, 8], both ends included. */
export const ACTIVATION_TABLE_SIZE = 257;

const sat16 = (v: number) => clamp(v, -32768, 32767);
const sat8 = (v: number) => clamp(v, -128, 127);

function activationTable(f: (v: number) => number): Int16Array {
  const t = new Int16Array(ACTIVATION_TABLE_SIZE);
  for (let k = 0; k < ACTIVATION_TABLE_SIZE; k++)
    t[k] = clamp(roundHalfAway(32767 * f((k * 256 - 32768) / 2 ** GATE_FRACTION_BITS)), -32767, 32767);
  return t;
}

/** The int16 sigmoid and tanh tables (input Q3.12 at k·256 − 32768, output Q0.15), the same for every layer. */
export const ACTIVATION_TABLES = {
  sigmoid: activationTable((v) => 1 / (1 + Math.exp(-v))),
  tanh: activationTable(Math.tanh),
};

/** act(T, q): the table's value at the Q3.12 input q, linearly interpolated (tfg_rnn_act_s16 in tfg_rnn_s8.h). */
export function activate16(table: Int16Array, q: number): number {
  const u = q + 32768;
  const i = u >> 8;
  const f = u & 255;
  return (((table[i] + 32768) * (256 - f) + (table[i + 1] + 32768) * f + 128) >> 8) - 32768;
}

/** The compile-time constants of one int8 GRU / LSTM layer (tfg_rnn_s8_params in C). */
export interface RecurrentInt8Params {
  xOffset: number; // −zp_x
  hOffset: number; // −zp_h
  hZeroPoint: number; // zp_h
  /** Per gate row (gates · hidden): input-to-gate and recurrent-to-gate rescaling to Q3.12. */
  wMultiplier: Int32Array;
  wShift: Int32Array;
  rMultiplier: Int32Array;
  rShift: Int32Array;
  /** GRU: h16 → h8; LSTM: o · tanh(c) (Q0.30) → h8. */
  outMultiplier: number;
  outShift: number;
  /** GRU (linear_before_reset 0): r · h16 → int8 on the output's quantization. */
  rhMultiplier: number;
  rhShift: number;
  /** GRU: integer bits k of the int16 state (0 = Q0.15). */
  stateIntBits: number;
  /** initial_h: −zp and the rescale to the GRU's h16 or the LSTM's h8 (0 when absent). */
  h0Offset: number;
  h0Multiplier: number;
  h0Shift: number;
  /** LSTM initial_c → Q4.11 (0 when absent). */
  c0Offset: number;
  c0Multiplier: number;
  c0Shift: number;
}

/** The largest |real value| an int8 tensor with this quantization can hold. */
function maxMagnitude(q: { scale: number; zeroPoint: number }): number {
  return q.scale * Math.max(Math.abs(-128 - q.zeroPoint), Math.abs(127 - q.zeroPoint));
}

/** Tensors of the layer in ONNX input order; absent optional ones undefined. */
export interface RecurrentTensors {
  x: Tensor;
  w: Tensor;
  r: Tensor;
  initialH?: Tensor;
  initialC?: Tensor;
  y: Tensor;
}

export function prepareRecurrentInt8(node: Node<'GRU' | 'LSTM'>, t: RecurrentTensors): RecurrentInt8Params {
  const rows = GATES[node.op] * node.attrs.hiddenSize;
  const qx = quantOf(t.x, node);
  const qh = quantOf(t.y, node);
  const gateScale = 2 ** -GATE_FRACTION_BITS;
  const wm = channelMultipliers(qx.scale, weightScales(t.w, node, rows), gateScale, rows);
  const rm = channelMultipliers(qh.scale, weightScales(t.r, node, rows), gateScale, rows);
  const q0 = t.initialH ? quantOf(t.initialH, node) : undefined;
  const gru = node.op === 'GRU';
  const stateIntBits = gru && q0 ? clamp(Math.ceil(Math.log2(Math.max(1, maxMagnitude(q0)))), 0, 7) : 0;
  const stateScale = 2 ** (stateIntBits - 15);
  const out = quantizeMultiplier(gru ? stateScale / qh.scale : 2 ** -30 / qh.scale);
  const rh = quantizeMultiplier((2 ** -15 * stateScale) / qh.scale);
  const h0 = q0 ? quantizeMultiplier(q0.scale / (gru ? stateScale : qh.scale)) : { multiplier: 0, shift: 0 };
  const qc = node.op === 'LSTM' && t.initialC ? quantOf(t.initialC, node) : undefined;
  const c0 = qc ? quantizeMultiplier(qc.scale / 2 ** -CELL_FRACTION_BITS) : { multiplier: 0, shift: 0 };
  return {
    xOffset: -qx.zeroPoint,
    hOffset: -qh.zeroPoint,
    hZeroPoint: qh.zeroPoint,
    wMultiplier: wm.multiplier,
    wShift: wm.shift,
    rMultiplier: rm.multiplier,
    rShift: rm.shift,
    outMultiplier: out.multiplier,
    outShift: out.shift,
    rhMultiplier: rh.multiplier,
    rhShift: rh.shift,
    stateIntBits,
    h0Offset: q0 ? -q0.zeroPoint : 0,
    h0Multiplier: h0.multiplier,
    h0Shift: h0.shift,
    c0Offset: qc ? -qc.zeroPoint : 0,
    c0Multiplier: c0.multiplier,
    c0Shift: c0.shift,
  };
}

/** One layer's run-time view: the data and the gate-row arithmetic both layers share. */
class Layer {
  readonly steps: number;
  readonly batch: number;
  readonly inSize: number;
  readonly x: Int8Array;
  readonly w: Int8Array;
  readonly r: Int8Array;
  readonly bias: Int32Array | null;
  readonly rows: number;

  constructor(
    readonly node: Node<'GRU' | 'LSTM'>,
    inputs: (Value | undefined)[],
    readonly p: RecurrentInt8Params,
    readonly hidden: number,
  ) {
    const xv = requireInput(node, inputs, 0);
    [this.steps, this.batch, this.inSize] = xv.shape;
    this.x = int8Data(node, xv);
    this.w = int8Data(node, requireInput(node, inputs, 1));
    this.r = int8Data(node, requireInput(node, inputs, 2));
    this.bias = biasData(node, inputs[3]);
    this.rows = GATES[node.op] * hidden;
  }

  /** in(g): the input-to-gate part of row g at x offset xo, Q3.12. */
  inputPart(g: number, xo: number): number {
    let acc = this.bias ? this.bias[g] : 0;
    const base = g * this.inSize;
    for (let k = 0; k < this.inSize; k++) acc += this.w[base + k] * (this.x[xo + k] + this.p.xOffset);
    return sat16(mbqm(acc, this.p.wMultiplier[g], this.p.wShift[g]));
  }

  /** rec(g, v): the recurrent part of row g on the int8 vector v (output quantization), Q3.12. */
  recurrentPart(g: number, v: Int8Array): number {
    let acc = this.bias ? this.bias[this.rows + g] : 0;
    const base = g * this.hidden;
    for (let k = 0; k < this.hidden; k++) acc += this.r[base + k] * (v[k] + this.p.hOffset);
    return sat16(mbqm(acc, this.p.rMultiplier[g], this.p.rShift[g]));
  }

  stepAt(i: number): number {
    return this.node.attrs.reverse ? this.steps - 1 - i : i;
  }
}

/** The tensors prepare needs, from the kernel's run-time values. */
function tensorsOf(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): RecurrentTensors {
  return {
    x: requireInput(node, inputs, 0),
    w: requireInput(node, inputs, 1),
    r: requireInput(node, inputs, 2),
    initialH: inputs[4],
    initialC: inputs[5],
    y: outputs[0],
  };
}

function recurrentNode(node: Node): Node<'GRU' | 'LSTM'> {
  if (node.op !== 'GRU' && node.op !== 'LSTM')
    throw new TinyforgeError('unsupported-op', `the int8 recurrent kernel got a ${node.op} node "${node.name}"`, {
      location: { node: node.name, op: node.op },
    });
  return node;
}

export function gruInt8(n: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const node = recurrentNode(n) as Node<'GRU'>;
  const H = node.attrs.hiddenSize;
  const p = prepareRecurrentInt8(node, tensorsOf(node, inputs, outputs));
  const L = new Layer(node, inputs, p, H);
  const { sigmoid, tanh } = ACTIVATION_TABLES;
  const h0 = inputs[4] ? int8Data(node, inputs[4]) : null;
  const y = new Int8Array((node.attrs.sequenceOutput ? L.steps : 1) * L.batch * H);
  const h16 = new Int16Array(H);
  const h8 = new Int8Array(H);
  const z = new Int16Array(H);
  const rg = new Int16Array(H);
  const hr = new Int16Array(H);
  const rh8 = new Int8Array(H);
  const toH8 = (v: number) => sat8(mbqm(v, p.outMultiplier, p.outShift) + p.hZeroPoint);
  for (let b = 0; b < L.batch; b++) {
    for (let j = 0; j < H; j++) {
      h16[j] = h0 ? sat16(mbqm(h0[b * H + j] + p.h0Offset, p.h0Multiplier, p.h0Shift)) : 0;
      h8[j] = toH8(h16[j]);
    }
    for (let i = 0; i < L.steps; i++) {
      const t = L.stepAt(i);
      const xo = (t * L.batch + b) * L.inSize;
      for (let j = 0; j < H; j++) {
        z[j] = activate16(sigmoid, sat16(L.inputPart(j, xo) + L.recurrentPart(j, h8)));
        rg[j] = activate16(sigmoid, sat16(L.inputPart(H + j, xo) + L.recurrentPart(H + j, h8)));
      }
      if (node.attrs.linearBeforeReset) {
        for (let j = 0; j < H; j++) hr[j] = rdbpot(rg[j] * L.recurrentPart(2 * H + j, h8), 15);
      } else {
        for (let k = 0; k < H; k++) rh8[k] = sat8(mbqm(rg[k] * h16[k], p.rhMultiplier, p.rhShift) + p.hZeroPoint);
        for (let j = 0; j < H; j++) hr[j] = L.recurrentPart(2 * H + j, rh8);
      }
      for (let j = 0; j < H; j++) {
        const cand = activate16(tanh, sat16(L.inputPart(2 * H + j, xo) + hr[j]));
        h16[j] = sat16(rdbpot((32768 - z[j]) * rdbpot(cand, p.stateIntBits) + z[j] * h16[j], 15));
        h8[j] = toH8(h16[j]);
      }
      if (node.attrs.sequenceOutput) y.set(h8, (t * L.batch + b) * H);
    }
    if (!node.attrs.sequenceOutput) y.set(h8, b * H);
  }
  return [y];
}

export function lstmInt8(n: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const node = recurrentNode(n) as Node<'LSTM'>;
  const H = node.attrs.hiddenSize;
  const p = prepareRecurrentInt8(node, tensorsOf(node, inputs, outputs));
  const L = new Layer(node, inputs, p, H);
  const { sigmoid, tanh } = ACTIVATION_TABLES;
  const h0 = inputs[4] ? int8Data(node, inputs[4]) : null;
  const c0 = inputs[5] ? int8Data(node, inputs[5]) : null;
  const y = new Int8Array((node.attrs.sequenceOutput ? L.steps : 1) * L.batch * H);
  const gates = new Int16Array(4 * H);
  const c16 = new Int16Array(H);
  const h8 = new Int8Array(H);
  for (let b = 0; b < L.batch; b++) {
    for (let j = 0; j < H; j++) {
      h8[j] = h0 ? sat8(mbqm(h0[b * H + j] + p.h0Offset, p.h0Multiplier, p.h0Shift) + p.hZeroPoint) : p.hZeroPoint;
      c16[j] = c0 ? sat16(mbqm(c0[b * H + j] + p.c0Offset, p.c0Multiplier, p.c0Shift)) : 0;
    }
    for (let i = 0; i < L.steps; i++) {
      const t = L.stepAt(i);
      const xo = (t * L.batch + b) * L.inSize;
      for (let g = 0; g < 4 * H; g++) gates[g] = sat16(L.inputPart(g, xo) + L.recurrentPart(g, h8));
      for (let j = 0; j < H; j++) {
        const ig = activate16(sigmoid, gates[j]);
        const og = activate16(sigmoid, gates[H + j]);
        const fg = activate16(sigmoid, gates[2 * H + j]);
        const cand = activate16(tanh, gates[3 * H + j]);
        c16[j] = sat16(rdbpot(fg * c16[j], 15) + rdbpot(ig * cand, 30 - CELL_FRACTION_BITS));
        const tc = activate16(tanh, sat16(c16[j] * 2 ** (GATE_FRACTION_BITS - CELL_FRACTION_BITS)));
        h8[j] = sat8(mbqm(og * tc, p.outMultiplier, p.outShift) + p.hZeroPoint);
      }
      if (node.attrs.sequenceOutput) y.set(h8, (t * L.batch + b) * H);
    }
    if (!node.attrs.sequenceOutput) y.set(h8, b * H);
  }
  return [y];
}
