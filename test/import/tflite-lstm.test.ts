// TFLite UNIDIRECTIONAL_SEQUENCE_LSTM on hand-built .tflite files (an LSTM, then a FULLY_CONNECTED): the imported
// model's float reference against TFLite's LSTM equations computed here in float64 from the file's own per-gate
// tensors, batch-major and time-major, float and hybrid (int8 weights); the generated C against the reference on the
// host; zero states as variable tensors or constants; and the forms tinyforge refuses (integer-only, other activations,
// clipping, peepholes, projection, layer norm, CIFG, non-zero initial state, a variable read by another op), each named.
import { describe, expect, it } from 'vitest';
import { importTflite } from '../../src/import/tflite.ts';
import { product, type Graph } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { errorOf } from '../errors.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { buildModel, f32, i8, i32, type OpSpec, type TensorSpec } from './tflite-builder.ts';

const FULLY_CONNECTED = 9,
  LSTM = 44,
  LSTM_OPTIONS = 71,
  FLOAT32 = 0,
  INT32 = 2,
  INT16 = 7,
  INT8 = 9;
const GATES = ['input', 'forget', 'cell', 'output'] as const;

interface LstmCase {
  batch: number;
  steps: number;
  inSize: number;
  hidden: number;
  units: number;
  timeMajor: boolean;
  /** Weights stored int8 with one scale per tensor (dynamic-range quantization). */
  hybrid?: boolean;
  activation?: number;
  cellClip?: number;
  /** Extra optional inputs by slot (peepholes 9–11, projection 16, layer norm 20–23). */
  extra?: number[];
  /** Leave input_to_input_weights out (CIFG). */
  cifg?: boolean;
  /** cell_state as a constant holding these values instead of a variable tensor. */
  cellConst?: number[];
  seed?: number;
}

interface LstmParams {
  w: Float32Array[]; // per gate, [H, I]
  r: Float32Array[]; // per gate, [H, H]
  b: Float32Array[]; // per gate, [H]
  fcW: Float32Array; // [U, H]
  fcB: Float32Array; // [U]
}

/** A weight as the file stores it: float, or int8 with a scale (and the float values it stands for). */
function weightTensor(name: string, shape: number[], values: Float32Array, hybrid: boolean): { spec: TensorSpec; values: Float32Array } {
  if (!hybrid) return { spec: { name, shape, type: FLOAT32, data: f32(values) }, values };
  const scale = Math.max(...values.map(Math.abs)) / 127;
  const q = Array.from(values, (v) => Math.round(v / scale));
  return {
    spec: { name, shape, type: INT8, data: i8(q.length, (k) => q[k]), scale: [scale] },
    values: Float32Array.from(q, (v) => Math.fround(scale) * v),
  };
}

function lstmModel(c: LstmCase): { bytes: Uint8Array; params: LstmParams } {
  const r = rng(c.seed ?? 7);
  const { batch: B, steps: T, inSize: I, hidden: H, units: U } = c;
  const tensors: TensorSpec[] = [];
  const add = (t: TensorSpec) => tensors.push(t) - 1;
  const x = add({ name: 'x', shape: c.timeMajor ? [T, B, I] : [B, T, I], type: FLOAT32 });
  const inputs: number[] = new Array(24).fill(-1);
  inputs[0] = x;
  const params: LstmParams = { w: [], r: [], b: [], fcW: randF32(r, U * H, -0.7, 0.7), fcB: randF32(r, U, -0.3, 0.3) };
  GATES.forEach((gate, k) => {
    const w = weightTensor(`${gate}_w`, [H, I], randF32(r, H * I, -0.6, 0.6), !!c.hybrid);
    const rw = weightTensor(`${gate}_r`, [H, H], randF32(r, H * H, -0.6, 0.6), !!c.hybrid);
    const b = randF32(r, H, -0.5, 0.5);
    params.w.push(w.values);
    params.r.push(rw.values);
    params.b.push(b);
    if (gate === 'input' && c.cifg) return;
    inputs[1 + k] = add(w.spec);
    inputs[5 + k] = add(rw.spec);
    inputs[12 + k] = add({ name: `${gate}_b`, shape: [H], type: FLOAT32, data: f32(b) });
  });
  for (const slot of c.extra ?? []) {
    const shape = slot === 16 ? [H, H] : [H];
    inputs[slot] = add({ name: `extra_${slot}`, shape, type: FLOAT32, data: f32(randF32(r, product(shape))) });
  }
  inputs[18] = add({ name: 'output_state', shape: [B, H], type: FLOAT32, variable: true });
  inputs[19] = add(
    c.cellConst
      ? { name: 'cell_state', shape: [B, H], type: FLOAT32, data: f32(c.cellConst) }
      : { name: 'cell_state', shape: [B, H], type: FLOAT32, variable: true },
  );
  const y = add({ name: 'y', shape: c.timeMajor ? [T, B, H] : [B, T, H], type: FLOAT32 });
  const fcW = add({ name: 'fc_w', shape: [U, H], type: FLOAT32, data: f32(params.fcW) });
  const fcB = add({ name: 'fc_b', shape: [U], type: FLOAT32, data: f32(params.fcB) });
  const out = add({ name: 'logits', shape: [B * T, U], type: FLOAT32 });
  const ops: OpSpec[] = [
    {
      code: LSTM,
      version: c.hybrid ? 2 : 1,
      inputs,
      outputs: [y],
      options: {
        type: LSTM_OPTIONS,
        int8: [
          [0, c.activation ?? 4],
          [3, c.timeMajor ? 1 : 0],
        ],
        float32: [[1, c.cellClip ?? 0]],
      },
    },
    { code: FULLY_CONNECTED, inputs: [y, fcW, fcB], outputs: [out], options: { type: 8, int8: [[0, 0]] } },
  ];
  return { bytes: buildModel(tensors, ops, [x], [out]), params };
}

