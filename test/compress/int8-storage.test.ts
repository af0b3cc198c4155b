// Compression composes with int8: quantize-int8 keeps what the earlier steps stored (clustered → an int8 codebook under
// one scale, binary → ±m per channel), turns half into plain int8 with a note, and codegen deploys each with its packed
// int8 kernel: byte for byte the reference interpreter's outputs. A layer a step cannot deploy as it would store it
// stops the recipe by name, or with on_unsupported: 'skip' stays as it is with a warning.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, TensorData } from '../../src/ir/graph.ts';
import { applyMagnitudeMasks } from '../../src/compress/prune-weights.ts';
import { createLog } from '../../src/compress/pass.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { deployedFormat } from '../../src/packing/storage.ts';
import { generateModel } from '../../src/codegen/generate.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { quantizeArray } from '../../src/reference/quant.ts';
import { runOnHost } from '../codegen/host-run.ts';
import { mlp, mnistSlice, sampleInput, trained } from './prune-fixtures.ts';

const bytes = (d: TensorData) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
const argmax = (a: ArrayLike<number>) => Array.prototype.indexOf.call(a, Math.max(...Array.from(a)));

/** The first n images of a split as preprocessed graph inputs. */
async function images(n: number, split: 'train' | 'test') {
  const ds = await mnistSlice(n, split);
  return Array.from({ length: n }, (_, i) => sampleInput(ds, i));
}

describe('deep compression under int8', async () => {
  const train = await mnistSlice(2000);
  const dense = await trained(mlp(1, 48, 24), train, 2);
  applyMagnitudeMasks(dense, { sparsity: 0.5, scope: 'per-layer' });
  const float = await trained(dense, train, 1); // retrained with the masks: pruned weights stay zero
  const calibration = await images(32, 'train');
  const recipe = [
    { step: 'cluster', bits: 4, epochs: 0 },
    { step: 'huffman', half: true },
  ];
  const { ir: clustered } = await runPipeline(float, recipe);
  const { ir: q } = await runPipeline(float, [...recipe, { step: 'quantize-int8' }], { data: { calibration } });

  it('keeps every clustered layer clustered: int8 codes under one scale, the same clusters, pruned weights 0', () => {
    for (const name of ['fc1.w', 'fc2.w', 'fc3.w']) {
      const f = clustered.tensors[name];
      const t = q.tensors[name];
      const fs = f.storage as { codebook: number[]; indices: Uint8Array };
      const s = t.storage as { kind: string; codebook: number[]; indices: Uint8Array; huffman: boolean; sparse: boolean; half?: boolean };
      expect([t.dtype, s.kind, s.huffman, s.sparse, s.half]).toEqual(['i8', 'clustered', true, true, undefined]);
      expect(t.quant!.scale).toHaveLength(1);
      const scale = t.quant!.scale[0];
      // each int8 code is its float centroid over the one scale, rounded; the largest centroid maps to ±127
      s.codebook.forEach((c, k) => expect(Math.abs(c - fs.codebook[k] / scale)).toBeLessThanOrEqual(0.5 + 1e-6));
      expect(Math.max(...s.codebook.map(Math.abs))).toBe(127);
      for (let i = 0; i < t.data!.length; i++) expect(t.data![i]).toBe(f.data![i] === 0 ? 0 : s.codebook[s.indices[i]]);
      expect(deployedFormat(q, name)).toBe('huffman-int8');
      expect(q.tensors[name.replace('.w', '.b')].dtype).toBe('i32');
    }
  });

  it("deploys tfg_dense_s8_huff only, and the C outputs are the reference interpreter's bytes", async () => {
    const test = await images(8, 'test');
    const inputs = test.map((x) => quantizeArray(x.input, q.tensors.input.quant!));
    const run = runOnHost(q, inputs);
    expect(run.gen.kernels.filter((k) => k.startsWith('tfg_dense'))).toEqual(['tfg_dense_s8_huff']);
    inputs.forEach((x, i) => expect(run.outputs[i]).toEqual(bytes(runGraph(q, { input: x }).outputs[q.outputs[0]])));
  });

  it('int8 codes cost no accuracy to speak of: top-1 within 1.5 pt of the float clustered model on 400 test images', async () => {
    const ds = await mnistSlice(400, 'test');
    let [fOk, qOk] = [0, 0];
    for (let i = 0; i < ds.size; i++) {
      const x = sampleInput(ds, i);
      if (argmax(runGraph(clustered, x).outputs[clustered.outputs[0]]) === ds.get(i).label) fOk++;
      if (argmax(runGraph(q, { input: quantizeArray(x.input, q.tensors.input.quant!) }).outputs[q.outputs[0]]) === ds.get(i).label) qOk++;
    }
    expect(fOk / ds.size).toBeGreaterThan(0.8);
    expect(Math.abs(qOk - fOk) / ds.size).toBeLessThanOrEqual(0.015);
  });

  it('a stale clustered storage (weights changed after cluster) is refused, not quantized from the old codebook', async () => {
    const stale = structuredClone(clustered);
    (stale.tensors['fc2.w'].data as Float32Array)[stale.tensors['fc2.w'].mask!.indexOf(1)] += 0.01;
    await expect(runPipeline(stale, 'int8', { data: { calibration } })).rejects.toMatchObject({ code: 'storage-mismatch' });
  });
}, 120_000);

