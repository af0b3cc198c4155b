// Writes trained tfjs variables back into a new IR graph (the input graph is never mutated).
import type { Graph } from '../ir/graph.ts';
import { cloneGraph } from '../ir/graph.ts';
import type { TfjsModel } from './to-tfjs.ts';

/** A copy of `model.graph` with every constant replaced by its variable's value (masked weights stay exactly zero). */
export function fromTfjs(model: TfjsModel): Graph {
  const g = cloneGraph(model.graph);
  for (const [name, v] of model.variables) {
    const values = Float32Array.from(v.dataSync() as Float32Array);
    const mask = g.tensors[name]!.mask;
    if (mask) for (let i = 0; i < values.length; i++) if (!mask[i]) values[i] = 0;
    g.tensors[name]!.data = values;
  }
  return g;
}
