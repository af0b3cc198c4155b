// Bad input: every malformed or unsupported model gives one TinyforgeError with a stable code, the file/node/op and a hint.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/diagnostics.ts';
import { loadModel } from '../../src/import/index.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, floatTensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { validateGraph } from '../../src/ir/validate.ts';
import { rng, smallCnn } from './onnx-fixtures.ts';
import { mlperfTiny } from '../mlperf-tiny.ts';
import { errorOf } from '../errors.ts';

describe('ONNX bad input', () => {
  it('a truncated file is bad-model-file naming the file, with a hint', () => {
    const bytes = smallCnn();
    const e = errorOf(() => importOnnx(bytes.slice(0, Math.floor(bytes.length * 0.6)), 'models/cnn.onnx'));
    expect(e.code).toBe('bad-model-file');
    expect(e.message).toContain('models/cnn.onnx');
    expect(e.diagnostic.hint).toMatch(/re-export/);
  });

  it('random bytes and an empty file are bad-model-file', () => {
    const r = rng(3);
    const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(r() * 256));
    expect(errorOf(() => importOnnx(noise, 'noise.onnx')).code).toBe('bad-model-file');
    expect(errorOf(() => importOnnx(new Uint8Array(0), 'empty.onnx')).code).toBe('bad-model-file');
    expect(errorOf(() => importOnnx(new TextEncoder().encode('{"not": "onnx"}'), 'x.onnx')).code).toBe('bad-model-file');
  });

  it('a dynamic dim other than the batch is dynamic-shape naming the input; a dynamic batch becomes 1', () => {
    const e = errorOf(() => importOnnx(smallCnn({ inputDims: ['N', 4, 'height', 12] }), 'cnn.onnx'));
    expect(e.code).toBe('dynamic-shape');
    expect(e.message).toContain('"x"');
    expect(e.message).toContain('height');
    expect(e.diagnostic.location).toMatchObject({ file: 'cnn.onnx', node: 'x' });
    const g = importOnnx(smallCnn({ inputDims: ['N', 4, 12, 12] }), 'cnn.onnx');
    expect(g.tensors.x.shape).toEqual([1, 12, 12, 4]);
  });

  it('a Cast of a runtime tensor to another type than float32 is unsupported-attribute naming the node and the type', () => {
    const model = encodeModel(
      makeModel({
        inputs: [valueInfo('x', [1, 4])],
        outputs: [valueInfo('y', [1, 4])],
        nodes: [node('Cast', ['x'], ['y'], { to: 6 }, 'to_int')],
      }),
    );
    const e = errorOf(() => importOnnx(model, 'cast.onnx'));
    expect(e.code).toBe('unsupported-attribute');
    expect(e.diagnostic.notes).toHaveLength(1);
    expect(e.diagnostic.notes![0]).toMatch(/^node "to_int" \(Cast\): Cast of a runtime tensor to INT32/);
  });

  it('unsupported ops: one error naming every unsupported node and its op', () => {
    const model = encodeModel(
      makeModel({
        inputs: [valueInfo('x', [1, 3, 8, 8])],
        outputs: [valueInfo('y', [1, 3, 8, 8])],
        nodes: [
          node('Relu', ['x'], ['a'], {}, 'act'),
          node('LpNormalization', ['a'], ['b'], {}, 'norm1'),
          node('Hardmax', ['b'], ['y'], {}, 'hardmax'),
        ],
      }),
    );
    const e = errorOf(() => importOnnx(model, 'seg.onnx'));
    expect(e.code).toBe('unsupported-op');
    expect(e.message).toMatch(/^2 nodes/);
    expect(e.diagnostic.notes).toEqual(['node "norm1" (LpNormalization)', 'node "hardmax" (Hardmax)']);
    expect(formatDiagnostic(e.diagnostic)).toContain('seg.onnx');
  });

  it('a supported op used in an unsupported way is unsupported-attribute with the reason', () => {
    const model = encodeModel(
      makeModel({
        inputs: [valueInfo('x', [1, 1, 6, 6])],
        outputs: [valueInfo('y', [1, 1, 2, 2])],
        nodes: [node('MaxPool', ['x'], ['y'], { kernel_shape: [2, 2], dilations: [2, 2], strides: [2, 2] }, 'pool')],
      }),
    );
    const e = errorOf(() => importOnnx(model, 'p.onnx'));
    expect(e.code).toBe('unsupported-attribute');
    expect(e.diagnostic.notes?.[0]).toContain('node "pool" (MaxPool): dilations [2,2]');
  });

  it('an opset above 21 is unsupported-opset with a conversion hint; a custom-domain node is listed as unsupported', () => {
    const io = { inputs: [valueInfo('x', [1, 2])], outputs: [valueInfo('y', [1, 2])] };
    const e = errorOf(() => importOnnx(encodeModel(makeModel({ ...io, opset: 22, nodes: [node('Relu', ['x'], ['y'])] })), 'new.onnx'));
    expect(e.code).toBe('unsupported-opset');
    expect(e.diagnostic.hint).toContain('version_converter');
    const custom = node('FusedGelu', ['x'], ['y'], {}, 'gelu');
    custom.domain = 'com.microsoft';
    const e2 = errorOf(() => importOnnx(encodeModel(makeModel({ ...io, nodes: [custom] })), 'ms.onnx'));
    expect(e2.code).toBe('unsupported-op');
    expect(e2.diagnostic.notes?.[0]).toContain('node "gelu" (FusedGelu): custom domain "com.microsoft"');
  });

  it('NaN weights import, then validateGraph reports nan-weights naming the layer', () => {
    const model = encodeModel(
      makeModel({
        inputs: [valueInfo('x', [1, 3])],
        outputs: [valueInfo('y', [1, 2])],
        initializers: [floatTensor('fc.w', [2, 3], [1, 2, NaN, 4, Infinity, 6])],
        nodes: [node('Gemm', ['x', 'fc.w'], ['y'], { transB: 1 }, 'fc')],
      }),
    );
    const g = importOnnx(model, 'nan.onnx');
    const e = errorOf(() => validateGraph(g, 'nan.onnx'));
    expect(e.code).toBe('nan-weights');
    expect(formatDiagnostic(e.diagnostic)).toContain('fc.w');
  });

  it('a broken tinyforge.preprocess entry is bad-model-metadata', () => {
    const e = errorOf(() => importOnnx(smallCnn({ metadata: { 'tinyforge.preprocess': '{"scale": "x"' } }), 'm.onnx'));
    expect(e.code).toBe('bad-model-metadata');
    expect(e.diagnostic.location?.field).toBe('tinyforge.preprocess');
  });

  it('loadModel: a missing file is file-not-found, an unknown extension unsupported-format; a good one loads simplified', async () => {
    await expect(loadModel('/nonexistent/model.onnx')).rejects.toMatchObject({ code: 'file-not-found' });
    await expect(loadModel('/nonexistent/model.json')).rejects.toMatchObject({ code: 'file-not-found' });
    await expect(loadModel('model.pt')).rejects.toMatchObject({ code: 'unsupported-format' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfg-onnx-'));
    const file = path.join(dir, 'cnn.onnx');
    fs.writeFileSync(file, smallCnn());
    const g = await loadModel(file);
    expect(g.nodes.map((n) => n.op)).toEqual(['Conv2D', 'DepthwiseConv2D', 'MaxPool', 'Reshape', 'Dense', 'Softmax']);
    expect(g.metadata.source).toEqual({ path: file, format: 'onnx' });
    // .tflite goes to importTflite (MLPerf Tiny's anomaly-detection model from examples/mlperf-tiny).
    const ad = await loadModel(mlperfTiny('ad01/models/ad01_fp32.tflite'));
    expect(ad.metadata.source).toMatchObject({ format: 'tflite' });
    expect(ad.nodes.some((n) => n.op === 'Dense')).toBe(true);
  });
});
