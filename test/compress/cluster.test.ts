// Weight sharing + Huffman: k-means, canonical codes, the cluster pass on a pruned MNIST MLP (centroids fine-tuned,
// pruned weights stay zero), the huffman pass's table, the C build bit-for-bit in float tolerance, and bad parameters.
import { describe, expect, it } from 'vitest';
import { kmeans1d, nearest } from '../../src/compress/kmeans.ts';
import { canonicalCode, huffmanLengths } from '../../src/packing/huffman-code.ts';
import { cluster } from '../../src/compress/cluster.ts';
import { huffman } from '../../src/compress/huffman.ts';
import { createLog } from '../../src/compress/pass.ts';
import { resolveRecipe, runPipeline, validateRecipe } from '../../src/compress/pipeline.ts';
import { applyMagnitudeMasks } from '../../src/compress/prune-weights.ts';
import { alignmentPadding, deployedBytes, weightRatio } from '../../src/compress/deep-compression-table.ts';
import { packedWeightDecl } from '../../src/codegen/packing/weight-decl.ts';
import { roundToHalf } from '../../src/packing/bits.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { cloneGraph } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { evaluate } from '../../src/train/evaluate.ts';
import { maxFloatViolation, runOnHost } from '../codegen/host-run.ts';
import { mlp, mnistSlice, sampleInput, trained } from './prune-fixtures.ts';

describe('k-means and canonical Huffman codes', () => {
  it('k-means finds well separated groups and assigns every value to its nearest centroid', () => {
    const v = Float32Array.from([0.1, 0.11, 0.09, 0.5, 0.52, 0.48, -0.3, -0.31, -0.29, 0.1]);
    for (const init of ['linear', 'density', 'kmeans++'] as const) {
      const { centroids, assign } = kmeans1d(v, 3, { init, seed: 4 });
      expect(Array.from(centroids, (c) => Math.round(c * 100) / 100)).toEqual([-0.3, 0.1, 0.5]);
      v.forEach((x, i) => expect(assign[i]).toBe(nearest(centroids, x)));
    }
    expect(kmeans1d(v, 3, { init: 'kmeans++', seed: 9 })).toEqual(kmeans1d(v, 3, { init: 'kmeans++', seed: 9 }));
  });

  it('Huffman lengths satisfy Kraft with equality, stay ≤ 15 on Fibonacci counts, and codes are prefix-free', () => {
    const fib = [1, 1];
    while (fib.length < 30) fib.push(fib[fib.length - 1] + fib[fib.length - 2]);
    for (const freqs of [[5, 9, 12, 13, 16, 45], fib, [7], [0, 3, 0, 3]]) {
      const lengths = huffmanLengths(freqs);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(15);
      const used = freqs.filter((f) => f > 0).length;
      const kraft = Array.from(lengths).reduce((s, l) => s + (l ? 2 ** -l : 0), 0);
      if (used > 1) expect(kraft).toBeCloseTo(1, 12);
      const c = canonicalCode(lengths);
      const words = c.symbols.map((s) => c.codes[s].toString(2).padStart(c.lengths[s], '0'));
      for (const a of words) for (const b of words) if (a !== b) expect(b.startsWith(a)).toBe(false);
    }
    expect(Array.from(huffmanLengths([5, 9, 12, 13, 16, 45]))).toEqual([4, 4, 3, 3, 3, 1]);
  });
});

