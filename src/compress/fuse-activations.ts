// Folds a standalone Relu / Relu6-style Clip into the fused `activation` of the node that produces its input,
// so int8 kernels clamp in one step and the producer's output range already excludes negatives.

import type { Activation, Graph, Node } from '../ir/graph.ts';

/** Producers whose attrs carry a fused activation. */
const FUSABLE = new Set(['Dense', 'Conv2D', 'DepthwiseConv2D', 'Add', 'Sub', 'Mul', 'MaxPool', 'AveragePool']);

function activationOf(n: Node): Activation | null {
  if (n.op === 'Relu') return 'relu';
  if (n.op === 'Clip' && n.attrs.min === 0 && n.attrs.max === 6) return 'relu6';
  if (n.op === 'Clip' && n.attrs.min === 0 && n.attrs.max === Infinity) return 'relu';
  return null;
}

/** Edits `g` in place (callers pass a clone) and returns it with the names of the removed activation nodes. */
export function fuseActivations(g: Graph): { graph: Graph; fused: string[] } {
  const consumers = new Map<string, number>();
  for (const n of g.nodes) for (const i of n.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const producer = new Map<string, Node>();
  for (const n of g.nodes) for (const o of n.outputs) producer.set(o, n);
  const fused: string[] = [];
  const removed = new Set<Node>();
  for (const n of g.nodes) {
    const act = activationOf(n);
    if (!act) continue;
    const mid = n.inputs[0];
    const p = producer.get(mid);
    if (!p || !FUSABLE.has(p.op) || removed.has(p)) continue;
    const attrs = p.attrs as { activation: Activation };
    if (attrs.activation !== 'none' || consumers.get(mid) !== 1 || g.outputs.includes(mid)) continue;
    attrs.activation = act;
    p.outputs[0] = n.outputs[0];
    producer.set(n.outputs[0], p);
    delete g.tensors[mid];
    removed.add(n);
    fused.push(n.name);
  }
  g.nodes = g.nodes.filter((n) => !removed.has(n));
  return { graph: g, fused };
}
