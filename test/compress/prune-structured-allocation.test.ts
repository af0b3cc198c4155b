// Structured pruning's per-layer allocation: 'uniform' removes the same share of every layer; 'cost' removes more from
// the layer whose neurons cost the most of the target metric, never more than the step bound anywhere.
import { describe, expect, it } from 'vitest';
import { planStructured, sizeMetric } from '../../src/compress/prune-structured.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { mlp } from './prune-fixtures.ts';

const widths = (g: Graph) => ['fc1', 'fc2'].map((n) => g.tensors[g.nodes.find((x) => x.name === n)!.inputs[1]!]!.shape[0]);

describe('prune-structured allocation', () => {
  it("'uniform' takes the same share of each layer; 'cost' takes it from the expensive 784-input layer", async () => {
    const g = mlp(1, 64, 32);
    const uniform = (await planStructured(g, 'l1', [], 2, 'uniform'))(0.5)!;
    expect(widths(uniform)).toEqual([32, 16]);
    const cost = (await planStructured(g, 'l1', [], 2, 'cost', sizeMetric('params')))(0.5)!;
    // fc1 neuron: 784 + 32 params, fc2 neuron: 64 + 10 → fc2's share is 0.5·√(74/816) ≈ 0.15 of its 32.
    expect(widths(cost)).toEqual([32, 27]);
    expect(sizeMetric('params')(cost)).toBeGreaterThan(sizeMetric('params')(uniform));
  });

  it("'cost' on MACs weighs by MACs; a step never exceeds the fraction and never empties a layer", async () => {
    const g = mlp(2, 16, 8);
    const plan = await planStructured(g, 'l2', [], 2, 'cost', sizeMetric('macs'));
    for (const f of [0.1, 0.3, 0.5]) {
      const [a, b] = widths(plan(f)!);
      expect(a).toBeGreaterThanOrEqual(Math.round(16 * (1 - f)));
      expect(b).toBeGreaterThanOrEqual(Math.round(8 * (1 - f)));
    }
    const [a, b] = widths((await planStructured(g, 'l1', [], 2, 'cost'))(0.5)!);
    expect(a).toBe(8);
    expect(b).toBeGreaterThanOrEqual(2);
  });
});
