// Seeded weight initialisation for graphs built from scratch (the example models): He-normal weights, zero biases.
import type { Graph } from '../ir/graph.ts';
import { cloneGraph, product } from '../ir/graph.ts';
import { heNormal, makeRng } from './prng.ts';

/** A copy of `g` with Dense/Conv/DepthwiseConv weights drawn from He-normal (seeded), biases zero, BN at identity. */
export function initWeights(g: Graph, seed: number): Graph {
  const out = cloneGraph(g);
  const rng = makeRng(seed);
  for (const n of out.nodes) {
    const w = out.tensors[n.inputs[1] ?? ''];
    const b = out.tensors[n.inputs[2] ?? ''];
    if (n.op === 'Dense' || n.op === 'Conv2D' || n.op === 'DepthwiseConv2D') {
      // Fan-in: inputs per output unit (Dense: in; Conv OHWI: KH·KW·I; depthwise: KH·KW).
      const fanIn = n.op === 'DepthwiseConv2D' ? w!.shape[1]! * w!.shape[2]! : product(w!.shape.slice(1));
      w!.data = heNormal(product(w!.shape), fanIn, rng);
      if (b) b.data = new Float32Array(product(b.shape));
    } else if (n.op === 'BatchNormalization') {
      const [scale, bias, mean, variance] = n.inputs.slice(1).map((name) => out.tensors[name]!);
      scale!.data = new Float32Array(product(scale!.shape)).fill(1);
      bias!.data = new Float32Array(product(bias!.shape));
      mean!.data = new Float32Array(product(mean!.shape));
      variance!.data = new Float32Array(product(variance!.shape)).fill(1);
    }
  }
  return out;
}