/** TFLite's LSTM (lstm_eval: gates from input and recurrent weights plus one bias; c = f·c + i·g; h = o·tanh(c)) and
 *  the FULLY_CONNECTED after it, in float64, over x in the file's layout. */
function oracle(c: LstmCase, p: LstmParams, x: Float32Array): Float64Array {
  const { batch: B, steps: T, inSize: I, hidden: H, units: U } = c;
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const at = (b: number, t: number) => (c.timeMajor ? t * B + b : b * T + t);
  const y = new Float64Array(B * T * H);
  for (let b = 0; b < B; b++) {
    const h = new Float64Array(H);
    const cell = new Float64Array(H);
    for (let t = 0; t < T; t++) {
      const xt = x.subarray(at(b, t) * I, at(b, t) * I + I);
      const gate = (k: number, j: number) => {
        let s = p.b[k][j];
        for (let i = 0; i < I; i++) s += p.w[k][j * I + i] * xt[i];
        for (let i = 0; i < H; i++) s += p.r[k][j * H + i] * h[i];
        return s;
      };
      const pre = [0, 1, 2, 3].map((k) => Float64Array.from({ length: H }, (_, j) => gate(k, j)));
      for (let j = 0; j < H; j++) {
        cell[j] = sigmoid(pre[1][j]) * cell[j] + sigmoid(pre[0][j]) * Math.tanh(pre[2][j]);
        h[j] = sigmoid(pre[3][j]) * Math.tanh(cell[j]);
      }
      y.set(h, at(b, t) * H);
    }
  }
  // FULLY_CONNECTED flattens y to [B·T, H] in its own (file) order.
  const out = new Float64Array(B * T * U);
  for (let n = 0; n < B * T; n++)
    for (let u = 0; u < U; u++) {
      let s = p.fcB[u];
      for (let j = 0; j < H; j++) s += p.fcW[u * H + j] * y[n * H + j];
      out[n * U + u] = s;
    }
  return out;
}

function checkLstm(c: LstmCase): Graph {
  const { bytes, params } = lstmModel(c);
  const g = importTflite(bytes, 'lstm.tflite');
  expect(g.nodes.map((n) => n.op)).toContain('LSTM');
  for (let s = 0; s < 3; s++) {
    const x = randF32(rng(100 + s), c.batch * c.steps * c.inSize, -2, 2);
    const ours = runGraph(g, { [g.inputs[0]]: x }).outputs[g.outputs[0]] as Float32Array;
    const want = oracle(c, params, x);
    expect(ours.length).toBe(want.length);
    const worst = Math.max(...Array.from(ours, (v, k) => Math.abs(v - want[k])));
    expect(worst, `sample ${s}: largest difference from TFLite's equations`).toBeLessThan(2e-5);
  }
  checkAgainstReference(g, { expectKernels: { reference: ['tfg_lstm_f32'] } });
  return g;
}

const BASE: LstmCase = { batch: 2, steps: 5, inSize: 3, hidden: 4, units: 3, timeMajor: false };

/** The unsupported-op note the importer gives for the LSTM node. */
function refusal(c: LstmCase): string {
  const e = errorOf(() => importTflite(lstmModel(c).bytes, 'lstm.tflite'));
  expect(e.code).toBe('unsupported-op');
  const note = e.diagnostic.notes!.find((n) => n.includes('UNIDIRECTIONAL_SEQUENCE_LSTM'));
  expect(note, e.diagnostic.notes!.join('\n')).toBeDefined();
  return note!;
}

