// int8 GRU and LSTM (int16 state, src/reference/int8/recurrent.ts) on small random ONNX models: quantization keeps them
// in int8, the int8 result is the float result within a few output steps, and the C kernels equal the reference byte
// for byte on the host (ASan/UBSan) over the whole int8 input range: both GRU forms, LSTM, forward and reverse, with
// and without bias and initial state, every step or the last; the reference and the SMLAD (_dsp) kernels alike.
import { describe, expect, it } from 'vitest';
import { runGraph } from '../../src/reference/interpreter.ts';
import { dequantizeArray, quantizeArray } from '../../src/reference/quant.ts';
import { ACTIVATION_TABLES, activate16, prepareRecurrentInt8 } from '../../src/reference/int8/recurrent.ts';
import type { Graph, Node } from '../../src/ir/graph.ts';
import { generateModel } from '../../src/codegen/generate.ts';
import { checkAgainstReference, randomInputs, VARIANTS } from '../firmware/kernel-check.ts';
import { runOnQemu } from '../firmware/qemu/qemu-run.ts';
import { rnnInt8Graphs, rnnInputs, type RnnInt8Case } from './rnn-int8-models.ts';

const CASES: RnnInt8Case[] = [
  { op: 'GRU', steps: 6, batch: 1, inSize: 4, hidden: 6, output: 'Y', seed: 1 },
  { op: 'GRU', steps: 5, batch: 2, inSize: 3, hidden: 5, output: 'Y', linearBeforeReset: true, reverse: true, initial: 'const', seed: 2 },
  { op: 'GRU', steps: 6, batch: 1, inSize: 4, hidden: 4, output: 'Y_h', initial: 'runtime', bias: false, seed: 3 },
  { op: 'GRU', steps: 4, batch: 1, inSize: 3, hidden: 5, output: 'Y', linearBeforeReset: true, initial: 'const', initialRange: 3, seed: 7 },
  { op: 'LSTM', steps: 6, batch: 1, inSize: 4, hidden: 6, output: 'Y', seed: 4 },
  { op: 'LSTM', steps: 6, batch: 2, inSize: 4, hidden: 4, output: 'Y_h', reverse: true, initial: 'runtime', seed: 5 },
  { op: 'LSTM', steps: 5, batch: 2, inSize: 4, hidden: 5, output: 'Y', initial: 'const', bias: false, seed: 6 },
];

const label = (c: RnnInt8Case) =>
  `${c.op}${c.op === 'GRU' ? ` linear_before_reset ${c.linearBeforeReset ? 1 : 0}` : ''} ${c.reverse ? 'reverse' : 'forward'}, ` +
  `batch ${c.batch}, ${c.bias === false ? 'no bias' : 'bias'}, initial state ${c.initial ?? 'none'}${c.initialRange ? ` ±${c.initialRange}` : ''}, ${c.output}`;

/** Largest |dequantized int8 output − float output| over the calibration inputs, in output steps. */
function int8VsFloatSteps(c: RnnInt8Case, float: Graph, int8: Graph): number {
  const xq = int8.tensors[int8.inputs[0]].quant!;
  const yq = int8.tensors[int8.outputs[0]].quant!;
  let worst = 0;
  for (const x of rnnInputs(c, 16, c.seed + 100)) {
    const f = runGraph(float, { [float.inputs[0]]: x }).outputs[float.outputs[0]] as Float32Array;
    const q = runGraph(int8, { [int8.inputs[0]]: quantizeArray(x, xq) }).outputs[int8.outputs[0]] as Int8Array;
    const d = dequantizeArray(q, yq);
    for (let i = 0; i < f.length; i++) worst = Math.max(worst, Math.abs(f[i] - d[i]) / yq.scale[0]);
  }
  return worst;
}

describe('int8 GRU and LSTM', () => {
  for (const c of CASES) {
    it(`${label(c)}: int8 without float fallback, within 3 steps of float, host C = reference`, async () => {
      const { float, int8, codes } = await rnnInt8Graphs(c);
      expect(codes).not.toContain('float-fallback');
      const layer = int8.nodes.find((n) => n.op === c.op)!;
      expect(layer.inputs.slice(0, 3).map((name) => int8.tensors[name].dtype)).toEqual(['i8', 'i8', 'i8']);
      if (layer.inputs[3]) expect(int8.tensors[layer.inputs[3]].dtype).toBe('i32');
      // measured worst case over these models: 1.8 steps (weight rounding and the int16 tables)
      expect(int8VsFloatSteps(c, float, int8)).toBeLessThanOrEqual(3);
      const kernel = c.op === 'GRU' ? 'tfg_gru_s8' : 'tfg_lstm_s8';
      checkAgainstReference(int8, {
        samples: 6,
        seed: c.seed,
        variants: VARIANTS,
        expectKernels: { reference: [kernel], 'cortex-m-dsp': [`${kernel}_dsp`] },
      });
    });
  }

  it('a GRU whose initial state can exceed ±1 keeps its int16 state with integer bits', async () => {
    const { int8 } = await rnnInt8Graphs(CASES[3]);
    const layer = int8.nodes.find((n) => n.op === 'GRU') as Node<'GRU'>;
    const t = (i: number) => int8.tensors[layer.inputs[i]];
    const p = prepareRecurrentInt8(layer, { x: t(0), w: t(1), r: t(2), initialH: t(4), y: int8.tensors[layer.outputs[0]] });
    const { scale, zeroPoint } = t(4).quant!; // the largest |value| the int8 initial state can hold
    const largest = scale[0] * Math.max(128 + zeroPoint[0], 127 - zeroPoint[0]);
    expect(largest).toBeGreaterThan(1);
    expect(p.stateIntBits).toBe(Math.ceil(Math.log2(largest)));
  });
});

describe('int8 GRU and LSTM on QEMU mps2-an386 (Cortex-M4)', () => {
  // gru-kws.test.ts deploys a GRU with linear_before_reset 1; these are the other GRU form and the LSTM.
  for (const c of [CASES[0], CASES[6]]) {
    it(`${label(c)}: both kernel sets give the reference's bytes`, async () => {
      const { int8 } = await rnnInt8Graphs(c);
      const inputs = randomInputs(int8, 3, c.seed);
      const refs = inputs.map((x) => Array.from(runGraph(int8, { [int8.inputs[0]]: x }).outputs[int8.outputs[0]]));
      for (const kernels of VARIANTS) {
        const gen = generateModel(int8, { board: { kernels } });
        expect(gen.kernels).toContain(`tfg_${c.op.toLowerCase()}_s8${kernels === 'reference' ? '' : '_dsp'}`);
        const run = runOnQemu(gen, inputs);
        run.outputs.forEach((o, i) =>
          expect(Array.from(new Int8Array(o.buffer, o.byteOffset, o.byteLength)), `${kernels} sample ${i}`).toEqual(refs[i]),
        );
      }
    });
  }
});

describe('int16 sigmoid and tanh tables', () => {
  it('every Q3.12 input gives the function within 4·10⁻⁴, a twentieth of an int8 step (entries 1/16 apart, interpolated)', () => {
    for (const [name, f] of [
      ['sigmoid', (v: number) => 1 / (1 + Math.exp(-v))],
      ['tanh', Math.tanh],
    ] as const) {
      let worst = 0;
      for (let q = -32768; q <= 32767; q++) worst = Math.max(worst, Math.abs(activate16(ACTIVATION_TABLES[name], q) / 32767 - f(q / 4096)));
      expect(worst, name).toBeLessThan(4e-4);
    }
  });
});
