// `--dataset synthetic`: seeded pseudo-random inputs shaped for the model, for measuring latency and memory of a model
// that comes without test samples (e.g. MLPerf Tiny IC, VWW and AD, whose samples their upstream withdrew).
// They carry no labels, so no accuracy is computed on them, and they never calibrate or train anything.
import { TinyforgeError } from '../diagnostics.ts';
import { product } from '../ir/graph.ts';
import { sampleShapeOf, type Dataset, type LoadOptions, type Sample } from './dataset.ts';

export const SYNTHETIC = 'synthetic';
const DEFAULT_SAMPLES = 10;

/** xorshift32: a few lines of deterministic noise (the loaders stay free of the training code's generators). */
function noise(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/**
 * `limit` (default 10) inputs for the model input `opts.input`: uniform int8 codes for an int8 input (taken as they
 * are), uniform raw values in [0, 1) before preprocessing for a float input. Sample i is the same on every run.
 */
export function loadSynthetic(opts: LoadOptions): Dataset {
  if (opts.split === 'train') {
    throw new TinyforgeError(
      'synthetic-not-for-training',
      'synthetic inputs cannot calibrate or train a model: their values follow no real distribution',
      {
        location: { file: SYNTHETIC },
        hint: 'pass real data with --dataset for int8 calibration or compression, or measure a model that is int8 already (or --quantize none)',
      },
    );
  }
  const input = opts.input;
  if (!input)
    throw new TinyforgeError('bad-dataset', 'synthetic inputs need the model input they are made for', { location: { file: SYNTHETIC } });
  const shape = sampleShapeOf(input);
  const n = product(shape);
  const quant =
    input.dtype === 'i8' && input.quant?.scale.length === 1
      ? { scale: input.quant.scale[0], zeroPoint: input.quant.zeroPoint[0] }
      : undefined;
  const size = opts.limit ?? DEFAULT_SAMPLES;
  const get = (i: number): Sample => {
    const next = noise(0x9e3779b9 ^ (i + 1));
    if (!quant) return { x: Float32Array.from({ length: n }, next), label: -1 };
    const data = Int8Array.from({ length: n }, () => Math.floor(next() * 256) - 128);
    return { x: Float32Array.from(data, (q) => quant.scale * (q - quant.zeroPoint)), label: -1, codes: { data, ...quant } };
  };
  return {
    name: SYNTHETIC,
    size,
    inputShape: shape,
    numClasses: 0,
    unlabeled: true,
    get,
    notes: [`synthetic inputs (${size}, seeded): latency, memory and agreement with the reference only, no accuracy`],
  };
}
