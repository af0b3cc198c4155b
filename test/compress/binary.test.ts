// BinaryConnect: binarization rules, training with real-valued weights on an MNIST slice, and deployment as 1-bit
// weights (float: add/sub then ×α; int8 after PTQ: bit-exact with the int8 reference).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/codegen/generate.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { validateGraph } from '../../src/ir/validate.ts';
import { binary } from '../../src/compress/binary.ts';
import { createLog } from '../../src/compress/pass.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { weightRatio } from '../../src/compress/deep-compression-table.ts';
import { alphas, binarize, clipReal, initBinaryLayer } from '../../src/train/binary-connect.ts';
import { makeRng } from '../../src/train/prng.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { maxFloatViolation, runOnHost } from '../codegen/host-run.ts';
import { mlp, mnistSlice, sampleInput, trained } from './prune-fixtures.ts';

describe('BinaryConnect weights', () => {
  it('sign with α = mean|w| per channel, stochastic +1 with probability hard_sigmoid(w), real weights clipped', () => {
    const s = initBinaryLayer(Float32Array.from([0.2, -0.4, 0.1, -0.1, 0.3, 0.1]), 2);
    expect(s.scale).toBeCloseTo(0.4);
    const a = alphas(s, 'per-channel');
    expect(a[0]).toBeCloseTo((0.2 + 0.4 + 0.1) / 3, 6);
    expect(a[1]).toBeCloseTo((0.1 + 0.3 + 0.1) / 3, 6);
    expect(Array.from(binarize(s, a, 'deterministic'))).toEqual([a[0], -a[0], a[0], -a[1], a[1], a[1]].map(Math.fround));
    expect(alphas(s, 'per-layer')).toEqual([alphas(s, 'per-layer')[0], alphas(s, 'per-layer')[0]]);
    // real weight 0.2/0.4 = 0.5 → P(+1) = 0.75
    const rng = makeRng(3);
    let plus = 0;
    for (let t = 0; t < 20000; t++) if (binarize(s, a, 'stochastic', rng)[0] > 0) plus++;
    expect(plus / 20000).toBeCloseTo(0.75, 1.5);
    s.real[0] = 3;
    s.real[1] = -2;
    clipReal(s);
    expect([s.real[0], s.real[1]]).toEqual([1, -1]);
  });

  it('trains a binary MLP on MNIST that beats plain binarization; the C build matches the reference', async () => {
    const train = await mnistSlice(3000);
    const float = await trained(mlp(1, 64, 32), train, 2);
    const base = {
      mode: 'deterministic',
      alpha: 'per-channel',
      keep_first: false,
      keep_last: true,
      lr: 1e-3,
      samples: 2500,
      val_samples: 500,
      batch_size: 64,
      seed: 1,
    };
    const only = await binary.run(float, { params: { ...base, epochs: 0 }, data: { dataset: train } }, createLog());
    const bc = await binary.run(float, { params: { ...base, epochs: 2 }, data: { dataset: train } }, createLog());
    const accOnly = (only.report as unknown as { accuracy_after: number }).accuracy_after;
    const accBc = (bc.report as unknown as { accuracy_after: number }).accuracy_after;
    expect(accBc).toBeGreaterThan(0.8);
    expect(accBc).toBeGreaterThan(accOnly);
    for (const name of ['fc1.w', 'fc2.w']) {
      const t = bc.ir.tensors[name];
      expect(t.storage?.kind).toBe('binary');
      const alpha = t.storage?.kind === 'binary' ? t.storage.alpha : [];
      const row = t.shape[1];
      for (let i = 0; i < t.data!.length; i++) expect(Math.abs(t.data![i])).toBe(alpha[Math.floor(i / row)]);
    }
    expect(bc.ir.tensors['fc3.w'].storage).toBeUndefined(); // last layer kept
    expect(weightRatio(bc.ir).ratio).toBeGreaterThan(20);
    const test = await mnistSlice(3, 'test');
    const inputs = [0, 1, 2].map((i) => sampleInput(test, i).input);
    const run = runOnHost(bc.ir, inputs);
    expect(run.gen.kernels).toContain('tfg_dense_f32_b1');
    inputs.forEach((x, i) => {
      const ref = runGraph(bc.ir, { input: x }).outputs[bc.ir.outputs[0]] as Float32Array;
      expect(maxFloatViolation(new Float32Array(run.outputs[i].buffer.slice(0)), ref)).toBeNull();
    });
  }, 60_000);

  it('binarize_activations: an XNOR hidden layer trained with the sign STE; C output matches the reference', async () => {
    const train = await mnistSlice(3000);
    const float = await trained(mlp(1, 64, 32), train, 2);
    const base = {
      mode: 'deterministic',
      alpha: 'per-channel',
      keep_first: true,
      keep_last: true,
      binarize_activations: true,
      lr: 1e-3,
      samples: 2500,
      val_samples: 500,
      batch_size: 64,
      seed: 1,
    };
    const only = await binary.run(float, { params: { ...base, epochs: 0 }, data: { dataset: train } }, createLog());
    const bnn = await binary.run(float, { params: { ...base, epochs: 2 }, data: { dataset: train } }, createLog());
    const fc2 = bnn.ir.nodes.find((n) => n.name === 'fc2')!;
    expect(fc2.op === 'Dense' && fc2.attrs.binarizeInput).toBe(true);
    // sign(relu(x)) would always be +1: the producer's ReLU is dropped
    expect(bnn.ir.nodes.find((n) => n.name === 'fc1')!.attrs).toMatchObject({ activation: 'none' });
    expect(float.nodes.find((n) => n.name === 'fc1')!.attrs).toMatchObject({ activation: 'relu' }); // input untouched
    expect(bnn.ir.tensors['fc2.w'].storage?.kind).toBe('binary');
    const accOnly = (only.report as unknown as { accuracy_after: number }).accuracy_after;
    const accBnn = (bnn.report as unknown as { accuracy_after: number }).accuracy_after;
    expect(accBnn).toBeGreaterThan(0.8);
    expect(accBnn).toBeGreaterThan(accOnly);
    expect(bnn.report.notes?.join(' ')).toContain('binarized inputs (XNOR-popcount): fc2');
    const test = await mnistSlice(3, 'test');
    const inputs = [0, 1, 2].map((i) => sampleInput(test, i).input);
    const run = runOnHost(bnn.ir, inputs);
    expect(run.gen.kernels).toContain('tfg_dense_f32_xnor');
    inputs.forEach((x, i) => {
      const ref = runGraph(bnn.ir, { input: x }).outputs[bnn.ir.outputs[0]] as Float32Array;
      expect(maxFloatViolation(new Float32Array(run.outputs[i].buffer.slice(0)), ref)).toBeNull();
    });
  }, 60_000);

  it('binarize_activations on an imported graph: standalone Relu bypassed and dropped, pixels never binarized', async () => {
    const path = 'examples/mnist-lenet300/model.onnx';
    const g = importOnnx(new Uint8Array(readFileSync(path)), path); // Transpose → Reshape → fc1 → Relu node → fc2 → Relu …
    const params = {
      mode: 'deterministic',
      alpha: 'per-channel',
      keep_first: false,
      keep_last: true,
      binarize_activations: true,
      epochs: 0,
      lr: 1e-3,
      samples: 10,
      val_samples: 0,
      batch_size: 64,
      seed: 1,
    };
    const { ir } = await binary.run(g, { params, data: {} }, createLog());
    const byName = (name: string) => ir.nodes.find((n) => n.name === name)!;
    expect(byName('fc1_1').attrs).not.toHaveProperty('binarizeInput'); // its input is the (reshaped) image
    expect(byName('fc2_1').attrs).toMatchObject({ binarizeInput: true });
    expect(byName('fc2_1').inputs[0]).toBe(byName('fc1_1').outputs[0]);
    expect(ir.nodes.some((n) => n.name === 'fc1/relu')).toBe(false);
    expect(ir.nodes.some((n) => n.name === 'fc2/relu')).toBe(true); // feeds the kept float layer
    validateGraph(ir);
    const gen = generateModel(ir);
    expect(gen.kernels).toEqual(expect.arrayContaining(['tfg_dense_f32_b1', 'tfg_dense_f32_xnor']));
  });

  it('binary then int8 PTQ: ±127 weights on the 1-bit int8 kernel, identical bytes', async () => {
    const g = mlp(4, 32, 16);
    const cal = await mnistSlice(20, 'test');
    const calibration = Array.from({ length: 20 }, (_, i) => sampleInput(cal, i));
    const { ir } = await runPipeline(g, [{ step: 'binary', epochs: 0 }, { step: 'quantize-int8' }], { data: { calibration } });
    const w = ir.tensors['fc1.w'];
    expect(w.dtype).toBe('i8');
    expect(new Set(Array.from(w.data!, Math.abs))).toEqual(new Set([127]));
    const inputs = Array.from({ length: 5 }, (_, i) =>
      Int8Array.from(calibration[i].input, (v) =>
        Math.max(-128, Math.min(127, Math.round(v / ir.tensors.input.quant!.scale[0]) + ir.tensors.input.quant!.zeroPoint[0])),
      ),
    );
    const run = runOnHost(ir, inputs);
    expect(run.gen.kernels).toContain('tfg_dense_s8_b1');
    inputs.forEach((x, i) => {
      const ref = runGraph(ir, { input: x }).outputs[ir.outputs[0]];
      expect(run.outputs[i]).toEqual(new Uint8Array(ref.buffer, ref.byteOffset, ref.byteLength));
    });
  }, 60_000);
});
