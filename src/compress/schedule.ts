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
  /** Steps down to floor − slack still continue (a longer final fine-tune often recovers them; held-out figures are
   *  noisy); `best` only ever holds a model at or above the floor. */
  slack?: number;
  maxSteps: number;
  onStep?(r: ScheduleStepRecord): void;
}

export interface ScheduleResult {
  /** The smallest model at or above the floor. */
  best: Graph;
  bestAccuracy: number | undefined;
  /** The smallest model within floor − slack (may be `best`): worth a final fine-tune. */
  last: Graph;
  lastAccuracy: number | undefined;
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
  let last = start;
  let lastAccuracy = startAccuracy;
  const done = (reached: boolean, reason: ScheduleResult['reason']): ScheduleResult => ({
    best,
    bestAccuracy,
    last,
    lastAccuracy,
    reached,
    reason,
    steps,
  });
  const steps: ScheduleStepRecord[] = [];
  let halvings = 0;
  let maxFraction = o.maxFraction;
  for (let step = 1; step <= o.maxSteps; step++) {
    if (o.metric(last) <= o.target) return done(true, 'target-reached');
    const prune = await o.plan(last);
    const fraction = fractionFor(prune, o.metric, o.target, maxFraction);
    const pruned = prune(fraction);
    if (!pruned) return done(false, 'nothing-to-prune');
    const cand = await o.recover(pruned, step);
    const acc = await o.accuracy(cand);
    const ok = acc === undefined || acc >= o.floor - (o.slack ?? 0);
    const rec = { step, fraction, metric: o.metric(cand), accuracy: acc ?? null, accepted: ok };
    steps.push(rec);
    o.onStep?.(rec);
    if (ok) {
      last = cand;
      lastAccuracy = acc;
      if (acc === undefined || acc >= o.floor) {
        best = cand;
        bestAccuracy = acc;
      }
      continue;
    }
    // Fine-tuning did not recover: try a smaller step twice, then stop with the best model so far.
    if (halvings < 2) {
      halvings++;
      maxFraction /= 2;
      continue;
    }
    const floorTarget = o.target <= 0;
    return done(floorTarget, floorTarget ? 'accuracy-floor' : 'no-recovery');
  }
  const reached = o.metric(last) <= o.target;
  return done(reached, reached ? 'target-reached' : 'max-steps');
}
