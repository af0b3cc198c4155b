// A Dataset over an MLPerf Tiny evaluation folder: `*.bin` samples listed in `y_labels.csv` (file, classes, label).
// The sample encoding differs per benchmark (KWS: int8 already quantized for the model; VWW/IC: uint8 RGB; AD: float32),
// so the dataset exposes the file bytes, float values, and the exact int8 input a quantized model takes.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import type { QuantParams, Tensor } from '../ir/graph.ts';
import { product } from '../ir/graph.ts';
import { quantizeValue } from '../reference/quant.ts';
import type { Dataset, LoadOptions, Sample } from './dataset.ts';

/** How one `.bin` stores its values. */
export type MlperfEncoding = 'int8' | 'uint8' | 'float32';

/** The MLPerf Tiny benchmarks' sample formats (see examples/mlperf-tiny/README.md), keyed by folder id. */
const KNOWN: Record<string, { encoding: MlperfEncoding; inputShape: number[] }> = {
  kws01: { encoding: 'int8', inputShape: [49, 10, 1] }, // 49 frames x 10 MFCC, quantized with the model's input scale/zp
  vww01: { encoding: 'uint8', inputShape: [96, 96, 3] }, // RGB, HWC
  ic01: { encoding: 'uint8', inputShape: [32, 32, 3] }, // RGB, HWC interleaved
  ad01: { encoding: 'float32', inputShape: [200, 128] }, // 200 frames x 128 log-mel; the model takes 640-value windows
};

export interface MlperfFolderOptions extends Partial<LoadOptions> {
  /** Sample encoding; defaults to the benchmark's when the folder (or its parent) is named kws01, vww01, ic01 or ad01. */
  encoding?: MlperfEncoding;
  /** The model's input tensor: its shape (batch dropped) becomes inputShape, its quant is used by getQuantized. */
  input?: Tensor;
}

export interface MlperfFolderDataset extends Dataset {
  encoding: MlperfEncoding;
  files: string[];
  /** The `.bin` bytes exactly as stored. */
  getRaw(i: number): Uint8Array;
  /** The int8 model input for sample i: KWS bytes as-is, uint8 pixels shifted by −128, float32 quantized with the input's quant. */
  getQuantized(i: number): Int8Array;
}

const BYTES: Record<MlperfEncoding, number> = { int8: 1, uint8: 1, float32: 4 };

function datasetError(folder: string, message: string, hint: string, file?: string): TinyforgeError {
  return new TinyforgeError('bad-dataset', message, { location: { file: file ?? folder }, hint });
}

