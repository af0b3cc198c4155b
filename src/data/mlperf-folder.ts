// A Dataset over an MLPerf Tiny evaluation folder: `*.bin` samples listed in `y_labels.csv` (file, classes, label).
// The sample encoding differs per benchmark (KWS: int8 already quantized for the model; VWW/IC: uint8 RGB; AD: float32),
// so the dataset exposes the file bytes, float values, and the exact int8 input a quantized model takes.
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import type { QuantParams, Tensor } from '../ir/graph.ts';
import { product } from '../ir/graph.ts';
import { quantizeValue } from '../ir/quantization.ts';
import { referenceOutputsBeside } from './tflm-reference-outputs.ts';
import {
  badDataset,
  benchmarkIdOf,
  isDir,
  isFile,
  sampleShapeOf,
  type Dataset,
  type LoadOptions,
  type Sample,
  type SampleEncoding,
  type StoredCodes,
} from './dataset.ts';

/** How one `.bin` stores its values. */
export type MlperfEncoding = SampleEncoding;

interface KnownBenchmark {
  encoding: MlperfEncoding;
  inputShape: number[];
  /** int8 samples: the quantization they were stored with (the reference model's input). */
  quant?: { scale: number; zeroPoint: number };
}

/** The MLPerf Tiny benchmarks' sample formats (see examples/mlperf-tiny/README.md), keyed by folder id. */
const KNOWN: Record<string, KnownBenchmark> = {
  // 49 frames x 10 MFCC, quantized with kws_ref_model.tflite's input scale/zp
  kws01: { encoding: 'int8', inputShape: [49, 10, 1], quant: { scale: 0.5847029089927673, zeroPoint: 83 } },
  vww01: { encoding: 'uint8', inputShape: [96, 96, 3] }, // RGB, HWC
  ic01: { encoding: 'uint8', inputShape: [32, 32, 3] }, // RGB, HWC interleaved
  ad01: { encoding: 'float32', inputShape: [200, 128] }, // 200 frames x 128 log-mel; the model takes 640-value windows
};

