// Adversarial training on a tiny MLP and MNIST slice: robust top-1 rises; the `adversarial` recipe step composes
// with quantize-int8 before it and is refused after it.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { adversarialTrain } from '../../src/defend/adversarial-training.ts';
import { attackTarget, craftBatched, preprocessedSamples } from '../../src/defend/attack.ts';
import { whiteBoxAttacks } from '../../src/defend/attacks.ts';
import { inputDomain } from '../../src/defend/input-domain.ts';
import { initBackend } from '../../src/train/backend.ts';
import { mnistSlices, trainedMlp } from './fixtures.ts';

let g: Graph;
let train: Dataset;
let test: Dataset;

beforeAll(async () => {
  await initBackend();
  ({ train, test } = await mnistSlices(1000, 300));
  g = await trainedMlp(train);
});

/** Top-1 of `model` on the test slice under `attack` at ε = 0.1. */
function robustTop1(model: Graph, attack: string, steps: number): number {
  const d = inputDomain(model, test);
  const { x, labels } = preprocessedSamples(test, d, model.metadata.preprocess);
  const t = attackTarget(model, d);
  try {
    return (
      craftBatched(t, whiteBoxAttacks[attack]!, x, labels, { eps: 0.1, steps, randomStart: true, seed: 11 }).stillCorrect / labels.length
    );
  } finally {
    t.dispose();
  }
}

describe('adversarialTrain', () => {
  it('T = 3 iterations against PGD raise PGD robust top-1 on held-out images, and leave the input graph alone', async () => {
    const w1 = Float32Array.from(g.tensors.w1!.data as Float32Array);
    const before = robustTop1(g, 'pgd', 5);
    const r = await adversarialTrain(g, train, { attack: 'pgd', eps: 0.1, iterations: 3, epochs: 2, steps: 5, seed: 1 });
    const after = robustTop1(r.graph, 'pgd', 5);
    expect(r.history.map((h) => h.iteration)).toEqual([1, 2, 3]);
    // The attack fools fewer training images once the model has been patched once.
    expect(r.history[1]!.attack_success).toBeLessThan(r.history[0]!.attack_success);
    console.log(`PGD ε=0.1 robust top-1: ${before} → ${after}`);
    expect(after).toBeGreaterThan(before + 0.1);
    expect(g.tensors.w1!.data).toEqual(w1);
    expect(r.graph.metadata.preprocess).toEqual(g.metadata.preprocess);
    expect(r.graph.metadata.defense).toMatchObject({ attack: 'pgd', eps: 0.1, iterations: 3 });
  });
});

describe('the adversarial recipe step', () => {
  it('runs before quantize-int8 in a recipe and reports each iteration', async () => {
    const d = inputDomain(g, train);
    const { x } = preprocessedSamples(train, d, g.metadata.preprocess, 20);
    const calibration = Array.from({ length: 20 }, (_, i) => ({ input: x.subarray(i * 784, (i + 1) * 784) }));
    const r = await runPipeline(
      g,
      [{ step: 'adversarial', attack: 'fgsm', eps: 0.1, iterations: 1, samples: 300 }, { step: 'quantize-int8' }],
      {
        data: { calibration, dataset: train },
      },
    );
    expect(r.compression.steps.map((s) => s.name)).toEqual(['adversarial', 'quantize-int8']);
    const step = r.compression.steps[0]!;
    expect(step.options).toMatchObject({ attack: 'fgsm', eps: 0.1, iterations: 1, samples: 300 });
    expect(step.notes.some((n) => n.startsWith('300 training images'))).toBe(true);
    expect(step.notes.filter((n) => n.startsWith('iteration ')).length).toBe(1);
    expect(r.ir.tensors[r.ir.inputs[0]!]!.dtype).toBe('i8');
  });

  it('is refused after quantize-int8 (an int8 graph cannot be trained), and without labelled data', async () => {
    const calibration = [{ input: new Float32Array(784) }];
    await expect(
      runPipeline(g, [{ step: 'quantize-int8' }, { step: 'adversarial' }], { data: { calibration, dataset: train } }),
    ).rejects.toMatchObject({ code: 'bad-argument', diagnostic: { hint: expect.stringContaining('before quantize-int8') } });
    await expect(runPipeline(g, [{ step: 'adversarial' }], { data: {} })).rejects.toMatchObject({ code: 'bad-argument' });
    await expect(runPipeline(g, [{ step: 'adversarial', iterations: 0 }], { data: { dataset: train } })).rejects.toMatchObject({
      code: 'bad-recipe',
    });
  });
});
