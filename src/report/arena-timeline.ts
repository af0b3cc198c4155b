// The memory planner's solution as report.json carries it: which tensors share each arena buffer, from which layer to
// which it lives, and where in the arena it sits; report.html draws it as the arena timeline.
import type { Graph } from '../ir/graph.ts';
import { arenaBuffers, planMemory, type ArenaBuffer } from '../codegen/memory-planner.ts';

export type { ArenaBuffer };

export interface ArenaTimeline {
  /** The deployed graph's layers in the order they run. */
  layers: string[];
  buffers: ArenaBuffer[];
}

/** The arena plan the project was compiled with (its manifest's, scratch included); for a project of an older version,
 *  the plan of the deployed graph computed again, undefined if that does not give the arena the project reports (then
 *  the chart would show something else than what runs). */
export function arenaTimeline(g: Graph, arenaBytes: number, recorded?: ArenaBuffer[]): ArenaTimeline | undefined {
  const layers = g.nodes.map((n) => n.name);
  if (recorded) return { layers, buffers: recorded };
  const plan = planMemory(g);
  if (plan.arenaBytes !== arenaBytes) return undefined;
  return { layers, buffers: arenaBuffers(g, plan) };
}
