// The dataset flags every command that reads data shares (--dataset, --dataset-encoding, --label-column), the
// positive-count parser for sample flags, and the one call that loads a dataset fitted to a model's input.
import { Option, type Command } from 'commander';
import { TinyforgeError } from '../diagnostics.ts';
import type { Graph } from '../ir/graph.ts';
import { SAMPLE_ENCODINGS, type Dataset, type SampleEncoding } from '../data/dataset.ts';
import { DATASET_FORMATS, loadDataset } from '../data/load-dataset.ts';
import { log } from './output.ts';

export interface DatasetFlags {
  dataset?: string;
  datasetEncoding?: SampleEncoding;
  labelColumn?: string;
}

/** Adds --dataset (help naming every accepted format), --dataset-encoding and --label-column. `use` says what the
 *  command does with the data; `fallback` is the default dataset, if any. */
export function datasetOptions(cmd: Command, use: string, opts: { required?: boolean; fallback?: string } = {}): Command {
  const help = `${use}: ${DATASET_FORMATS}`;
  if (opts.required) cmd.requiredOption('--dataset <name|path>', help);
  else cmd.option('--dataset <name|path>', help, opts.fallback);
  return cmd
    .addOption(
      new Option(
        '--dataset-encoding <type>',
        'how .bin samples of an MLPerf-style folder are stored, for folders not named kws01, vww01, ic01 or ad01 (int8 samples of an int8 model are its input bytes)',
      ).choices(SAMPLE_ENCODINGS),
    )
    .option(
      '--label-column <name|index>',
      "CSV datasets: the label column, by header name or 0-based index (default: a column named 'label', else the last)",
    );
}

/** Parser for a flag that counts samples (or anything else): a whole number ≥ 1, else a 'bad-argument' error. */
export function positiveInteger(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isInteger(n) || n < 1) {
      throw new TinyforgeError('bad-argument', `--${flag} ${value}: must be a whole number ≥ 1`, { hint: `e.g. --${flag} 100` });
    }
    return n;
  };
}

const shown = new Set<string>();

/** Prints a dataset's notes (class mapping, shared splits …) once per process, however often it is loaded. */
export function showDatasetNotes(ds: Dataset): void {
  for (const n of ds.notes ?? []) {
    if (shown.has(n)) continue;
    shown.add(n);
    log(`note: ${n}`);
  }
}

/** Loads `flags.dataset` (or `fallback`) fitted to `model`'s first input and prints its notes. Every command's data goes
 *  through here, so calibration, fine-tuning, eval, attacks and on-device accuracy all see the same samples. */
export async function loadDatasetFor(
  model: Graph,
  flags: DatasetFlags,
  opts: { split: 'train' | 'test'; limit?: number; fallback?: string },
): Promise<Dataset> {
  const spec = flags.dataset ?? opts.fallback;
  if (spec === undefined) {
    throw new TinyforgeError('bad-argument', 'this needs a dataset', { hint: `pass --dataset (${DATASET_FORMATS})` });
  }
  if (model.inputs.length > 1) {
    throw new TinyforgeError(
      'unsupported-model',
      `a dataset gives one tensor per sample; this model takes ${model.inputs.length} inputs (${model.inputs.join(', ')})`,
      {
        location: { file: model.metadata.source?.path ?? 'model' },
        hint: 'run it on a board with `tinyforge run <model> --board <id> --input <name>=<file.pb> …` (one --input per model input), or compile it with --quantize none and no --dataset',
      },
    );
  }
  const ds = await loadDataset(spec, {
    split: opts.split,
    limit: opts.limit,
    input: model.tensors[model.inputs[0]],
    encoding: flags.datasetEncoding,
    labelColumn: flags.labelColumn,
  });
  showDatasetNotes(ds);
  return ds;
}

/** Refuses samples without labels (synthetic inputs) where a command counts top-1 on them. */
export function requireLabels(ds: Dataset, what: string): void {
  if (!ds.unlabeled) return;
  throw new TinyforgeError('dataset-unlabeled', `${what} needs labelled samples; ${ds.name} inputs have no labels`, {
    location: { file: ds.name },
    hint: 'pass a labelled dataset with --dataset; synthetic inputs serve deploy and eval --board for latency and memory',
  });
}
