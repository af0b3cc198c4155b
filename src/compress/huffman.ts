// Huffman coding (Deep Compression, stage 3): marks clustered layers for canonical-Huffman coding of their cluster
// indices (and of the gaps between kept weights when stored sparsely). The firmware decodes the stream during
// inference; the table gives the bits per index after coding.
import { roundToHalf } from '../packing/bits.ts';
import { foldedBias, packWeight } from '../packing/storage.ts';
import { cloneGraph } from '../ir/graph.ts';
import { compressionRows } from './deep-compression-table.ts';
import { graphSize, type Pass, type PassReport } from './pass.ts';

export const huffman: Pass = {
  name: 'huffman',
  description: 'canonical Huffman coding of clustered weight indices (and sparse gaps), decoded on the device',
  params: {
    half: {
      type: 'boolean',
      default: false,
      description:
        "store each codebook and its layer's bias as IEEE half (rounded; the bias inside the stream): small models spend much of their flash on these",
    },
  },
  async run(ir, { params }, log) {
    const g = cloneGraph(ir);
    const coded: string[] = [];
    let halfBiases = 0;
    for (const t of Object.values(g.tensors)) {
      if (t.storage?.kind !== 'clustered') continue;
      t.storage.huffman = true;
      coded.push(t.name);
      if (params.half !== true) continue;
      // Round the values themselves: the reference interpreter then computes with exactly what the device holds.
      const s = t.storage;
      s.codebook = s.codebook.map(roundToHalf);
      s.half = true;
      const d = t.data as Float32Array;
      for (let i = 0; i < d.length; i++) if (!(s.sparse && d[i] === 0)) d[i] = s.codebook[s.indices[i]];
      const bias = foldedBias(g, t.name);
      if (bias) {
        const b = g.tensors[bias].data as Float32Array;
        for (let i = 0; i < b.length; i++) b[i] = roundToHalf(b[i]);
        halfBiases++;
      }
    }
    if (coded.length === 0) {
      log.add({
        code: 'nothing-to-code',
        severity: 'warning',
        message: 'huffman: no clustered weights; put cluster before huffman in the recipe',
      });
    }
    const before = graphSize(ir);
    const after = graphSize(g);
    // Layers run one after another, so the decoder's RAM need is the largest layer's (reader, built tables, conv row).
    const decoderRam = Math.max(0, ...coded.map((name) => packWeight(g, name)?.decoderRamBytes ?? 0));
    const report: PassReport & Record<string, unknown> = {
      name: 'huffman',
      options: { ...params },
      params_before: before.params,
      params_after: after.params,
      bytes_before: before.bytes,
      bytes_after: after.bytes,
      decoder_ram_bytes: decoderRam,
      layers: compressionRows(g),
      notes: [
        `${coded.length} layers Huffman coded: ${coded.join(', ')}`,
        ...(params.half === true ? [`codebooks stored as half; ${halfBiases} biases stored as half inside their layer's stream`] : []),
        `decoder RAM: at most ${decoderRam} B (a bit reader and code counts on the stack; the codebook as floats, each code's tables built from its lengths and, for a Conv2D, one decoded output channel in its layer's arena scratch); Dense decodes while it computes`,
      ],
    };
    return { ir: g, report };
  },
};
