// The Dataset interface every consumer (calibration, training, eval, on-device accuracy, attacks) uses, and the one
// loader that finds a dataset's format, its split, and fits its samples to the model's input.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import { product, type Tensor } from '../ir/graph.ts';
import type { TflmPrinting } from './tflm-reference-outputs.ts';

/** A sample stored as int8 codes of a quantized input: its real values are scale · (code − zeroPoint). */
export interface StoredCodes {
  data: Int8Array;
  scale: number;
  zeroPoint: number;
}

export interface Sample {
  /** Raw values (e.g. pixels 0..255), NHWC without batch; preprocessing is applied by the consumer. */
  x: Float32Array;
  label: number;
  /** Set when the sample is stored as int8 codes (MLPerf KWS): a model input with the same quantization takes them as they are. */
  codes?: StoredCodes;
}

export interface Dataset {
  name: string;
  size: number;
  /** NHWC without the batch dimension, e.g. [28, 28, 1]. */
  inputShape: number[];
  numClasses: number;
  get(i: number): Sample;
  /** Class names by index, when the data names its classes (image subfolders, text labels in a CSV). */
  classNames?: string[];
  /** The file each sample came from, for datasets stored one sample a file. */
  files?: string[];
  /** What a user should know about how the samples were read, e.g. that calibration and test share them. */
  notes?: string[];
  /** TFLM's printed device outputs for these samples (MLPerf Tiny `reference_outputs/` beside the folder). */
  referenceOutputs?: { file: string; printing: TflmPrinting };
  /** The samples have no labels (synthetic inputs): there is no accuracy to count on them. */
  unlabeled?: true;
}

/** How raw sample files store their values (MLPerf Tiny `.bin` samples). */
export type SampleEncoding = 'int8' | 'uint8' | 'float32';
export const SAMPLE_ENCODINGS: readonly SampleEncoding[] = ['int8', 'uint8', 'float32'];

export interface LoadOptions {
  split: 'train' | 'test';
  /** Use only the first `limit` samples. */
  limit?: number;
  /** The model's input tensor: samples are checked against its shape (images resized to it), and int8 samples of an
   *  int8 input are taken as its codes. Without it a folder's samples keep the shape they are stored in. */
  input?: Tensor;
  /** How `.bin` samples are stored; needed for MLPerf-style folders not named kws01, vww01, ic01 or ad01. */
  encoding?: SampleEncoding;
  /** CSV datasets: the label column, by header name or 0-based index. */
  labelColumn?: string;
}

/** The formats `loadDataset` accepts, worded for errors and `--help`. */
export const DATASET_FORMATS =
  "'mnist'; 'synthetic' (seeded random inputs: latency and memory only); an MLPerf Tiny folder (y_labels.csv + .bin samples); a folder of class subfolders of PNG/JPEG images; " +
  'x.npy + y.npy (a folder holding both, or the x.npy file); a .csv file, one row a sample; ' +
  'any of these folders may hold train/ and test/ subfolders';

export type DatasetFormat = 'mnist' | 'synthetic' | 'mlperf' | 'images' | 'npy' | 'csv';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

/** Loads a dataset by name ('mnist') or path, in whichever format it is stored (see DATASET_FORMATS). */
export async function loadDataset(spec: string, opts: LoadOptions): Promise<Dataset> {
  checkLimit(opts.limit);
  if (spec === 'mnist') {
    rejectFormatFlags(spec, 'mnist', opts);
    const { loadMnist } = await import('./mnist.ts');
    const ds = loadMnist(opts);
    if (opts.input) checkSampleFits(ds.inputShape, opts.input, { file: 'mnist' });
    return ds;
  }
  if (spec === 'synthetic') {
    rejectFormatFlags(spec, 'synthetic', opts);
    return (await import('./synthetic.ts')).loadSynthetic(opts);
  }
  if (spec === '' || !existsSync(spec)) {
    throw new TinyforgeError('unknown-dataset', `no dataset "${spec}": it is not 'mnist' and no such file or folder exists`, {
      location: { file: spec },
      notes: [`accepted: ${DATASET_FORMATS}`],
      hint: 'pass --dataset mnist or the path of your dataset',
    });
  }
  const { path, notes } = resolveSplit(spec, opts.split);
  const format = detectFormat(path);
  rejectFormatFlags(path, format, opts);
  const ds = await loadFormat(format, path, opts);
  const shared = notes.map((n) => n.replace('{n}', String(ds.size)));
  return shared.length ? { ...ds, notes: [...(ds.notes ?? []), ...shared] } : ds;
}

