// Weight sharing (Deep Compression, stage 2): per layer, k-means over the kept weights (k = 2^bits), weights replaced by
// their centroid; then the centroids are fine-tuned by summing the gradients of each cluster's members. Pruned weights
// (Tensor.mask) stay zero and are stored sparsely. Storage: clustered codebook + indices (the huffman pass codes them).
import { TinyforgeError } from '../diagnostics.ts';
import { HUFF_ROW_MAX } from '../packing/storage.ts';
import { cloneGraph, product, type Graph } from '../ir/graph.ts';
import { compressionRows } from './deep-compression-table.ts';
import { kmeans1d, type KmeansInit } from './kmeans.ts';
import { layerNotApplicable, type Pass, type PassLog, type PassOptions, type PassReport } from './pass.ts';
import {
  accuracy,
  distillParams,
  distillTeacher,
  fineTuneOptions,
  fineTuneParams,
  pct,
  requireDataset,
  splitData,
} from './prune-finetune.ts';
import { ArrayAdam, proxyTrain } from './proxy-train.ts';
import { graphSize } from './pass.ts';

interface Shared {
  tensor: string;
  node: string;
  codebook: Float32Array;
  /** cluster per weight; -1 for pruned weights */
  index: Int16Array;
  adam: ArrayAdam;
}

/** The Dense/Conv2D float weights of `g` a Huffman kernel can serve (refuses int8 weights: cluster before quantizing).
 *  A layer the kernels cannot deploy clustered (DepthwiseConv2D, a conv row over TFG_HUFF_ROW_MAX, weights an earlier
 *  step stored otherwise) stops the recipe, or with on_unsupported: 'skip' is left as it is. */
function clusterableWeights(g: Graph, options: PassOptions, log: PassLog): { node: string; op: string; tensor: string }[] {
  const out: { node: string; op: string; tensor: string }[] = [];
  for (const n of g.nodes) {
    if (n.op !== 'Dense' && n.op !== 'Conv2D' && n.op !== 'DepthwiseConv2D') continue;
    const t = g.tensors[n.inputs[1]];
    if (!t?.data) continue;
    if (t.dtype !== 'f32') {
      throw new TinyforgeError('not-float', `weight "${t.name}" of node "${n.name}" is ${t.dtype}; clustering works on float weights`, {
        location: { node: n.name, op: n.op },
        hint: 'put cluster before quantize-int8 in the recipe',
      });
    }
    const row = product(t.shape.slice(1));
    if (n.op === 'DepthwiseConv2D')
      layerNotApplicable('cluster', n, 'there is no Huffman depthwise kernel; it would be deployed dense', options, log);
    else if (n.op === 'Conv2D' && row > HUFF_ROW_MAX)
      layerNotApplicable('cluster', n, `its rows of ${row} weights exceed the Huffman conv kernels' ${HUFF_ROW_MAX}`, options, log);
    else if (t.storage && t.storage.kind !== 'dense')
      layerNotApplicable('cluster', n, `its weights are already stored ${t.storage.kind} by an earlier step`, options, log);
    else out.push({ node: n.name, op: n.op, tensor: t.name });
  }
  return out;
}

/** Writes each layer's centroids into its weights (pruned stay 0) and sets the clustered storage. */
function writeShared(g: Graph, layers: Shared[]): void {
  for (const l of layers) {
    const t = g.tensors[l.tensor];
    const d = t.data as Float32Array;
    const indices = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i++) {
      d[i] = l.index[i] < 0 ? 0 : l.codebook[l.index[i]];
      indices[i] = Math.max(0, l.index[i]);
    }
    // Sparse (gaps coded) only when something was pruned: an all-kept layer would pay for a gap code that says nothing.
    t.storage = {
      kind: 'clustered',
      codebook: Array.from(l.codebook),
      indices,
      huffman: false,
      sparse: t.mask !== undefined && t.mask.includes(0),
    };
  }
}

