// Attacks on a trained MLP: every example stays in the ε-ball and the valid range, and robust top-1 drops below clean.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { attackTarget, craftBatched, predictBatched, preprocessedSamples, type AttackParams } from '../../src/defend/attack.ts';
import { whiteBoxAttacks } from '../../src/defend/attacks.ts';
import { referenceClassifier, tfjsClassifier } from '../../src/defend/classifier.ts';
import { inputDomain, type InputDomain } from '../../src/defend/input-domain.ts';
import { squareAttack } from '../../src/defend/square-attack.ts';
import { argmax } from '../../src/reference/model-input.ts';
import { initBackend } from '../../src/train/backend.ts';
import { mnistSlices, trainedMlp } from './fixtures.ts';

let g: Graph;
let test: Dataset;
let domain: InputDomain;
let x: Float32Array;
let labels: Int32Array;
const N = 200;
// Float32 rounding at the ball's edge; the budget itself is exact in double precision.
const TOL = 1e-6;

beforeAll(async () => {
  await initBackend();
  const d = await mnistSlices(1000, N);
  test = d.test;
  g = await trainedMlp(d.train);
  domain = inputDomain(g, test);
  ({ x, labels } = preprocessedSamples(test, domain, g.metadata.preprocess));
});

/** Checks every example: inside [lo, hi] and within ε of its clean input under the norm (one assertion per example). */
function checkBudget(adv: Float32Array, clean: Float32Array, eps: number, norm: 'linf' | 'l2', d: InputDomain): void {
  const n = clean.length / d.size;
  for (let i = 0; i < n; i++) {
    let linf = 0;
    let l2 = 0;
    let outside = 0;
    for (let j = i * d.size; j < (i + 1) * d.size; j++) {
      if (adv[j]! < d.lo[0]! - TOL || adv[j]! > d.hi[0]! + TOL) outside++;
      const diff = Math.abs(adv[j]! - clean[j]!);
      linf = Math.max(linf, diff);
      l2 += diff * diff;
    }
    expect({ example: i, outside }).toEqual({ example: i, outside: 0 });
    expect(norm === 'linf' ? linf : Math.sqrt(l2)).toBeLessThanOrEqual(eps + TOL);
  }
}

describe('white-box attacks', () => {
  it('the valid range of MNIST /255 is [0, 1]', () => {
    expect(domain.lo).toEqual([0]);
    expect(domain.hi).toEqual([1]);
    expect(domain.size).toBe(784);
  });

  const cases: [string, number][] = [
    ['fgsm', 0.1],
    ['pgd', 0.1],
    ['pgd-l2', 1.5],
  ];
  for (const [name, eps] of cases) {
    it(`${name} ε=${eps}: every example respects the range and the budget, and top-1 drops well below clean`, () => {
      const target = attackTarget(g, domain);
      try {
        const clean = predictBatched(target, x, N);
        const cleanTop1 = clean.filter((p, i) => p === labels[i]).length / N;
        const params: AttackParams = { eps, steps: name === 'fgsm' ? 1 : 10, randomStart: true, seed: 3 };
        const { adv, stillCorrect } = craftBatched(target, whiteBoxAttacks[name]!, x, labels, params, { batchSize: 64 });
        checkBudget(adv, x, eps, whiteBoxAttacks[name]!.norm, domain);
        expect(cleanTop1).toBeGreaterThan(0.8);
        expect(stillCorrect / N).toBeLessThan(cleanTop1 - 0.2);
        // The reported robust count is the model's top-1 on the returned examples.
        const again = predictBatched(target, adv, N);
        expect(again.filter((p, i) => p === labels[i]).length).toBe(stillCorrect);
      } finally {
        target.dispose();
      }
    });
  }

  it('PGD (10 steps) is at least as strong as FGSM at the same ε', () => {
    const target = attackTarget(g, domain);
    try {
      const f = craftBatched(target, whiteBoxAttacks.fgsm!, x, labels, { eps: 0.1, steps: 1, randomStart: false, seed: 0 });
      const p = craftBatched(target, whiteBoxAttacks.pgd!, x, labels, { eps: 0.1, steps: 10, randomStart: true, seed: 0 });
      expect(p.stillCorrect).toBeLessThanOrEqual(f.stillCorrect);
    } finally {
      target.dispose();
    }
  });

  it('respects a normalised input range (mean 0.1307, std 0.3081 → [-0.4242, 2.8215])', () => {
    const gn: Graph = { ...g, metadata: { ...g.metadata, preprocess: { scale: 1 / 255, mean: [0.1307], std: [0.3081] } } };
    const dn = inputDomain(gn, test);
    expect(dn.lo[0]).toBeCloseTo(-0.4242, 4);
    expect(dn.hi[0]).toBeCloseTo(2.8215, 4);
    const s = preprocessedSamples(test, dn, gn.metadata.preprocess, 50);
    const target = attackTarget(gn, dn);
    try {
      const { adv } = craftBatched(target, whiteBoxAttacks.pgd!, s.x, s.labels, { eps: 0.3, steps: 5, randomStart: true, seed: 1 });
      checkBudget(adv, s.x, 0.3, 'linf', dn);
    } finally {
      target.dispose();
    }
  });
});

describe('square attack (scores only)', () => {
  it('stays within budget and range, spends at most its queries, and fools the model on some images', async () => {
    const classify = tfjsClassifier(g, domain);
    try {
      let fooled = 0;
      for (let i = 0; i < 20; i++) {
        const xi = x.subarray(i * domain.size, (i + 1) * domain.size);
        const r = await squareAttack(classify, xi, labels[i]!, domain, { eps: 0.3, queries: 150, seed: i });
        checkBudget(r.adv, xi, 0.3, 'linf', domain);
        expect(r.queries).toBeLessThanOrEqual(150);
        // `fooled` is the classifier's own verdict on the returned example.
        expect(argmax(await classify(r.adv)) !== labels[i]).toBe(r.fooled);
        if (r.fooled) fooled++;
      }
      expect(fooled).toBeGreaterThan(5);
    } finally {
      classify.dispose();
    }
  });

  it('the reference-interpreter classifier and the tfjs classifier agree on the float model', async () => {
    const ref = referenceClassifier(g);
    const tfc = tfjsClassifier(g, domain);
    try {
      for (let i = 0; i < 20; i++) {
        const xi = x.subarray(i * domain.size, (i + 1) * domain.size);
        expect(argmax(await ref(xi))).toBe(argmax(await tfc(xi)));
      }
    } finally {
      tfc.dispose();
    }
  });
});