/** conv → depthwise → dense over a 6×6×1 input. */
function withDepthwise(): Graph {
  const b = new GraphBuilder('with-depthwise');
  const w = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => (((i * 7 + k) % 11) - 5) / 10);
  const opts = {
    strides: [1, 1] as [number, number],
    dilations: [1, 1] as [number, number],
    pads: [1, 1, 1, 1] as [number, number, number, number],
    activation: 'relu' as const,
  };
  let h = b.node(
    'Conv2D',
    [b.input('x', [1, 6, 6, 1]), b.constant('c.w', w(36, 1), [4, 3, 3, 1]), b.constant('c.b', w(4, 2), [4])],
    { ...opts, groups: 1 },
    'conv',
  );
  h = b.node(
    'DepthwiseConv2D',
    [h, b.constant('dw.w', w(36, 3), [1, 3, 3, 4]), b.constant('dw.b', w(4, 4), [4])],
    { ...opts, multiplier: 1 },
    'dw',
  );
  h = b.node('Reshape', [h], { shape: [1, 144] }, 'flat');
  b.output(b.node('Dense', [h, b.constant('d.w', w(432, 5), [3, 144]), b.constant('d.b', w(3, 6), [3])], {}, 'logits'));
  return b.build();
}

describe('storages through quantize-int8, and layers no kernel serves', () => {
  const calibration = Array.from({ length: 8 }, (_, k) => ({ x: Float32Array.from({ length: 36 }, (_, i) => ((i * 3 + k) % 7) / 7) }));

  it('binary stays binary (tfg_*_s8_b1), half becomes int8 with a note, and the C equals the reference', async () => {
    const log = createLog();
    const g = withDepthwise();
    const { ir, compression } = await runPipeline(
      g,
      [
        { step: 'binary', epochs: 0, keep_last: true, on_unsupported: 'skip' },
        { step: 'fp16', on_unsupported: 'skip' },
        { step: 'quantize-int8' },
      ],
      { data: { calibration }, log },
    );
    expect(deployedFormat(ir, 'c.w')).toBe('binary-int8');
    expect(ir.tensors['d.w'].storage).toBeUndefined(); // was half
    expect(deployedFormat(ir, 'd.w')).toBe('dense-int8');
    expect(compression.steps.at(-1)!.notes.join('\n')).toContain('half storage of d.w becomes int8');
    expect(log.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['layer-skipped', 'half-to-int8']));
    const inputs = calibration.slice(0, 3).map((c) => quantizeArray(c.x, ir.tensors.x.quant!));
    const run = runOnHost(ir, inputs);
    expect(run.gen.kernels).toContain('tfg_conv2d_s8_b1');
    inputs.forEach((x, i) => expect(run.outputs[i]).toEqual(bytes(runGraph(ir, { x }).outputs[ir.outputs[0]])));
  });

  it('cluster stops at a depthwise layer (no Huffman depthwise kernel); with skip it stays dense, named in a warning', async () => {
    await expect(runPipeline(withDepthwise(), [{ step: 'cluster', epochs: 0, bits: 2 }])).rejects.toMatchObject({
      code: 'layer-not-applicable',
      diagnostic: { location: { node: 'dw', op: 'DepthwiseConv2D' } },
    });
    const log = createLog();
    const { ir } = await runPipeline(
      withDepthwise(),
      [{ step: 'cluster', epochs: 0, bits: 2, on_unsupported: 'skip' }, { step: 'huffman' }, { step: 'quantize-int8' }],
      { data: { calibration }, log },
    );
    expect(ir.tensors['dw.w'].storage).toBeUndefined();
    expect([deployedFormat(ir, 'c.w'), deployedFormat(ir, 'dw.w'), deployedFormat(ir, 'd.w')]).toEqual([
      'huffman-int8',
      'dense-int8',
      'huffman-int8',
    ]);
    expect(log.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'layer-skipped', location: { node: 'dw', op: 'DepthwiseConv2D' } }),
    );
    expect(generateModel(ir).kernels).toEqual(
      expect.arrayContaining(['tfg_conv2d_s8_huff', 'tfg_depthwise_conv2d_s8', 'tfg_dense_s8_huff']),
    );
  });

  it("int4 and binary refuse to undo an earlier step's storage, naming the layer", async () => {
    for (const step of ['int4', 'binary']) {
      const e = await runPipeline(
        withDepthwise(),
        [{ step: 'cluster', epochs: 0, bits: 2, on_unsupported: 'skip' }, step === 'binary' ? { step, epochs: 0 } : { step }],
        { data: { calibration } },
      ).then(
        () => null,
        (x: unknown) => x as TinyforgeError,
      );
      expect(e?.code, step).toBe('layer-not-applicable');
      expect(e!.message).toMatch(/"(conv|dw)" .*(already stored clustered|depthwise)/);
    }
  });
});