async function loadFormat(format: DatasetFormat, path: string, opts: LoadOptions): Promise<Dataset> {
  switch (format) {
    case 'mlperf':
      return (await import('./mlperf-folder.ts')).loadMlperfFolder(path, opts);
    case 'images':
      return (await import('./image-folder.ts')).loadImageFolder(path, opts);
    case 'npy':
      return (await import('./npy-dataset.ts')).loadNpyDataset(path, opts);
    case 'csv':
      return (await import('./csv-dataset.ts')).loadCsvDataset(path, opts);
    case 'mnist':
      return (await import('./mnist.ts')).loadMnist(opts);
    case 'synthetic':
      return (await import('./synthetic.ts')).loadSynthetic(opts);
  }
}

/** A folder with train/ and test/ subfolders gives the split asked for; anything else serves both splits, and asking
 *  it for training (or calibration) data says so. */
function resolveSplit(path: string, split: 'train' | 'test'): { path: string; notes: string[] } {
  if (isDir(path) && isDir(join(path, 'train')) && isDir(join(path, 'test'))) return { path: join(path, split), notes: [] };
  if (split === 'test') return { path, notes: [] };
  return {
    path,
    notes: [`${path} has no train/ and test/ subfolders: calibration and training use the same {n} samples as the test figures, which are therefore not held out`],
  };
}

/** What a path holds: an .npy or .csv file, or a folder with y_labels.csv, x.npy, one .csv, or class subfolders. */
export function detectFormat(path: string): DatasetFormat {
  const lower = path.toLowerCase();
  if (!isDir(path)) {
    if (lower.endsWith('.npy')) return 'npy';
    if (lower.endsWith('.csv')) return 'csv';
    throw badDataset(path, `${path} is a file, not a dataset`, `pass a folder, an x.npy or a .csv file (accepted: ${DATASET_FORMATS})`);
  }
  const entries = readdirSync(path).filter((e) => !e.startsWith('.'));
  if (entries.includes('y_labels.csv')) return 'mlperf';
  if (entries.includes('x.npy')) return 'npy';
  const csvs = entries.filter((e) => e.toLowerCase().endsWith('.csv') && !isDir(join(path, e)));
  const dirs = entries.filter((e) => isDir(join(path, e)));
  if (csvs.length === 1 && dirs.length === 0) return 'csv';
  if (dirs.length > 0 && dirs.some((d) => readdirSync(join(path, d)).some(isImageName))) return 'images';
  if (entries.length === 0) throw badDataset(path, `${path} is an empty folder`, `put a dataset in it (accepted: ${DATASET_FORMATS})`);
  throw badDataset(
    path,
    `cannot tell what dataset ${path} holds: no y_labels.csv, no x.npy, ${csvs.length > 1 ? `${csvs.length} .csv files (one is expected)` : 'no single .csv file'}, and no subfolder with PNG/JPEG images`,
    `accepted: ${DATASET_FORMATS}`,
  );
}

/** --dataset-encoding and --label-column apply to one format each; given for another they would be ignored. */
function rejectFormatFlags(path: string, format: DatasetFormat, opts: LoadOptions): void {
  if (opts.encoding !== undefined && format !== 'mlperf') {
    throw new TinyforgeError('bad-option', `--dataset-encoding applies to folders of .bin samples (y_labels.csv); ${path} is ${FORMAT_NAMES[format]}`, {
      location: { file: path },
      hint: `drop --dataset-encoding: ${FORMAT_NAMES[format]} says how its values are stored`,
    });
  }
  if (opts.labelColumn !== undefined && format !== 'csv') {
    throw new TinyforgeError('bad-option', `--label-column applies to .csv datasets; ${path} is ${FORMAT_NAMES[format]}`, {
      location: { file: path },
      hint: 'drop --label-column',
    });
  }
}