export interface MlperfFolderOptions extends Partial<LoadOptions> {
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

/** Loads `folder` (a directory with y_labels.csv and the .bin files it lists). Reads and size-checks every sample. */
export function loadMlperfFolder(folder: string, opts: MlperfFolderOptions = {}): MlperfFolderDataset {
  const labelsPath = join(folder, 'y_labels.csv');
  if (!isFile(labelsPath)) {
    throw badDataset(
      labelsPath,
      isDir(labelsPath) ? `${labelsPath} is a folder, not the label file` : `${folder} has no y_labels.csv`,
      'an MLPerf Tiny folder holds *.bin samples and a y_labels.csv file with lines "file,classes,label"',
    );
  }
  const benchmark = benchmarkIdOf(folder, Object.keys(KNOWN));
  const known = benchmark ? KNOWN[benchmark] : undefined;
  const encoding = opts.encoding ?? known?.encoding;
  if (!encoding) {
    throw badDataset(
      folder,
      `cannot tell how the samples in ${folder} are encoded`,
      'pass --dataset-encoding int8|uint8|float32 (as a library: the encoding option)',
    );
  }
  const inputShape = opts.input ? sampleShapeOf(opts.input) : known?.inputShape;
  if (!inputShape) throw badDataset(folder, `the input shape of ${folder} is unknown`, 'pass the model input tensor (input option)');
  const sampleBytes = product(inputShape) * BYTES[encoding];

  const rows = parseLabels(readFileSync(labelsPath, 'utf8'), labelsPath, folder);
  const limited = opts.limit === undefined ? rows : rows.slice(0, opts.limit);
  const numClasses = Math.max(...rows.map((r) => r.classes));
  const raws = limited.map((row) => {
    const path = join(folder, row.file);
    if (!isFile(path)) {
      throw badDataset(
        labelsPath,
        `${row.file} is listed on line ${row.line} of y_labels.csv but is missing`,
        'restore the sample or remove its line',
      );
    }
    // Sized before it is read: a wrong file is refused without loading it.
    const size = statSync(path).size;
    if (size !== sampleBytes) {
      throw new TinyforgeError(
        'sample-shape-mismatch',
        `${row.file} has ${size} bytes; ${encoding} input [${inputShape}] needs ${sampleBytes}`,
        {
          location: { file: path },
          hint: `check that the model belongs to this dataset, or pass the right --dataset-encoding (int8, uint8: 1 byte a value; float32: 4)`,
        },
      );
    }
    return new Uint8Array(readFileSync(path));
  });
  const labels = limited.map((r) => r.label);
  const quant = opts.input?.quant;
  const codesOf = storedCodes(encoding, known, benchmark, opts.input);

  const floatsOf = (i: number): Float32Array => {
    const raw = raws[i];
    if (encoding === 'float32') return new Float32Array(raw.slice().buffer);
    if (encoding === 'uint8') return Float32Array.from(raw);
    // int8 samples stored quantized become their real features; without a known quantization, the int8 values.
    const codes = new Int8Array(raw.buffer, raw.byteOffset, raw.length);
    const q = known?.quant ?? (quant && quant.scale.length === 1 ? { scale: quant.scale[0], zeroPoint: quant.zeroPoint[0] } : undefined);
    if (!q) return Float32Array.from(codes);
    return Float32Array.from(codes, (c) => Math.fround(Math.fround(q.scale) * (c - q.zeroPoint)));
  };

  return {
    name: `mlperf:${basename(folder)}`,
    size: raws.length,
    inputShape,
    numClasses,
    encoding,
    files: limited.map((r) => r.file),
    referenceOutputs: referenceOutputsBeside(folder),
    get(i: number): Sample {
      checkIndex(i, raws.length, folder);
      const codes = codesOf?.(raws[i]);
      return codes ? { x: floatsOf(i), label: labels[i], codes } : { x: floatsOf(i), label: labels[i] };
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

/**
 * The int8 codes a sample already is, when its bytes are a quantized model input: int8 samples with a known
 * quantization (the benchmark's, else the int8 model input's), and MLPerf's uint8 images for an int8 input with zero
 * point −128 (their convention: code = u8 − 128 at the input's scale). Anything else is requantized by the consumer.
 */
function storedCodes(
  encoding: MlperfEncoding,
  known: KnownBenchmark | undefined,
  benchmark: string | undefined,
  input: Tensor | undefined,
): ((raw: Uint8Array) => StoredCodes) | undefined {
  const inputQuant =
    input?.dtype === 'i8' && input.quant?.scale.length === 1
      ? { scale: input.quant.scale[0], zeroPoint: input.quant.zeroPoint[0] }
      : undefined;
  if (encoding === 'int8') {
    const q = known?.quant ?? inputQuant;
    if (!q) return undefined;
    return (raw) => ({ data: new Int8Array(raw.slice().buffer), ...q });
  }
  if (encoding === 'uint8' && benchmark && inputQuant?.zeroPoint === -128) {
    return (raw) => ({ data: Int8Array.from(raw, (u) => u - 128), ...inputQuant });
  }
  return undefined;
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
      throw badDataset(
        path,
        `line ${idx + 1} of y_labels.csv is "${lineText}", expected "file,classes,label" with 0 <= label < classes`,
        'fix or remove the line',
      );
    }
    if (f[0].includes('/') || f[0].includes('\\') || f[0] === '..') {
      throw badDataset(
        path,
        `line ${idx + 1} of y_labels.csv names "${f[0]}", which is not a file in ${folder}`,
        'list sample files by their names only',
      );
    }
    rows.push({ file: f[0], classes, label, line: idx + 1 });
  });
  if (rows.length === 0) throw badDataset(path, `y_labels.csv in ${folder} lists no samples`, 'add one line per sample');
  return rows;
}

function checkIndex(i: number, size: number, folder: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= size) {
    throw new TinyforgeError('bad-sample-index', `sample ${i} is outside ${folder} (${size} samples)`, { location: { file: folder } });
  }
}

function requireQuant(quant: QuantParams | undefined, folder: string): QuantParams {
  if (!quant) {
    throw badDataset(
      folder,
      `float32 samples in ${folder} need the model's input quantization to become int8`,
      'load the dataset with the model input tensor (input option)',
    );
  }
  return quant;
}
