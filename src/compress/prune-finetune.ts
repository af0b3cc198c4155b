// Fine-tuning and held-out accuracy shared by the pruning-family passes (prune, distill, low-rank, depthwise):
// seeded slices of the caller's labelled dataset, so every pass trains on the same samples and validates on others.
// tfjs is imported lazily: the pass registry (and so every CLI command) loads this file, and tfjs takes seconds to load.
import { TinyforgeError } from '../diagnostics.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Graph } from '../ir/graph.ts';
import { graphStats } from '../ir/stats.ts';
import type { TrainOptions } from '../train/train.ts';
import type { ParamSpec, PassData, PassReport } from './pass.ts';

/** Recipe parameters every fine-tuning pass accepts (snake_case like the rest of the recipe). */
export const fineTuneParams = {
  epochs: { type: 'number', min: 0, max: 1000, default: 2, description: 'fine-tuning epochs over `samples` (0 = no fine-tuning)' },
  lr: { type: 'number', min: 1e-7, max: 1, default: 5e-4, description: 'Adam learning rate for fine-tuning' },
  samples: {
    type: 'number',
    min: 1,
    max: 10_000_000,
    integer: true,
    default: 10000,
    description: 'training samples used for fine-tuning (first of the dataset)',
  },
  val_samples: {
    type: 'number',
    min: 0,
    max: 1_000_000,
    integer: true,
    default: 2000,
    description:
      'samples for the accuracy checks: the end of the validation data (CLI: the test split), else the end of the dataset, kept out of fine-tuning',
  },
  batch_size: { type: 'number', min: 1, max: 4096, integer: true, default: 64, description: 'fine-tuning mini-batch size' },
  seed: { type: 'number', min: 0, max: 2 ** 31, integer: true, default: 1, description: 'seeds shuffling and initialisation' },
  shift: {
    type: 'number',
    min: 0,
    max: 8,
    integer: true,
    default: 0,
    description: 'image models: fine-tune on random ±shift-pixel translations (0 = no augmentation)',
  },
} satisfies Record<string, ParamSpec>;

/** Distillation from the step's input model (its soft outputs carry more than the labels), shared by the passes that fine-tune. */
export const distillParams = {
  distill: {
    type: 'number',
    min: 0,
    max: 1,
    default: 0,
    description: "fine-tune against the input model's soft outputs with this weight α (0 = labels only)",
  },
  temperature: { type: 'number', min: 0.1, max: 100, default: 4, description: 'distillation temperature T' },
} satisfies Record<string, ParamSpec>;

/** The proxyTrain teacher for distillParams, or undefined when distill is 0. */
export function distillTeacher(
  teacher: Graph,
  params: Record<string, unknown>,
): { graph: Graph; alpha: number; temperature: number } | undefined {
  const alpha = Number(params.distill) || 0;
  return alpha > 0 ? { graph: teacher, alpha, temperature: Number(params.temperature) } : undefined;
}

export interface FineTuneOptions {
  epochs: number;
  lr: number;
  batchSize: number;
  seed: number;
  /** Random ±shift-pixel translations of image inputs (0 or absent = none). */
  shift?: number;
}

export function fineTuneOptions(p: Record<string, number | string | boolean>): FineTuneOptions {
  return { epochs: Number(p.epochs), lr: Number(p.lr), batchSize: Number(p.batch_size), seed: Number(p.seed), shift: Number(p.shift) || 0 };
}

/** A view of `count` samples of `ds` starting at `start` (wrapping around `base`..`base+period`). */
export function sliceDataset(ds: Dataset, start: number, count: number, period = ds.size - start): Dataset {
  return { ...ds, size: count, get: (i: number) => ds.get(start + (((i % period) + period) % period)) };
}

