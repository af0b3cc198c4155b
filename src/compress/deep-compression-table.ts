// The per-layer table of Deep Compression (Han et al., Table 1/2): weights kept, bits per weight, bits per index after
// Huffman, deployed bytes and ratio against float32 — computed from the exact bytes codegen will pack.
import { product, type Graph } from '../ir/graph.ts';
import { alignmentPadding, constantFlashBytes, constantNames } from '../packing/flash-bytes.ts';
import { packWeight } from '../packing/storage.ts';
import type { LayerRow } from './pass.ts';

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Flash bytes one constant takes in the generated C (packed when its storage is served, else dense), with every
 *  table, codebook, stream descriptor and alignment pad the firmware holds for it. */
export const deployedBytes = constantFlashBytes;
export { alignmentPadding };

/** Bytes of every constant a node reads, as float32: the "before" of every compression ratio. */
export function float32WeightBytes(g: Graph): number {
  return constantNames(g).reduce((sum, name) => sum + product(g.tensors[name].shape) * 4, 0);
}

/** float32 bytes of every constant read by a node ÷ their deployed bytes: report.json's compression.ratio. */
export function weightRatio(g: Graph): { float32_bytes: number; deployed_bytes: number; ratio: number } {
  const f32 = float32WeightBytes(g);
  const dep = constantNames(g).reduce((sum, name) => sum + deployedBytes(g, name), 0);
  return { float32_bytes: f32, deployed_bytes: dep, ratio: dep > 0 ? round(f32 / dep, 2) : 1 };
}

/** One row per Dense/Conv2D/DepthwiseConv2D weight of `g`: weights kept, bits per weight, per Huffman index and gap; the
 *  weight's bytes (`before` gives bytes_before, default float32). The pipeline puts each layer's deployed format and
 *  bytes (weights and biases) over these. */
export function compressionRows(g: Graph, before?: Graph): LayerRow[] {
  const rows: LayerRow[] = [];
  for (const n of g.nodes) {
    if (n.op !== 'Dense' && n.op !== 'Conv2D' && n.op !== 'DepthwiseConv2D') continue;
    const name = n.inputs[1];
    const t = g.tensors[name];
    if (!t?.data) continue;
    const count = product(t.shape);
    let kept = 0;
    for (let i = 0; i < count; i++) if (t.mask ? t.mask[i] : t.data[i] !== 0) kept++;
    const p = packWeight(g, name);
    const bytes = deployedBytes(g, name);
    const s = t.storage;
    const bitsPerWeight =
      s?.kind === 'clustered'
        ? Math.max(1, Math.ceil(Math.log2(Math.max(2, s.codebook.length))))
        : s?.kind === 'binary'
          ? 1
          : s?.kind === 'int4' && p
            ? 4
            : s?.kind === 'f16' && p
              ? 16
              : t.data.BYTES_PER_ELEMENT * 8;
    const st = p?.stream;
    const b0 = before?.tensors[name]?.data ? product(before.tensors[name].shape) * before.tensors[name].data!.BYTES_PER_ELEMENT : count * 4;
    rows.push({
      node: n.name,
      op: n.op,
      params: count,
      bytes_before: b0,
      bytes_after: bytes,
      weights_kept_percent: round((100 * kept) / count),
      bits_per_weight: bitsPerWeight,
      bits_per_index_huffman: st && st.count ? round(st.indexBits / st.count) : null,
      bits_per_gap_huffman: st && st.count && st.gap ? round(st.gapBits / st.count) : null,
    });
  }
  return rows;
}
