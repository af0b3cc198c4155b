// fp16 weight storage for float models: Dense/Conv2D weights rounded to IEEE half (nearest even) and stored as half,
// computed in float — half the flash, and the reference interpreter runs on exactly the values the device sees.
import { cloneGraph } from '../ir/graph.ts';
import { roundToHalf } from '../packing/bits.ts';
import { compressionRows } from './deep-compression-table.ts';
import { graphSize, layerNotApplicable, type Pass, type PassReport } from './pass.ts';

export const fp16: Pass = {
  name: 'fp16',
  description: 'store float Dense/Conv2D weights as IEEE half (computed in float)',
  params: {},
  async run(ir, options, log) {
    const { params } = options;
    const g = cloneGraph(ir);
    const done: string[] = [];
    for (const n of g.nodes) {
      const t = g.tensors[n.inputs[1]];
      if (n.op === 'DepthwiseConv2D' && t?.dtype === 'f32')
        layerNotApplicable('fp16', n, 'there is no half-precision depthwise kernel; it stays float32', options, log);
      if (n.op !== 'Dense' && n.op !== 'Conv2D') continue;
      if (!t?.data || t.dtype !== 'f32' || t.storage || g.tensors[n.inputs[0]].dtype !== 'f32') continue;
      const d = t.data as Float32Array;
      let overflow = 0;
      for (let i = 0; i < d.length; i++) {
        d[i] = roundToHalf(d[i]);
        if (!Number.isFinite(d[i])) overflow++;
      }
      if (overflow)
        log.add({
          code: 'fp16-overflow',
          severity: 'warning',
          message: `fp16: ${overflow} weights of "${t.name}" exceed ±65504 and became ±inf`,
          location: { node: n.name, op: n.op },
        });
      t.storage = { kind: 'f16' };
      done.push(n.name);
    }
    const before = graphSize(ir);
    const after = graphSize(g);
    const report: PassReport & Record<string, unknown> = {
      name: 'fp16',
      options: { ...params },
      params_before: before.params,
      params_after: after.params,
      bytes_before: before.bytes,
      bytes_after: after.bytes,
      layers: compressionRows(g, ir),
      notes: [`${done.length} layers stored as half: ${done.join(', ') || 'none (no float Dense/Conv2D weights without a storage)'}`],
    };
    return { ir: g, report };
  },
};
