// The memory planner's solution as report.json carries it: which tensors share each arena buffer, from which layer to
// which it lives, and where in the arena it sits; report.html draws it as the arena timeline.
import type { Graph } from '../ir/graph.ts';
import { planMemory } from '../codegen/memory-planner.ts';

export interface ArenaBuffer {
  /** Tensors sharing the buffer (a Reshape's alias, an in-place chain), in layer order. */
  tensors: string[];
  /** Index of the layer that writes it first and of the last layer that reads it (layers are `nodes`). */
  first_layer: number;
  last_layer: number;
  offset: number;
  bytes: number;
}

export interface ArenaTimeline {
  /** The deployed graph's layers in the order they run. */
  layers: string[];
  buffers: ArenaBuffer[];
}

/** The arena plan of the deployed graph, the same call codegen makes; undefined if it does not give the arena the
 *  compiled project reports (then the chart would show something else than what runs). */
export function arenaTimeline(g: Graph, arenaBytes: number): ArenaTimeline | undefined {
  const plan = planMemory(g);
  if (plan.arenaBytes !== arenaBytes) return undefined;
  const last = g.nodes.length - 1;
  return {
    layers: g.nodes.map((n) => n.name),
    buffers: plan.buffers
      .filter((b) => b.home === 'arena')
      .map((b) => ({
        tensors: b.tensors,
        first_layer: Math.max(0, b.start),
        last_layer: Math.min(last, b.end),
        offset: b.offset,
        bytes: b.size,
      })),
  };
}