export interface DataSplit {
  train: Dataset;
  val: Dataset | undefined;
  /** What `val` is, for the accuracy a pass reports: "on 2,000 mnist-test samples [8000, 10000), which no step trains on". */
  valLabel: string;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Train on the first `samples` of `ds`; measure accuracy on the last `valSamples` of `validation` when the caller has
 * data no step trains on (the CLI: the test split), else on the last `valSamples` of `ds`, kept out of fine-tuning.
 * The second case is weaker: the input model may have been trained on those samples, and the label says so.
 */
export function splitData(ds: Dataset, samples: number, valSamples: number, validation?: Dataset): DataSplit {
  if (validation) {
    const { start } = validationRange(valSamples, validation.size);
    const val = validation.size - start;
    return {
      train: sliceDataset(ds, 0, Math.max(1, Math.min(samples, ds.size))),
      val: val > 0 ? sliceDataset(validation, start, val) : undefined,
      valLabel: `on ${count(val)} ${validation.name} samples [${start}, ${validation.size}), which no step trains on`,
    };
  }
  const val = Math.min(valSamples, Math.floor(ds.size / 2));
  const train = Math.max(1, Math.min(samples, ds.size - val));
  const start = ds.size - val;
  return {
    train: sliceDataset(ds, 0, train),
    val: val > 0 ? sliceDataset(ds, start, val) : undefined,
    valLabel: `on ${count(val)} ${ds.name} samples [${start}, ${ds.size}) held out from fine-tuning (the input model may have trained on them)`,
  };
}

/** The samples [start, end) of the caller's validation data (its last `valSamples`) a step checks accuracy on. */
export function validationRange(valSamples: number, validationSize: number): { start: number; end: number } {
  return { start: validationSize - Math.min(valSamples, validationSize), end: validationSize };
}

/** The caller's labelled dataset, or a 'no-training-data' error naming the pass and why it needs one. */
export function requireDataset(data: PassData, pass: string, why: string): Dataset {
  if (!data.dataset) {
    throw new TinyforgeError('no-training-data', `${pass} needs labelled data to ${why}`, {
      location: { op: pass },
      hint: 'pass --dataset mnist (CLI) or data.dataset (library), or set epochs: 0 where the pass allows it',
    });
  }
  return data.dataset;
}

/** Trains `g` (masks kept by the training bridge); returns the new graph. */
export async function fineTune(g: Graph, ds: Dataset, o: FineTuneOptions, extra: Partial<TrainOptions> = {}): Promise<Graph> {
  if (o.epochs <= 0) return g;
  const { trainGraph } = await import('../train/train.ts');
  const whole = Math.floor(o.epochs);
  const frac = o.epochs - whole;
  let out = g;
  const transformBatch =
    extra.transformBatch ?? (o.shift ? (await import('../train/augment.ts')).shiftTransform(g, o.shift, o.seed + 11) : undefined);
  if (transformBatch) extra = { ...extra, transformBatch };
  if (whole > 0)
    out = (
      await trainGraph(out, ds, { epochs: whole, batchSize: o.batchSize, learningRate: o.lr, seed: o.seed, optimizer: 'adam', ...extra })
    ).graph;
  // A fractional epoch trains on the first part of the (seeded) data once more.
  if (frac > 0) {
    const part = sliceDataset(ds, 0, Math.max(o.batchSize, Math.round(ds.size * frac)), ds.size);
    out = (
      await trainGraph(out, part, { epochs: 1, batchSize: o.batchSize, learningRate: o.lr, seed: o.seed + 7, optimizer: 'adam', ...extra })
    ).graph;
  }
  return out;
}

/** Top-1 on `val` (undefined when there is no held-out data). */
export async function accuracy(g: Graph, val: Dataset | undefined): Promise<number | undefined> {
  if (!val) return undefined;
  const { evaluate } = await import('../train/evaluate.ts');
  return (await evaluate(g, val)).top1;
}

/** PassReport plus the MAC and accuracy figures the pruning-family passes add. */
export interface CompressReport extends PassReport {
  macs_before: number;
  macs_after: number;
  accuracy_before: number | null;
  accuracy_after: number | null;
}

/** The size/MAC/accuracy part of a report for `before` → `after`. */
export function compareFigures(before: Graph, after: Graph, accBefore: number | undefined, accAfter: number | undefined) {
  const a = graphStats(before).totals;
  const b = graphStats(after).totals;
  return {
    params_before: a.params,
    params_after: b.params,
    bytes_before: a.bytes,
    bytes_after: b.bytes,
    macs_before: a.macs,
    macs_after: b.macs,
    accuracy_before: accBefore ?? null,
    accuracy_after: accAfter ?? null,
  };
}

export const pct = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(2)}%`);
