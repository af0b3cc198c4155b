// Quantization-aware training: per-channel weight fake-quant on the int8 grid, the fake-quant forward agreeing with the
// int8 reference interpreter, and the qat-int8 pass (PTQ vs QAT top-1) producing an int8 model C runs bit-exact.
import { tf } from '../../src/train/tf.ts';
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../src/compress/calibrate.ts';
import { fuseActivations } from '../../src/ir/optimize.ts';
import { createLog } from '../../src/compress/pass.ts';
import { qat } from '../../src/compress/qat.ts';
import { quantizeGraphInt8 } from '../../src/compress/quantize-int8.ts';
import { cloneGraph } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { argmax, prepareInput } from '../../src/reference/model-input.ts';
import { fakeQuantWeights, qatForward } from '../../src/train/fake-quant.ts';
import { toTfjs } from '../../src/train/to-tfjs.ts';
import { runOnHost } from '../codegen/host-run.ts';
import { mlp, mnistSlice, trained } from './prune-fixtures.ts';

describe('qat-int8', () => {
  it('fake-quantized weights sit on each channel’s int8 grid with the channel max exact', () => {
    const w = Float32Array.from([0.5, -0.25, 0.1, 0.003, -2, 1.3]);
    const q = fakeQuantWeights(w, 2);
    expect(q[0]).toBeCloseTo(0.5, 6);
    expect(q[4]).toBeCloseTo(-2, 6);
    for (let i = 0; i < 3; i++)
      expect(Math.abs(q[i] / Math.fround(0.5 / 127) - Math.round(q[i] / Math.fround(0.5 / 127)))).toBeLessThan(1e-3);
  });

  it('the fake-quant forward predicts like the int8 reference; QAT ≥ PTQ − 1 pt; the int8 result is bit-exact in C', async () => {
    const train = await mnistSlice(3000);
    const float = await trained(mlp(1, 48, 24), train, 2);
    // fake-quant forward vs the real int8 model on 100 images
    const fused = cloneGraph(float);
    fuseActivations(fused);
    const cal = Array.from({ length: 50 }, (_, i) => ({ input: prepareInput(fused, train.get(i).x) }));
    const ranges = calibrate(fused, cal);
    const ptq = quantizeGraphInt8(fused, ranges).graph;
    const quant: Record<string, { scale: number; zeroPoint: number }> = {};
    for (const [n, t] of Object.entries(ptq.tensors))
      if (!t.data && t.quant && fused.tensors[n] && !fused.tensors[n].data)
        quant[n] = { scale: t.quant.scale[0], zeroPoint: t.quant.zeroPoint[0] };
    const model = toTfjs(fused);
    for (const name of ['fc1.w', 'fc2.w', 'fc3.w']) {
      const v = model.variables.get(name)!;
      v.assign(tf.tensor(fakeQuantWeights(fused.tensors[name].data as Float32Array, v.shape[0]!), v.shape));
    }
    const test = await mnistSlice(100, 'test');
    let agree = 0;
    for (let i = 0; i < 100; i++) {
      const x = prepareInput(fused, test.get(i).x) as Float32Array;
      const fq = tf.tidy(() => qatForward(model, tf.tensor(x, [1, 28, 28, 1]), quant, 'logits').dataSync() as Float32Array);
      const int8 = runGraph(ptq, { input: prepareInput(ptq, test.get(i).x) }).outputs[ptq.outputs[0]];
      if (argmax(fq) === argmax(int8)) agree++;
    }
    model.dispose();
    expect(agree).toBeGreaterThanOrEqual(97);

    const params = {
      percentile: 100,
      calibration_samples: 50,
      epochs: 1,
      lr: 1e-4,
      samples: 2500,
      val_samples: 500,
      batch_size: 64,
      seed: 1,
    };
    const { ir, report } = await qat.run(float, { params, data: { dataset: train } }, createLog());
    const r = report as unknown as { accuracy_ptq: number; accuracy_qat: number };
    expect(r.accuracy_ptq).toBeGreaterThan(0.8);
    expect(r.accuracy_qat).toBeGreaterThanOrEqual(r.accuracy_ptq - 0.01);
    expect(ir.tensors['fc1.w'].dtype).toBe('i8');
    const inputs = [0, 1, 2, 3].map((i) => prepareInput(ir, test.get(i).x));
    const run = runOnHost(ir, inputs);
    inputs.forEach((x, i) => {
      const ref = runGraph(ir, { input: x }).outputs[ir.outputs[0]];
      expect(run.outputs[i]).toEqual(new Uint8Array(ref.buffer, ref.byteOffset, ref.byteLength));
    });
  }, 60_000);
});
