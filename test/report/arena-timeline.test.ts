// The arena timeline is the plan codegen placed by: kernel scratch included, the arena's extent exactly, and the plan
// recorded in tinyforge.json is what the report draws (a recomputed plan without scratch would not give the arena).
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/codegen/generate.ts';
import { arenaBuffers, planMemory } from '../../src/codegen/memory-planner.ts';
import { arenaTimeline } from '../../src/report/arena-timeline.ts';
import { int8Mlp } from '../codegen/graphs.ts';

describe('arena timeline', () => {
  it("a DSP model's kernel scratch is in the timeline, which spans exactly the arena", () => {
    const g = int8Mlp([640, 128, 10], 3, 'relu', true); // per-tensor Dense on DSP cores: the widened input is scratch
    const gen = generateModel(g, { board: { kernels: 'cortex-m-dsp' } });
    const buffers = arenaBuffers(g, gen.plan);
    const scratch = buffers.filter((b) => b.scratch_of !== undefined);
    expect(scratch.map((b) => b.scratch_of)).toEqual(['fc1', 'fc2']);
    for (const b of scratch) {
      const layer = g.nodes.findIndex((n) => n.name === b.scratch_of);
      expect([b.first_layer, b.last_layer, b.tensors.length]).toEqual([layer, layer, 0]);
    }
    expect(Math.max(...buffers.map((b) => b.offset + b.bytes))).toBe(gen.arenaBytes);
    // Without the recorded plan, the recomputed one (no scratch) does not give this arena: no chart rather than a wrong one.
    expect(planMemory(g).arenaBytes).not.toBe(gen.arenaBytes);
    expect(arenaTimeline(g, gen.arenaBytes)).toBeUndefined();
    expect(arenaTimeline(g, gen.arenaBytes, buffers)?.buffers).toEqual(buffers);
  });
});
