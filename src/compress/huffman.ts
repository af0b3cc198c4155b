// Huffman coding (Deep Compression, stage 3): marks clustered layers for canonical-Huffman coding of their cluster
// indices (and of the gaps between kept weights when stored sparsely). The firmware decodes the stream during
// inference; the table gives the bits per index after coding.
import { cloneGraph } from '../ir/graph.ts';
import { compressionRows, weightRatio } from './deep-compression-table.ts';
import { graphSize, type Pass, type PassReport } from './pass.ts';

export const huffman: Pass = {
  name: 'huffman',
  description: 'canonical Huffman coding of clustered weight indices (and sparse gaps), decoded on the device',
  params: {},
  async run(ir, { params }, log) {
    const g = cloneGraph(ir);
    const coded: string[] = [];
    for (const t of Object.values(g.tensors)) {
      if (t.storage?.kind !== 'clustered') continue;
      t.storage.huffman = true;
      coded.push(t.name);
    }
    if (coded.length === 0) {
      log.add({ code: 'nothing-to-code', severity: 'warning', message: 'huffman: no clustered weights; put cluster before huffman in the recipe' });
    }
    const before = graphSize(ir);
    const after = graphSize(g);
    const r = weightRatio(g);
    const report: PassReport & Record<string, unknown> = {
      name: 'huffman',
      options: { ...params },
      params_before: before.params,
      params_after: after.params,
      bytes_before: before.bytes,
      bytes_after: after.bytes,
      deployed_weight_bytes: r.deployed_bytes,
      float32_weight_bytes: r.float32_bytes,
      ratio: r.ratio,
      layers: compressionRows(g),
      notes: [
        `${coded.length} layers Huffman coded; all weights ${r.float32_bytes} B float32 → ${r.deployed_bytes} B deployed (${r.ratio}×)`,
        'decoder RAM: Dense decodes while it computes (a 16-byte bit reader on the stack); Conv2D decodes one output channel into a TFG_HUFF_ROW_MAX (1152-byte) stack row',
      ],
    };
    return { ir: g, report };
  },
};
