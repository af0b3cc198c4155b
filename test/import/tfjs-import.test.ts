// TF.js layers import: models built with @tensorflow/tfjs-layers, saved to a temp folder as model.json + weights.bin, imported
// and run by the reference interpreter; predictions must match model.predict within 1e-4.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../../src/train/tf.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { importTfjs } from '../../src/import/tfjs.ts';
import { loadModel } from '../../src/import/index.ts';
import { validateGraph } from '../../src/ir/validate.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { randn, runOrt } from './onnx-fixtures.ts';

/** Writes the model the way tf.io's file handler lays it out: model.json with a weightsManifest, one shard. */
async function saveToFolder(model: tfl.LayersModel): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfg-tfjs-'));
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = Array.isArray(a.weightData)
        ? Buffer.concat(a.weightData.map((b) => Buffer.from(b)))
        : Buffer.from(a.weightData as ArrayBuffer);
      fs.writeFileSync(path.join(dir, 'weights.bin'), data);
      fs.writeFileSync(
        path.join(dir, 'model.json'),
        JSON.stringify({
          format: 'layers-model',
          generatedBy: 'tinyforge test',
          modelTopology: a.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return path.join(dir, 'model.json');
}

/** Gives BatchNormalization layers non-trivial statistics so folding them is really tested. */
function randomizeBatchNorm(model: tfl.LayersModel, seed: number): void {
  for (const l of model.layers) {
    if (l.getClassName() !== 'BatchNormalization') continue;
    l.setWeights(
      l.getWeights().map((w, i) => {
        const v = randn(w.size, seed + i, 0.5);
        return tf.tensor(i === 3 ? v.map((x) => Math.abs(x) + 0.5) : v, w.shape);
      }),
    );
  }
}

async function expectSame(model: tfl.LayersModel, inputShape: number[], seed: number) {
  const file = await saveToFolder(model);
  const x = randn(
    inputShape.reduce((a, b) => a * b, 1),
    seed,
    2,
  );
  const want = (model.predict(tf.tensor(x, inputShape)) as tf.Tensor).dataSync() as Float32Array;
  const g = await importTfjs(file);
  validateGraph(g);
  const got = runGraph(g, { [g.inputs[0]]: x }).outputs[g.outputs[0]];
  expect(compare(got, want, 1e-4, 1e-4)).toBeUndefined();
  const simplified = await loadModel(file);
  const got2 = runGraph(simplified, { [simplified.inputs[0]]: x }).outputs[simplified.outputs[0]];
  expect(compare(got2, want, 1e-4, 1e-4)).toBeUndefined();
  // Exported to ONNX with its NHWC boundary kept, onnxruntime gives the same prediction.
  const [ort] = await runOrt(exportOnnx(simplified), { [simplified.inputs[0]]: { dims: inputShape, data: x } });
  expect(compare(ort, want, 1e-4, 1e-4)).toBeUndefined();
  return { g, simplified };
}

describe('importTfjs', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('imports a Sequential CNN (conv, depthwise, separable, BN, pools, flatten, dropout, dense)', async () => {
    const m = tfl.sequential();
    m.add(
      tfl.layers.conv2d({
        inputShape: [10, 10, 3],
        filters: 4,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        seed: 1,
      } as never),
    );
    m.add(tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }));
    m.add(tfl.layers.batchNormalization({ epsilon: 1e-3 }));
    m.add(tfl.layers.separableConv2d({ filters: 5, kernelSize: 3, padding: 'valid', activation: 'relu6' } as never));
    m.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 1 }));
    m.add(tfl.layers.averagePooling2d({ poolSize: 2, padding: 'same' }));
    m.add(tfl.layers.flatten());
    m.add(tfl.layers.dropout({ rate: 0.5 }));
    m.add(tfl.layers.dense({ units: 6, activation: 'softmax' }));
    randomizeBatchNorm(m, 100);
    const { g, simplified } = await expectSame(m, [1, 10, 10, 3], 7);
    expect(g.metadata).toMatchObject({ inputLayout: 'NHWC', source: { format: 'tfjs' } });
    expect(g.nodes.map((n) => n.op)).toEqual([
      'Conv2D',
      'DepthwiseConv2D',
      'BatchNormalization',
      'DepthwiseConv2D',
      'Conv2D',
      'MaxPool',
      'AveragePool',
      'Reshape',
      'Dense',
      'Softmax',
    ]);
    expect(simplified.nodes.some((n) => n.op === 'BatchNormalization')).toBe(false);
  });

  it('imports a functional model (Add, Concatenate, Activation, GlobalAveragePooling2D, Reshape)', async () => {
    const inp = tfl.input({ shape: [6, 6, 2] });
    const a = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(inp) as tfl.SymbolicTensor;
    const b = tfl.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(inp) as tfl.SymbolicTensor;
    const sum = tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor;
    const act = tfl.layers.activation({ activation: 'tanh' }).apply(sum) as tfl.SymbolicTensor;
    const cat = tfl.layers.concatenate().apply([act, inp]) as tfl.SymbolicTensor;
    const gap = tfl.layers.globalAveragePooling2d({}).apply(cat) as tfl.SymbolicTensor;
    const r = tfl.layers.reshape({ targetShape: [5, 1] }).apply(gap) as tfl.SymbolicTensor;
    const f = tfl.layers.flatten().apply(r) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 4, activation: 'sigmoid' }).apply(f) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: inp, outputs: out });
    const { g } = await expectSame(m, [1, 6, 6, 2], 9);
    expect(g.nodes.map((n) => n.op)).toContain('Concat');
  });

  it('names every unsupported layer in one error', async () => {
    const m = tfl.sequential();
    m.add(tfl.layers.dense({ inputShape: [4], units: 3, name: 'fc' }));
    m.add(tfl.layers.layerNormalization({ name: 'ln' }));
    m.add(tfl.layers.dense({ units: 2, activation: 'elu', name: 'head' }));
    const file = await saveToFolder(m);
    const err = await importTfjs(file).catch((e) => e);
    expect(err.code).toBe('unsupported-op');
    expect(err.diagnostic.notes.join('\n')).toContain('layer "ln" (LayerNormalization)');
  });
});
