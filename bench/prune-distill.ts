// The distillation figure of the pruning bench: the same quarter-width student trained on a limited labelled slice,
// once by distillation from the full float teacher and once on the labels alone (same images, epochs and seeds).
import { distillTrain, thinnerCopy } from '../src/compress/distill.ts';
import { sliceDataset } from '../src/compress/prune-finetune.ts';
import { meanStd } from '../src/compress/prune-lottery.ts';
import type { Dataset } from '../src/data/dataset.ts';
import type { Graph } from '../src/ir/graph.ts';
import { graphStats } from '../src/ir/stats.ts';
import { evaluate } from '../src/train/evaluate.ts';

export interface DistillBenchOptions {
  seeds: number;
  /** Labelled images both students train on (the first of the training slice). */
  labelled: number;
  epochs: number;
  width: number;
  temperature: number;
  alpha: number;
  lr: number;
}

/** Literature settings (Hinton et al. 2015): T = 4, α = 0.9 on the soft loss (× T²); students see 2 000 labelled images. */
export const DISTILL_BENCH_DEFAULTS: DistillBenchOptions = { seeds: 3, labelled: 2000, epochs: 30, width: 0.25, temperature: 4, alpha: 0.9, lr: 1e-3 };

export interface DistillComparison {
  regime: string;
  teacher_params: number;
  student_params: number;
  teacher_top1: number;
  distilled: number[];
  labels_only: number[];
  distilled_mean: number;
  distilled_std: number;
  labels_only_mean: number;
  labels_only_std: number;
  options: DistillBenchOptions;
}

/** Trains both students per seed (student init seeded by the seed, identical for the pair) and evaluates on `test`. */
export async function compareDistillation(
  teacher: Graph, train: Dataset, test: Dataset, o: DistillBenchOptions, say: (m: string) => void,
): Promise<DistillComparison> {
  const labelled = sliceDataset(train, 0, Math.min(o.labelled, train.size));
  const distilled: number[] = [];
  const plain: number[] = [];
  let studentParams = 0;
  const top1 = async (g: Graph) => (await evaluate(g, test)).top1;
  for (let s = 1; s <= o.seeds; s++) {
    const student = thinnerCopy(teacher, o.width, 100 + s);
    studentParams = graphStats(student).totals.params;
    const base = { epochs: o.epochs, lr: o.lr, batchSize: 64, seed: s, temperature: o.temperature };
    distilled.push(await top1(await distillTrain(student, [teacher], labelled, { ...base, alpha: o.alpha })));
    plain.push(await top1(await distillTrain(student, [teacher], labelled, { ...base, alpha: 0 })));
    say(`distill seed ${s}: distilled ${(distilled.at(-1)! * 100).toFixed(2)}, labels only ${(plain.at(-1)! * 100).toFixed(2)}`);
  }
  const [k, l] = [meanStd(distilled), meanStd(plain)];
  return {
    regime: `limited labels: both students train on the same ${labelled.size} labelled training images for ${o.epochs} epochs; `
      + `the teacher is the full float model (trained on the bench's whole training slice); T=${o.temperature}, α=${o.alpha} on the soft loss (×T²)`,
    teacher_params: graphStats(teacher).totals.params, student_params: studentParams, teacher_top1: await top1(teacher),
    distilled, labels_only: plain, distilled_mean: k.mean, distilled_std: k.std, labels_only_mean: l.mean, labels_only_std: l.std, options: o,
  };
}
