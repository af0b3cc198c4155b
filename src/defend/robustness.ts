// The robustness report: clean and robust top-1 for each attack and ε, for every "subject" (a model somewhere: float or
// int8, on the host or on a device). White-box examples are crafted once against the float model and transferred to
// every subject; the query attack is run against each subject itself. Each row says which was which.
import type { Dataset } from '../data/dataset.ts';
import type { Graph } from '../ir/graph.ts';
import { argmax } from '../reference/model-input.ts';
import { initBackend } from '../train/backend.ts';
import { attackTarget, craftBatched, preprocessedSamples, type AttackParams } from './attack.ts';
import { attackNorm, checkAttackName, queryAttacks, whiteBoxAttacks } from './attacks.ts';
import type { Classifier } from './classifier.ts';
import { checkCount, checkEpsilon, checkLabels, inputDomain } from './input-domain.ts';
import { squareAttack } from './square-attack.ts';

export type Where = 'host' | 'device';

/** A model to measure, reduced to a classifier. */
export interface RobustnessSubject {
  /** e.g. 'float', 'int8'. */
  model: string;
  where: Where;
  classify: Classifier;
  /** Optional fast path: predicted class of n flat samples (e.g. the float model batched through tfjs). */
  predict?: (x: Float32Array, n: number) => Promise<Int32Array>;
  /** false: leave this subject out of the query attack (e.g. the host copy of the bytes a device subject runs). */
  queryAttack?: boolean;
}

export interface RobustnessOptions {
  /** The float model white-box attacks differentiate (and whose preprocessing defines the input space). */
  float: Graph;
  subjects: RobustnessSubject[];
  /** Labelled test data (raw values). */
  dataset: Dataset;
  attacks: string[];
  /** Budgets for L∞ attacks, and for L2 attacks (default [1, 2]). */
  eps: number[];
  epsL2?: number[];
  /** Samples for the white-box attacks (the first N of the dataset). */
  samples: number;
  /** Samples, query budget and L∞ budgets (default: eps) for the query attack, which costs one inference per query
   *  (default 100, 500). */
  querySamples?: number;
  queries?: number;
  queryEps?: number[];
  /** PGD steps (default 20). */
  steps?: number;
  seed?: number;
  file?: string;
  onProgress?: (message: string, done: number, total: number) => void;
}

export interface RobustnessRow {
  name: string;
  norm: 'linf' | 'l2';
  eps: number;
  model: string;
  where: Where;
  robust_top1: number;
  samples: number;
  /** The model the examples were crafted against ('float' for white-box attacks). */
  crafted_against: string;
  /** True when crafted against another model than the one measured. */
  transferred: boolean;
  /** Query attack only: mean queries spent per example. */
  mean_queries?: number;
}

export interface RobustnessReport {
  samples: number;
  /** Clean top-1 of the first subject (the float model). */
  clean_top1: number;
  models: { model: string; where: Where; clean_top1: number; samples: number }[];
  attacks: RobustnessRow[];
}

async function predictAll(s: RobustnessSubject, x: Float32Array, n: number, size: number): Promise<Int32Array> {
  if (s.predict) return s.predict(x, n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = argmax(await s.classify(x.subarray(i * size, (i + 1) * size)));
  return out;
}

const accuracy = (pred: Int32Array, labels: Int32Array, n = pred.length) => {
  let c = 0;
  for (let i = 0; i < n; i++) if (pred[i] === labels[i]) c++;
  return n ? c / n : 0;
};

/** Checks attacks, budgets and data up front; throws 'bad-argument' naming the valid range. */
export function checkRobustnessOptions(o: RobustnessOptions): void {
  for (const a of o.attacks) checkAttackName(a);
  checkCount(o.samples, 'samples');
  if (o.querySamples !== undefined) checkCount(o.querySamples, 'query samples');
  if (o.queries !== undefined) checkCount(o.queries, 'queries');
  if (o.steps !== undefined) checkCount(o.steps, 'steps');
  const domain = inputDomain(o.float, o.dataset, o.file);
  for (const a of o.attacks) {
    const norm = attackNorm(a);
    for (const e of norm === 'l2' ? (o.epsL2 ?? [1, 2]) : o.eps) checkEpsilon(e, domain, norm, norm === 'l2' ? '--eps-l2' : '--eps');
    if (queryAttacks[a]) for (const e of o.queryEps ?? []) checkEpsilon(e, domain, norm, '--query-eps');
  }
  checkLabels(o.dataset);
}

export async function measureRobustness(o: RobustnessOptions): Promise<RobustnessReport> {
  checkRobustnessOptions(o);
  await initBackend();
  const domain = inputDomain(o.float, o.dataset, o.file);
  const n = Math.min(o.samples, o.dataset.size);
  const { x, labels } = preprocessedSamples(o.dataset, domain, o.float.metadata.preprocess, n);
  const models: RobustnessReport['models'] = [];
  for (const s of o.subjects) {
    o.onProgress?.(`clean ${s.model} (${s.where})`, 0, 1);
    models.push({ model: s.model, where: s.where, clean_top1: accuracy(await predictAll(s, x, n, domain.size), labels), samples: n });
  }
  const rows: RobustnessRow[] = [];
  const white = o.attacks.filter((a) => whiteBoxAttacks[a]);
  if (white.length) {
    const target = attackTarget(o.float, domain);
    try {
      for (const name of white) {
        const attack = whiteBoxAttacks[name]!;
        for (const eps of attack.norm === 'l2' ? (o.epsL2 ?? [1, 2]) : o.eps) {
          const params: AttackParams = { eps, steps: name === 'fgsm' ? 1 : (o.steps ?? 20), randomStart: true, seed: o.seed ?? 0 };
          const { adv } = craftBatched(target, attack, x, labels, params, {
            onProgress: (d, t) => o.onProgress?.(`${name} ε=${eps}`, d, t),
          });
          for (const s of o.subjects) {
            const robust = accuracy(await predictAll(s, adv, n, domain.size), labels);
            const transferred = s.model !== 'float';
            rows.push({
              name,
              norm: attack.norm,
              eps,
              model: s.model,
              where: s.where,
              robust_top1: robust,
              samples: n,
              crafted_against: 'float',
              transferred,
            });
          }
        }
      }
    } finally {
      target.dispose();
    }
  }
  for (const name of o.attacks.filter((a) => queryAttacks[a])) {
    const qn = Math.min(o.querySamples ?? 100, n);
    for (const eps of o.queryEps ?? o.eps) {
      for (const s of o.subjects.filter((x) => x.queryAttack !== false)) {
        let correct = 0;
        let queries = 0;
        for (let i = 0; i < qn; i++) {
          const xi = x.subarray(i * domain.size, (i + 1) * domain.size);
          const r = await squareAttack(s.classify, xi, labels[i]!, domain, { eps, queries: o.queries ?? 500, seed: (o.seed ?? 0) + i });
          if (!r.fooled) correct++;
          queries += r.queries;
          o.onProgress?.(`${name} ε=${eps} on ${s.model} (${s.where})`, i + 1, qn);
        }
        rows.push({
          name,
          norm: 'linf',
          eps,
          model: s.model,
          where: s.where,
          robust_top1: qn ? correct / qn : 0,
          samples: qn,
          crafted_against: `${s.model} (${s.where})`,
          transferred: false,
          mean_queries: qn ? queries / qn : 0,
        });
      }
    }
  }
  return { samples: n, clean_top1: models[0]?.clean_top1 ?? 0, models, attacks: rows };
}