describe('TFLite UNIDIRECTIONAL_SEQUENCE_LSTM', () => {
  it('batch-major (time_major false), batch 2, then FULLY_CONNECTED: matches TFLite equations and the host C', () => {
    const g = checkLstm(BASE);
    // [B,T,I] is transposed to the IR's [T,B,I] and the LSTM's [T,B,H] back to [B,T,H].
    expect(g.nodes.map((n) => n.op)).toEqual(['Transpose', 'LSTM', 'Transpose', 'Reshape', 'Dense']);
  });

  it('time-major, batch 1: no transposes', () => {
    const g = checkLstm({ ...BASE, batch: 1, steps: 6, inSize: 5, hidden: 3, units: 2, timeMajor: true, seed: 11 });
    expect(g.nodes.map((n) => n.op)).not.toContain('Transpose');
  });

  it('hybrid (int8 weights, version 2): weights dequantized at import, float math', () => {
    const g = checkLstm({ ...BASE, hybrid: true, seed: 13 });
    expect((g.metadata.tflite as { hybridWeightsDequantized: string[] }).hybridWeightsDequantized).toHaveLength(8);
  });

  it('refuses an integer-only LSTM, naming the op and what to export instead', () => {
    const H = 4,
      I = 3,
      B = 1,
      T = 2;
    const tensors: TensorSpec[] = [{ name: 'xq', shape: [B, T, I], type: INT8, scale: [0.05] }];
    const inputs: number[] = new Array(24).fill(-1);
    inputs[0] = 0;
    GATES.forEach((gate, k) => {
      inputs[1 + k] = tensors.push({ name: `${gate}_w`, shape: [H, I], type: INT8, data: i8(H * I), scale: [0.01] }) - 1;
      inputs[5 + k] = tensors.push({ name: `${gate}_r`, shape: [H, H], type: INT8, data: i8(H * H), scale: [0.01] }) - 1;
      inputs[12 + k] = tensors.push({ name: `${gate}_b`, shape: [H], type: INT32, data: i32([1, 2, 3, 4]), scale: [0.0005] }) - 1;
    });
    inputs[18] = tensors.push({ name: 'h', shape: [B, H], type: INT8, scale: [0.01], variable: true }) - 1;
    inputs[19] = tensors.push({ name: 'c', shape: [B, H], type: INT16, scale: [2 ** -11], variable: true }) - 1;
    const y = tensors.push({ name: 'yq', shape: [B, T, H], type: INT8, scale: [0.01] }) - 1;
    const bytes = buildModel(tensors, [{ code: LSTM, inputs, outputs: [y], options: { type: LSTM_OPTIONS, int8: [[0, 4]] } }], [0], [y]);
    const e = errorOf(() => importTflite(bytes, 'int8-lstm.tflite'));
    expect(e.code).toBe('unsupported-op');
    const notes = e.diagnostic.notes!.join('\n');
    expect(notes).toMatch(/UNIDIRECTIONAL_SEQUENCE_LSTM\): input "xq" is INT8: integer-only UNIDIRECTIONAL_SEQUENCE_LSTM is not supported/);
    expect(notes).toMatch(/float32 activations .*dynamic-range quantization/);
  });

  it('refuses other activations, clipping, CIFG, peepholes, projection and layer norm, naming each', () => {
    expect(refusal({ ...BASE, activation: 1 })).toMatch(/fused activation code 1 is not supported; only TANH/);
    expect(refusal({ ...BASE, cellClip: 3 })).toMatch(/cell_clip 3 is not supported/);
    expect(refusal({ ...BASE, cifg: true })).toMatch(/input_to_input_weights \(input 1\) is absent: .*CIFG/);
    expect(refusal({ ...BASE, extra: [10] })).toMatch(/peephole weights cell_to_forget_weights "extra_10" \(input 10\)/);
    expect(refusal({ ...BASE, extra: [16] })).toMatch(/projection_weights "extra_16" \(input 16\)/);
    expect(refusal({ ...BASE, extra: [22] })).toMatch(/cell_layer_norm_coefficients "extra_22" \(input 22\)/);
    const nonZero = Array.from({ length: BASE.batch * BASE.hidden }, (_, k) => (k === 3 ? 0.5 : 0));
    expect(refusal({ ...BASE, cellConst: nonZero })).toMatch(/cell_state "cell_state" \(input 19\) is not a zero-initialised variable/);
  });

  it('an all-zero constant state imports like a variable one', () => {
    checkLstm({ ...BASE, batch: 1, cellConst: [0, 0, 0, 0], seed: 17 });
  });

  it('a variable tensor read by another op is refused by name', () => {
    const tensors: TensorSpec[] = [
      { name: 'x', shape: [1, 4], type: FLOAT32 },
      { name: 'state', shape: [1, 4], type: FLOAT32, variable: true },
      { name: 'sum', shape: [1, 4], type: FLOAT32 },
    ];
    const bytes = buildModel(tensors, [{ code: 0, inputs: [0, 1], outputs: [2], options: { type: 11, int8: [[0, 0]] } }], [0], [2]);
    const e = errorOf(() => importTflite(bytes, 'state.tflite'));
    expect(e.code).toBe('unsupported-op');
    expect(e.diagnostic.notes!.join('\n')).toMatch(/\(ADD\): tensor "state" is a variable \(state\) tensor/);
  });
});