describe('cluster → huffman on a pruned MNIST MLP', () => {
  it('shares weights per layer, fine-tunes centroids, keeps pruned weights zero; C matches the reference', async () => {
    const train = await mnistSlice(3000);
    const float = await trained(mlp(1, 48, 24), train, 2);
    const masked = cloneGraph(float);
    applyMagnitudeMasks(masked, { sparsity: 0.8, scope: 'per-layer' });
    const pruned = await trained(masked, train, 1); // retrain with the masks (pruned weights stay zero)
    const log = createLog();
    const params = {
      bits: 3,
      k: 0,
      conv_bits: 0,
      init: 'linear',
      epochs: 1,
      lr: 5e-4,
      samples: 2500,
      val_samples: 500,
      batch_size: 64,
      seed: 1,
    };
    const { ir, report } = await cluster.run(pruned, { params, data: { dataset: train } }, log);
    for (const name of ['fc1.w', 'fc2.w', 'fc3.w']) {
      const t = ir.tensors[name];
      expect(t.storage?.kind).toBe('clustered');
      const distinct = new Set(Array.from(t.data!).filter((x) => x !== 0));
      expect(distinct.size).toBeLessThanOrEqual(8);
      for (let i = 0; i < t.data!.length; i++) if (!t.mask![i]) expect(t.data![i]).toBe(0);
    }
    const r = report as unknown as { accuracy_kmeans: number; accuracy_after: number };
    // fine-tuning the shared centroids recovers from k-means (on 500 held-out images; 1 pt slack for noise)
    expect(r.accuracy_after).toBeGreaterThan(r.accuracy_kmeans - 0.01);
    expect(r.accuracy_after).toBeGreaterThan(0.8);
    // huffman: fewer bytes than fixed-length indices, same values
    const h = await huffman.run(ir, { params: {}, data: {} }, log);
    expect(weightRatio(h.ir).deployed_bytes).toBeLessThan(weightRatio(ir).deployed_bytes);
    const row = h.report.layers.find((l) => l.node === 'fc1')!;
    expect(row.weights_kept_percent).toBeCloseTo(20, 0);
    expect(row.bits_per_weight).toBe(3);
    expect(row.bits_per_index_huffman as number).toBeLessThan(3);
    expect(weightRatio(h.ir).ratio).toBeGreaterThan(15); // 20% kept, 3-bit indices; biases stay float
    // the decoder's RAM bound: the 20-byte reader and 64 bytes of counts, the 8-entry codebook as floats, two built codes
    // (8 index symbols, a gap code: symbols and ≤ 256-entry tables), Dense only
    const ram = (h.report as { decoder_ram_bytes?: number }).decoder_ram_bytes!;
    expect(ram).toBeGreaterThan(20 + 64 + 8 * 4 + 2 * 2);
    expect(ram).toBeLessThanOrEqual(20 + 64 + 8 * 4 + 2 * (256 + 2 * 256));
    expect(h.report.notes!.some((n) => n.startsWith(`decoder RAM: at most ${ram} B (a bit reader`))).toBe(true);
    // the deployed C (sparse Huffman streams decoded during inference) agrees with the reference interpreter
    const test = await mnistSlice(4, 'test');
    const inputs = [0, 1, 2, 3].map((i) => sampleInput(test, i).input);
    const run = runOnHost(h.ir, inputs);
    expect(run.gen.kernels).toContain('tfg_dense_f32_huff');
    inputs.forEach((x, i) => {
      const ref = runGraph(h.ir, { input: x }).outputs[h.ir.outputs[0]] as Float32Array;
      expect(maxFloatViolation(new Float32Array(run.outputs[i].buffer.slice(0)), ref)).toBeNull();
    });
    const testSet = await mnistSlice(300, 'test');
    // 3-bit shared weights stay within 3 pt of the pruned model they came from, on unseen images
    expect((await evaluate(h.ir, testSet)).top1).toBeGreaterThan((await evaluate(pruned, testSet)).top1 - 0.03);
  }, 60_000);

  it('the deep-compression presets are valid recipes: prune → cluster → huffman', () => {
    for (const name of ['deep-compression', 'deep-compression-cnn']) {
      const r = resolveRecipe(name);
      expect(r.map((s) => s.step)).toEqual(['prune-weights', 'cluster', 'huffman']);
      expect(validateRecipe(r)[0].sparsity).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('rejects bits = 9, bits = 1 and k = 0 before running, naming the valid range', () => {
    for (const step of [
      { step: 'cluster', bits: 9 },
      { step: 'cluster', bits: 1 },
      { step: 'cluster', k: 0 },
    ]) {
      try {
        validateRecipe([{ step: 'prune-weights' }, step]);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(TinyforgeError);
        expect((e as TinyforgeError).code).toBe('bad-recipe');
        expect((e as TinyforgeError).diagnostic.notes?.join('\n')).toMatch(step.k === 0 ? /\[4, 256\]/ : /\[2, 8\]/);
      }
    }
  });

  it("first_bits sets the first layer's clusters; an unpruned layer is stored without gaps; 1 bit is refused", async () => {
    const g = mlp(2, 16, 8);
    applyMagnitudeMasks(g, { sparsity: 0.7, scope: 'global', skipBelow: 1000 }); // fc1 pruned; fc2 (128) and fc3 (80) not
    const { ir } = await runPipeline(g, [{ step: 'cluster', epochs: 0, bits: 4, first_bits: 2 }, { step: 'huffman' }]);
    const s = (n: string) => ir.tensors[n].storage as { kind: string; codebook: number[]; sparse: boolean };
    expect([s('fc1.w').codebook.length, s('fc2.w').codebook.length, s('fc3.w').codebook.length]).toEqual([4, 16, 16]);
    expect([s('fc1.w').sparse, s('fc2.w').sparse, s('fc3.w').sparse]).toEqual([true, false, false]);
    // the dense layers' C streams have no gap code, so they are smaller than the same layer stored sparse
    const rows = (await huffman.run(ir, { params: {}, data: {} }, createLog())).report.layers;
    expect(rows.find((l) => l.node === 'fc2')!.bits_per_gap_huffman).toBeNull();
    expect(rows.find((l) => l.node === 'fc1')!.bits_per_gap_huffman as number).toBeGreaterThan(0);
    await expect(runPipeline(g, [{ step: 'cluster', epochs: 0, first_bits: 1 }])).rejects.toMatchObject({ code: 'bad-recipe' });
    // deployed bytes count the 4-byte alignment of every flash array: whole words, at least the packer's own count
    for (const n of ['fc1.w', 'fc2.w', 'fc3.w']) {
      const p = packedWeightDecl(ir, n, 'w')!;
      expect(deployedBytes(ir, n) % 4).toBe(0);
      expect(deployedBytes(ir, n) - p.bytes).toBe(alignmentPadding(p.arrays));
      // the C text declares exactly the arrays counted
      expect([...p.decl.matchAll(/\[(\d+)\] TFG_ALIGN\(4\)/g)].map((m) => Number(m[1]))).toEqual(p.arrays.map((a) => a.values.length));
    }
    const values = (n: number) => new Array<number>(n).fill(0);
    expect(
      alignmentPadding([
        { ctype: 'uint8_t', values: values(5) },
        { ctype: 'uint16_t', values: values(3) },
        { ctype: 'float', values: values(3) },
      ]),
    ).toBe(3 + 2);
  });

  it('needs labelled data to fine-tune, and a float graph', async () => {
    const g = mlp(2, 8, 8);
    await expect(runPipeline(g, [{ step: 'cluster', epochs: 1 }])).rejects.toMatchObject({ code: 'no-training-data' });
    const { ir } = await runPipeline(g, [{ step: 'cluster', epochs: 0, bits: 2 }, { step: 'huffman' }]);
    expect(ir.tensors['fc1.w'].storage).toMatchObject({ kind: 'clustered', huffman: true, sparse: false });
    expect(ir.tensors['fc1.w'].storage?.kind === 'clustered' && ir.tensors['fc1.w'].storage.codebook.length).toBe(4);
  });

  it('huffman half: codebooks and biases rounded to half and held in the streams; fewer bytes; C = reference', async () => {
    const g = mlp(2, 16, 8);
    for (const b of ['fc1.b', 'fc2.b', 'fc3.b']) g.tensors[b].data = Float32Array.from(g.tensors[b].data!, (_, i) => (0.01 * (i + 1)) / 3);
    applyMagnitudeMasks(g, { sparsity: 0.7, scope: 'global' });
    const { ir: clustered } = await runPipeline(g, [{ step: 'cluster', epochs: 0, bits: 4 }]);
    const full = (await huffman.run(clustered, { params: { half: false }, data: {} }, createLog())).ir;
    const half = (await huffman.run(clustered, { params: { half: true }, data: {} }, createLog())).ir;
    for (const [w, b] of [
      ['fc1.w', 'fc1.b'],
      ['fc2.w', 'fc2.b'],
      ['fc3.w', 'fc3.b'],
    ]) {
      const s = half.tensors[w].storage as { codebook: number[]; half: boolean };
      expect(s.half).toBe(true);
      for (const c of s.codebook) expect(roundToHalf(c)).toBe(c);
      const bias = half.tensors[b].data as Float32Array;
      for (const v of bias) expect(roundToHalf(v)).toBe(v);
      expect(Array.from(bias)).not.toEqual(Array.from(full.tensors[b].data!)); // 0.01/3 is not a half: it was rounded
      expect(deployedBytes(half, b)).toBe(0);
      // 2 bytes a centroid and a bias instead of 4 (alignment may take back up to 3)
      const saved = deployedBytes(full, w) + deployedBytes(full, b) - deployedBytes(half, w);
      expect(saved).toBeGreaterThanOrEqual(2 * (s.codebook.length + bias.length) - 3);
    }
    const test = await mnistSlice(2, 'test');
    const inputs = [0, 1].map((i) => sampleInput(test, i).input);
    const run = runOnHost(half, inputs);
    inputs.forEach((x, i) => {
      const ref = runGraph(half, { input: x }).outputs[half.outputs[0]] as Float32Array;
      expect(maxFloatViolation(new Float32Array(run.outputs[i].buffer.slice(0)), ref)).toBeNull();
    });
    expect(run.gen.files['model.c']).not.toMatch(/w_fc\d_b\[/);
  });
});
