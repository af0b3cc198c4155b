// The one loader behind --dataset: finds a dataset's format and its split, and hands it to that format's loader
// (imported only when a dataset of that format is read), which fits the samples to the model's input.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import { badDataset, checkSampleFits, isDir, isImageName, type Dataset, type LoadOptions } from './dataset.ts';

/** The formats `loadDataset` accepts, worded for errors and `--help`. */
export const DATASET_FORMATS =
  "'mnist'; 'synthetic' (seeded random inputs: latency and memory only); an MLPerf Tiny folder (y_labels.csv + .bin samples); a folder of class subfolders of PNG/JPEG images; " +
  'x.npy + y.npy (a folder holding both, or the x.npy file); a .csv file, one row a sample; ' +
  'any of these folders may hold train/ and test/ subfolders';

export type DatasetFormat = 'mnist' | 'synthetic' | 'mlperf' | 'images' | 'npy' | 'csv';

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
    notes: [
      `${path} has no train/ and test/ subfolders: calibration and training use the same {n} samples as the test figures, which are therefore not held out`,
    ],
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
    throw new TinyforgeError(
      'bad-argument',
      `--dataset-encoding applies to folders of .bin samples (y_labels.csv); ${path} is ${FORMAT_NAMES[format]}`,
      {
        location: { file: path },
        hint: `drop --dataset-encoding: ${FORMAT_NAMES[format]} says how its values are stored`,
      },
    );
  }
  if (opts.labelColumn !== undefined && format !== 'csv') {
    throw new TinyforgeError('bad-argument', `--label-column applies to .csv datasets; ${path} is ${FORMAT_NAMES[format]}`, {
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

function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new TinyforgeError('bad-argument', `sample count must be a positive integer, got ${limit}`, { hint: 'e.g. --samples 100' });
  }
}