const FORMAT_NAMES: Record<DatasetFormat, string> = {
  mnist: 'MNIST',
  synthetic: 'synthetic inputs',
  mlperf: 'an MLPerf Tiny folder',
  images: 'a folder of images',
  npy: 'an x.npy/y.npy dataset',
  csv: 'a CSV dataset',
};

export function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return !name.startsWith('.') && IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}

export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function badDataset(file: string, message: string, hint: string): TinyforgeError {
  return new TinyforgeError('bad-dataset', message, { location: { file }, hint });
}

/** The model input's shape without the batch dimension. */
export function sampleShapeOf(input: Tensor): number[] {
  return input.shape.slice(1);
}

const squeeze = (shape: readonly number[]) => shape.filter((d) => d !== 1);

/**
 * Throws 'sample-shape-mismatch', naming the file (and row), unless a sample of `shape` feeds `input` as it is laid out:
 * the same values, and the same shape up to size-1 dimensions (or either side flat, as for an MLP or a CSV row).
 */
export function checkSampleFits(shape: readonly number[], input: Tensor, where: { file: string; row?: number; what?: string }): void {
  const want = sampleShapeOf(input);
  const [s, w] = [squeeze(shape), squeeze(want)];
  const sameLayout = s.length <= 1 || w.length <= 1 || (s.length === w.length && s.every((d, i) => d === w[i]));
  if (product(shape) === product(want) && sameLayout) return;
  const at = where.row === undefined ? where.file : `${where.file} row ${where.row}`;
  // A channels-first sample ([C, H, W] for an [H, W, C] input) is the usual mix-up from PyTorch exports.
  const channelsFirst = w.length === 3 && s.length === 3 && s[0] === w[2] && s[1] === w[0] && s[2] === w[1];
  throw new TinyforgeError('sample-shape-mismatch', `${at}: ${where.what ?? 'a sample'} of shape [${shape.join(', ')}] (${product(shape)} values) does not fit the model input "${input.name}" [${want.join(', ')}] (${product(want)} values)`, {
    location: { file: where.file },
    hint: channelsFirst
      ? 'the model takes channels last (NHWC): transpose the samples, e.g. numpy x.transpose(0, 2, 3, 1)'
      : 'check that this dataset belongs to this model, or reshape the samples to the model input',
  });
}

/** The label range every loader checks: an integer in [0, classes). */
export function checkLabel(label: number, where: string, file: string): void {
  if (!Number.isInteger(label) || label < 0) {
    throw badDataset(file, `${where}: label ${label} is not a class index (an integer ≥ 0)`, 'labels are class indices 0, 1, 2, …');
  }
}

function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new TinyforgeError('bad-option', `sample count must be a positive integer, got ${limit}`, { hint: 'e.g. --samples 100' });
  }
}

/** A view of the first `limit` samples (or all when limit is undefined). */
export function limitDataset(ds: Dataset, limit: number | undefined): Dataset {
  if (limit === undefined || limit >= ds.size) return ds;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new TinyforgeError('bad-limit', `limit must be a non-negative integer, got ${limit}`);
  }
  return { ...ds, size: limit, get: ds.get, files: ds.files?.slice(0, limit) };
}

/** The benchmark id a folder belongs to: its own name or its parent's (kws01/samples → kws01). */
export function benchmarkIdOf(folder: string, known: readonly string[]): string | undefined {
  const own = basename(folder.replace(/[\\/]+$/, ''));
  const parent = basename(dirname(folder.replace(/[\\/]+$/, '')));
  return known.find((k) => k === own) ?? known.find((k) => k === parent);
}
