// Square Attack (Andriushchenko et al. 2020), L∞, score-based: needs only the model's output scores, never its
// gradients or weights — so it attacks the int8 model itself (host reference or the board over serial), not a proxy.
// Random square patches set to x ± ε are kept when they lower the margin score[y] − max_{k≠y} score[k].
import { argmax } from '../reference/model-input.ts';
import { makeRng } from '../train/prng.ts';
import type { Classifier } from './classifier.ts';
import type { InputDomain } from './input-domain.ts';

export interface SquareAttackOptions {
  eps: number;
  /** Query budget per example (the initial query included). */
  queries: number;
  /** Initial fraction of pixels a square covers; halved on the paper's schedule. */
  pInit?: number;
  seed?: number;
}

export interface SquareAttackResult {
  adv: Float32Array;
  /** Queries spent (stops early once the example is misclassified). */
  queries: number;
  /** The classifier's top-1 on `adv` differs from the label. */
  fooled: boolean;
}

/** score[y] − best other score: negative means misclassified. */
function margin(scores: Float32Array, label: number): number {
  let other = -Infinity;
  for (let k = 0; k < scores.length; k++) if (k !== label && scores[k]! > other) other = scores[k]!;
  return scores[label]! - other;
}

/** Fraction of pixels per square at query i, scaled from the paper's 10,000-query schedule. */
function pSchedule(pInit: number, i: number, budget: number): number {
  const t = Math.floor((i / budget) * 10000);
  const cuts = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000];
  let p = pInit;
  for (const c of cuts) if (t > c) p /= 2;
  return p;
}

/** Attacks one preprocessed sample `x` (flat NHWC) with true label `label` through `classify`. */
export async function squareAttack(
  classify: Classifier,
  x: Float32Array,
  label: number,
  domain: InputDomain,
  opts: SquareAttackOptions,
): Promise<SquareAttackResult> {
  const rng = makeRng(opts.seed ?? 0);
  const eps = opts.eps;
  const c = domain.channels;
  const [h, w] = domain.shape.length === 4 ? [domain.shape[1]!, domain.shape[2]!] : [1, domain.size / c];
  const clip = (v: number, ch: number, center: number) =>
    Math.min(Math.max(v, Math.max(center - eps, domain.lo[ch]!)), Math.min(center + eps, domain.hi[ch]!));

  // Start: vertical stripes of ±ε (the paper's initialisation), one sign per column and channel.
  const best = new Float32Array(x.length);
  for (let col = 0; col < w; col++) {
    for (let ch = 0; ch < c; ch++) {
      const s = rng.next() < 0.5 ? -eps : eps;
      for (let row = 0; row < h; row++) {
        const i = (row * w + col) * c + ch;
        best[i] = clip(x[i]! + s, ch, x[i]!);
      }
    }
  }
  const first = await classify(best);
  let bestMargin = margin(first, label);
  // Stop on the top-1 rule used everywhere (first index wins ties), not on the margin sign: int8 scores tie often.
  let fooled = argmax(first) !== label;
  let used = 1;
  const cand = new Float32Array(x.length);
  while (!fooled && used < opts.queries) {
    const p = pSchedule(opts.pInit ?? 0.1, used, opts.queries);
    const side = Math.max(1, Math.min(h, w, Math.round(Math.sqrt(p * h * w))));
    const r0 = rng.int(h - side + 1);
    const c0 = rng.int(w - side + 1);
    cand.set(best);
    for (let ch = 0; ch < c; ch++) {
      const s = rng.next() < 0.5 ? -eps : eps;
      for (let row = r0; row < r0 + side; row++) {
        for (let col = c0; col < c0 + side; col++) {
          const i = (row * w + col) * c + ch;
          cand[i] = clip(x[i]! + s, ch, x[i]!);
        }
      }
    }
    const scores = await classify(cand);
    const m = margin(scores, label);
    used++;
    if (m < bestMargin || argmax(scores) !== label) {
      bestMargin = m;
      fooled = argmax(scores) !== label;
      best.set(cand);
    }
  }
  return { adv: best, queries: used, fooled };
}
