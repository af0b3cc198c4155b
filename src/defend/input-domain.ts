// The space attacks work in: the model's preprocessed input, its valid range per channel, and checks of ε / labels.
// Attacks perturb what the first layer sees, so ε is measured there (MNIST: pixels 0..255 × 1/255 → [0, 1]).
import { TinyforgeError } from '../diagnostics.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Graph } from '../ir/graph.ts';
import { product } from '../ir/graph.ts';

export interface InputDomain {
  /** Graph input name and its shape (batch first, as in the IR). */
  input: string;
  shape: number[];
  /** Values per sample. */
  size: number;
  /** Channels of the last axis (1 for a flat input); lo/hi have one value per channel. */
  channels: number;
  lo: number[];
  hi: number[];
  /** The raw range the bounds came from, e.g. [0, 255]. */
  raw: [number, number];
}

export type Norm = 'linf' | 'l2';

/** Raw value ranges of the datasets tinyforge knows; other datasets are scanned. */
const KNOWN_RAW_RANGES: Record<string, [number, number]> = { mnist: [0, 255] };

/** The raw range of a dataset: known for named datasets, else min/max over (up to 2000) samples. */
export function rawRange(ds: Dataset): [number, number] {
  const known = KNOWN_RAW_RANGES[ds.name.replace(/-(train|test)$/, '')];
  if (known) return known;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < Math.min(ds.size, 2000); i++) {
    for (const v of ds.get(i).x) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 1];
}

/** The valid preprocessed range of `g`'s input for data like `ds`. Throws 'bad-argument' when the input is not
 *  continuous (an int8 input with no float preprocessing), since gradients and ε-balls need real-valued inputs. */
export function inputDomain(g: Graph, ds: Dataset, file?: string): InputDomain {
  if (g.inputs.length !== 1) {
    throw new TinyforgeError('bad-argument', `attacks need a model with one input; "${g.name}" has ${g.inputs.length}`, {
      location: { file },
    });
  }
  const t = g.tensors[g.inputs[0]!]!;
  if (t.dtype !== 'f32') {
    throw new TinyforgeError('bad-argument', `model input "${t.name}" is ${t.dtype}, not continuous: attacks need a float input`, {
      location: { file, node: t.name },
      notes: ['white-box attacks differentiate through the input, and ε is a distance between real-valued inputs'],
      hint: 'attack the float model (before quantize-int8); `tinyforge robustness` quantizes it for you and transfers the examples',
    });
  }
  const channels = t.shape.length === 4 ? t.shape[3]! : 1;
  const raw = rawRange(ds);
  const p = g.metadata.preprocess ?? { scale: 1, mean: [0], std: [1] };
  const lo: number[] = [];
  const hi: number[] = [];
  for (let c = 0; c < channels; c++) {
    const mean = p.mean.length === 0 ? 0 : (p.mean[c] ?? p.mean[0]!);
    const std = p.std.length === 0 ? 1 : (p.std[c] ?? p.std[0]!);
    const a = (raw[0] * p.scale - mean) / std;
    const b = (raw[1] * p.scale - mean) / std;
    lo.push(Math.fround(Math.min(a, b)));
    hi.push(Math.fround(Math.max(a, b)));
  }
  return { input: t.name, shape: [...t.shape], size: product(t.shape.slice(1)), channels, lo, hi, raw };
}

/** Largest meaningful ε: the widest channel range under L∞; the diagonal of the input box under L2. */
export function maxEpsilon(d: InputDomain, norm: Norm): number {
  const widths = d.lo.map((l, c) => d.hi[c]! - l);
  if (norm === 'linf') return Math.max(...widths);
  const perChannel = d.size / d.channels;
  return Math.sqrt(widths.reduce((s, w) => s + w * w * perChannel, 0));
}

/** Rejects ε outside (0, max] with the valid range in the message. */
export function checkEpsilon(eps: number, d: InputDomain, norm: Norm, what = '--eps'): void {
  const max = maxEpsilon(d, norm);
  if (!(Number.isFinite(eps) && eps > 0 && eps <= max)) {
    const range = d.lo.map((l, c) => `[${+l.toFixed(6)}, ${+d.hi[c]!.toFixed(6)}]`).join(', ');
    throw new TinyforgeError(
      'bad-argument',
      `${what} ${eps} is outside the valid range (0, ${+max.toFixed(6)}] for the ${norm === 'linf' ? 'L∞' : 'L2'} norm`,
      {
        location: { node: d.input },
        notes: [
          `the model input takes values in ${range} (raw ${d.raw[0]}..${d.raw[1]} after the model's preprocessing); ε is measured in that space`,
        ],
        hint:
          norm === 'linf'
            ? `for MNIST scaled to [0, 1], ε = 0.1 or 0.3 are the usual choices`
            : `for MNIST scaled to [0, 1], L2 ε = 1.5 or 2 are the usual choices`,
      },
    );
  }
}

/** Rejects datasets whose samples carry no usable class label (robust accuracy and training need one). */
export function checkLabels(ds: Dataset, numClasses?: number): void {
  const k = numClasses ?? ds.numClasses;
  const bad: number[] = [];
  for (let i = 0; i < Math.min(ds.size, 50); i++) {
    const l = ds.get(i).label as number | undefined;
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l >= k) bad.push(i);
  }
  if (ds.size === 0 || bad.length > 0) {
    throw new TinyforgeError(
      'bad-argument',
      ds.size === 0
        ? `dataset "${ds.name}" is empty`
        : `dataset "${ds.name}" has no usable labels (sample ${bad[0]} has label ${String(ds.get(bad[0]!).label)})`,
      {
        notes: [`attacks and adversarial training need a class label in 0..${k - 1} for every sample`],
        hint: 'use a labelled dataset, e.g. --dataset mnist, or a folder with y_labels.csv',
      },
    );
  }
}

/** Rejects an iteration/step count below 1. */
export function checkCount(value: number, what: string, max = 1e6): void {
  if (!(Number.isInteger(value) && value >= 1 && value <= max)) {
    throw new TinyforgeError('bad-argument', `${what} must be an integer in [1, ${max}], got ${value}`, {
      hint: `pass ${what} 1 or more`,
    });
  }
}