export const cluster: Pass = {
  name: 'cluster',
  description: 'weight sharing: per-layer k-means (k = 2^bits) with centroid fine-tuning; pruned weights stay zero',
  params: {
    bits: {
      type: 'number',
      min: 2,
      max: 8,
      integer: true,
      default: 5,
      description: 'index bits per weight: k = 2^bits clusters per layer',
    },
    k: {
      type: 'number',
      min: 4,
      max: 256,
      integer: true,
      default: 0,
      description: 'clusters per layer, 4..256 (default 0 = 2^bits); overrides bits',
    },
    conv_bits: {
      type: 'number',
      min: 0,
      max: 8,
      integer: true,
      default: 0,
      description: 'index bits for conv layers (0 = same as bits; 2..8)',
    },
    first_bits: {
      type: 'number',
      min: 0,
      max: 8,
      integer: true,
      default: 0,
      description: 'index bits for the first weighted layer (0 = as bits/conv_bits; 2..8)',
    },
    init: {
      type: 'enum',
      values: ['linear', 'density', 'kmeans++'],
      default: 'linear',
      description: 'centroid initialisation (Deep Compression: linear)',
    },
    ...fineTuneParams,
    epochs: { type: 'number', min: 0, max: 1000, default: 1, description: 'centroid fine-tuning epochs (0 = k-means only)' },
    lr: { type: 'number', min: 1e-7, max: 1, default: 1e-4, description: 'Adam learning rate for centroids and biases' },
    ...distillParams,
  },
  async run(ir, options, log) {
    const { params, data } = options;
    const convBits = Number(params.conv_bits);
    const firstBits = Number(params.first_bits) || 0;
    for (const [key, v] of [
      ['conv_bits', convBits],
      ['first_bits', firstBits],
    ] as const) {
      if (v === 1)
        throw new TinyforgeError('bad-recipe', `cluster: ${key} = 1 must be 0 (same as bits) or 2..8`, {
          hint: `use ${key}: 0 or a value from 2 to 8`,
        });
    }
    const g = cloneGraph(ir);
    const weights = clusterableWeights(g, options, log);
    const ft = fineTuneOptions(params);
    if (ft.epochs > 0) requireDataset(data, 'cluster', 'fine-tune the centroids');
    const split = data.dataset ? splitData(data.dataset, Number(params.samples), Number(params.val_samples), data.validation) : undefined;
    const accBefore = await accuracy(ir, split?.val);
    const layers: Shared[] = weights.map((w, j) => {
      const t = g.tensors[w.tensor];
      const d = t.data as Float32Array;
      const keptIdx: number[] = [];
      for (let i = 0; i < d.length; i++) if (!t.mask || t.mask[i]) keptIdx.push(i);
      const bits = j === 0 && firstBits ? firstBits : w.op !== 'Dense' && convBits ? convBits : Number(params.bits);
      const k = Number(params.k) || 2 ** bits;
      const km = kmeans1d(
        Float32Array.from(keptIdx, (i) => d[i]),
        k,
        { init: params.init as KmeansInit, seed: ft.seed + j },
      );
      const index = new Int16Array(d.length).fill(-1);
      keptIdx.forEach((i, k) => (index[i] = km.assign[k]));
      log.progress(`cluster: ${w.node} k=${km.centroids.length}`, (j + 1) / weights.length);
      return { tensor: w.tensor, node: w.node, codebook: km.centroids, index, adam: new ArrayAdam(km.centroids.length, ft.lr) };
    });
    writeShared(g, layers);
    const accKmeans = await accuracy(g, split?.val);
    let out = g;
    if (ft.epochs > 0) {
      const byName = new Map(layers.map((l) => [l.tensor, l]));
      const onProgress = (e: number, b: number, loss: number, f: number) =>
        void (b % 50 === 0 && log.progress(`cluster: fine-tuning epoch ${e + 1}, batch ${b}, loss ${loss.toFixed(4)}`, f));
      const trained = await proxyTrain(
        g,
        split!.train,
        {
          epochs: ft.epochs,
          batchSize: ft.batchSize,
          lr: ft.lr,
          seed: ft.seed,
          shift: ft.shift,
          teacher: distillTeacher(ir, params),
          onProgress,
        },
        {
          proxied: layers.map((l) => l.tensor),
          forwardWeights: (name) => {
            const l = byName.get(name)!;
            return Float32Array.from(l.index, (c) => (c < 0 ? 0 : l.codebook[c]));
          },
          update: (name, grad) => {
            // Shared weights: a centroid's gradient is the sum of its members' gradients (Deep Compression eq. 3).
            const l = byName.get(name)!;
            const cg = new Float64Array(l.codebook.length);
            for (let i = 0; i < grad.length; i++) if (l.index[i] >= 0) cg[l.index[i]] += grad[i];
            l.adam.step(l.codebook, cg);
          },
        },
      );
      out = trained;
      writeShared(out, layers); // exact centroid values (tfjs round trip) and storage on the trained graph
    }
    const accAfter = await accuracy(out, split?.val);
    const before = graphSize(ir);
    const after = graphSize(out);
    const report: PassReport & Record<string, unknown> = {
      name: 'cluster',
      options: { ...params },
      params_before: before.params,
      params_after: after.params,
      bytes_before: before.bytes,
      bytes_after: after.bytes,
      accuracy_before: accBefore ?? null,
      accuracy_kmeans: accKmeans ?? null,
      accuracy_after: accAfter ?? null,
      layers: compressionRows(out, ir),
      notes: [
        `k-means (${params.init} init) per layer, ${params.bits} index bits${convBits ? `, conv ${convBits}` : ''}${firstBits ? `, first layer ${firstBits}` : ''}; top-1 ${pct(accBefore)} → ${pct(accKmeans)} after k-means → ${pct(accAfter)} after centroid fine-tuning, ${split?.valLabel ?? '(no labelled data to measure on)'}`,
      ],
    };
    return { ir: out, report };
  },
};