/** Loads `folder` (a directory with y_labels.csv and the .bin files it lists). Reads and size-checks every sample. */
export function loadMlperfFolder(folder: string, opts: MlperfFolderOptions = {}): MlperfFolderDataset {
  if (opts.split === 'train') {
    throw datasetError(folder, `${folder} is an MLPerf Tiny evaluation set and has no training split`, 'use split "test", or train on the original dataset');
  }
  const labelsPath = join(folder, 'y_labels.csv');
  if (!existsSync(labelsPath)) {
    throw datasetError(folder, `${folder} has no y_labels.csv`, 'an MLPerf Tiny folder holds *.bin samples and a y_labels.csv with lines "file,classes,label"', labelsPath);
  }
  const known = KNOWN[basename(folder)] ?? KNOWN[basename(join(folder, '..'))];
  const encoding = opts.encoding ?? known?.encoding;
  if (!encoding) {
    throw datasetError(folder, `cannot tell how the samples in ${folder} are encoded`, 'pass encoding: "int8" | "uint8" | "float32" (CLI: --dataset-encoding)');
  }
  const inputShape = opts.input ? opts.input.shape.slice(1) : known?.inputShape;
  if (!inputShape) throw datasetError(folder, `the input shape of ${folder} is unknown`, 'pass the model input tensor (input option)');
  const sampleBytes = product(inputShape) * BYTES[encoding];

  const rows = parseLabels(readFileSync(labelsPath, 'utf8'), labelsPath, folder);
  const limited = opts.limit === undefined ? rows : rows.slice(0, opts.limit);
  const numClasses = Math.max(...rows.map((r) => r.classes));
  const raws = limited.map((row) => {
    const path = join(folder, row.file);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw datasetError(folder, `${row.file} is listed on line ${row.line} of y_labels.csv but is missing`, 'restore the sample or remove its line', labelsPath);
    }
    const bytes = new Uint8Array(readFileSync(path));
    if (bytes.length !== sampleBytes) {
      throw datasetError(folder, `${row.file} has ${bytes.length} bytes; ${encoding} input [${inputShape}] needs ${sampleBytes}`, 'check the model matches this dataset, or pass the right encoding', path);
    }
    return bytes;
  });
  const labels = limited.map((r) => r.label);
  const quant = opts.input?.quant;

  const floatsOf = (i: number): Float32Array => {
    const raw = raws[i];
    if (encoding === 'float32') return new Float32Array(raw.slice().buffer);
    if (encoding === 'uint8') return Float32Array.from(raw);
    // int8 samples are already quantized: with the model's quant they become the real features, else the int8 codes.
    const codes = new Int8Array(raw.buffer, raw.byteOffset, raw.length);
    if (!quant) return Float32Array.from(codes);
    return Float32Array.from(codes, (q) => quant.scale[0] * (q - quant.zeroPoint[0]));
  };

  return {
    name: `mlperf:${basename(folder)}`,
    size: raws.length,
    inputShape,
    numClasses,
    encoding,
    files: limited.map((r) => r.file),
    get(i: number): Sample {
      checkIndex(i, raws.length, folder);
      return { x: floatsOf(i), label: labels[i] };
    },
    getRaw(i: number): Uint8Array {
      checkIndex(i, raws.length, folder);
      return raws[i].slice();
    },
    getQuantized(i: number): Int8Array {
      checkIndex(i, raws.length, folder);
      const raw = raws[i];
      if (encoding === 'int8') return new Int8Array(raw.slice().buffer);
      // MLPerf's uint8 images go to the int8 models (input zp −128, scale 1/255 or 1) as u8 − 128.
      if (encoding === 'uint8') return Int8Array.from(raw, (u) => u - 128);
      const q = requireQuant(quant, folder);
      return Int8Array.from(floatsOf(i), (v) => quantizeValue(v, q.scale[0], q.zeroPoint[0]));
    },
  };
}

interface LabelRow {
  file: string;
  classes: number;
  label: number;
  line: number;
}

/** Parses `file,classes,label[,...]` lines (fields trimmed, extra columns as in AD's list ignored). */
function parseLabels(text: string, path: string, folder: string): LabelRow[] {
  const rows: LabelRow[] = [];
  text.split(/\r?\n/).forEach((lineText, idx) => {
    if (lineText.trim() === '') return;
    const f = lineText.split(',').map((s) => s.trim());
    const classes = Number(f[1]);
    const label = Number(f[2]);
    if (f.length < 3 || !f[0] || !Number.isInteger(classes) || classes < 1 || !Number.isInteger(label) || label < 0 || label >= classes) {
      throw datasetError(folder, `line ${idx + 1} of y_labels.csv is "${lineText}", expected "file,classes,label" with 0 <= label < classes`, 'fix or remove the line', path);
    }
    rows.push({ file: f[0], classes, label, line: idx + 1 });
  });
  if (rows.length === 0) throw datasetError(folder, `y_labels.csv in ${folder} lists no samples`, 'add one line per sample', path);
  return rows;
}

function checkIndex(i: number, size: number, folder: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= size) {
    throw new TinyforgeError('bad-sample-index', `sample ${i} is outside ${folder} (${size} samples)`, { location: { file: folder } });
  }
}

function requireQuant(quant: QuantParams | undefined, folder: string): QuantParams {
  if (!quant) {
    throw datasetError(folder, `float32 samples in ${folder} need the model's input quantization to become int8`, 'load the dataset with the model input tensor (input option)');
  }
  return quant;
}
