// The iterative prune → fine-tune → check loop: bounded steps ("don't prune too much at once, or the network won't
// recover"), a size or accuracy target, and a stop with the best model so far when fine-tuning no longer recovers.
import type { Graph } from '../ir/graph.ts';

export interface ScheduleStepRecord {
  step: number;
  fraction: number;
  metric: number;
  accuracy: number | null;
  accepted: boolean;
}

export interface ScheduleOptions {
  /** The size figure the target is on (params, MACs or bytes). */
  metric(g: Graph): number;
  /** Stop once metric ≤ target. Infinity-free: use 0 to prune until the accuracy floor. */
  target: number;
  /** Largest fraction of each group's remaining channels removed in one step. */
  maxFraction: number;
  /** Plans one step on `g` (importance computed once): returns the pruned graph for a fraction, or undefined when
   *  nothing more can be removed. */
  plan(g: Graph): Promise<(fraction: number) => Graph | undefined>;
  /** Fine-tunes a pruned candidate. */
  recover(g: Graph, step: number): Promise<Graph>;
  /** Held-out accuracy (undefined without data: every step is accepted). */
  accuracy(g: Graph): Promise<number | undefined>;
  /** Lowest acceptable accuracy (baseline − tolerance, or an explicit floor). */
  floor: number;
  maxSteps: number;
  onStep?(r: ScheduleStepRecord): void;
}

export interface ScheduleResult {
  best: Graph;
  bestAccuracy: number | undefined;
  reached: boolean;
  /** Why the loop stopped. */
  reason: 'target-reached' | 'accuracy-floor' | 'no-recovery' | 'nothing-to-prune' | 'max-steps';
  steps: ScheduleStepRecord[];
}

/** Smallest fraction ≤ max whose pruned metric reaches the target (bisection; the metric falls with the fraction). */
function fractionFor(prune: (f: number) => Graph | undefined, metric: (g: Graph) => number, target: number, max: number): number {
  const atMax = prune(max);
  if (!atMax || metric(atMax) > target) return max;
  let lo = 0;
  let hi = max;
  for (let i = 0; i < 10; i++) {
    const mid = (lo + hi) / 2;
    const p = prune(mid);
    if (p && metric(p) <= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

export async function runSchedule(start: Graph, o: ScheduleOptions, startAccuracy?: number): Promise<ScheduleResult> {
  let best = start;
  let bestAccuracy = startAccuracy;
  const steps: ScheduleStepRecord[] = [];
  let halvings = 0;
  let maxFraction = o.maxFraction;
  for (let step = 1; step <= o.maxSteps; step++) {
    if (o.metric(best) <= o.target) return { best, bestAccuracy, reached: true, reason: 'target-reached', steps };
    const prune = await o.plan(best);
    const fraction = fractionFor(prune, o.metric, o.target, maxFraction);
    const pruned = prune(fraction);
    if (!pruned) return { best, bestAccuracy, reached: false, reason: 'nothing-to-prune', steps };
    const cand = await o.recover(pruned, step);
    const acc = await o.accuracy(cand);
    const ok = acc === undefined || acc >= o.floor;
    const rec = { step, fraction, metric: o.metric(cand), accuracy: acc ?? null, accepted: ok };
    steps.push(rec);
    o.onStep?.(rec);
    if (ok) {
      best = cand;
      bestAccuracy = acc;
      continue;
    }
    // Fine-tuning did not recover: try a smaller step twice, then stop with the best model so far.
    if (halvings < 2) {
      halvings++;
      maxFraction /= 2;
      continue;
    }
    const floorTarget = o.target <= 0;
    return { best, bestAccuracy, reached: floorTarget, reason: floorTarget ? 'accuracy-floor' : 'no-recovery', steps };
  }
  const reached = o.metric(best) <= o.target;
  return { best, bestAccuracy, reached, reason: reached ? 'target-reached' : 'max-steps', steps };
}
