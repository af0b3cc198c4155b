// The Pass interface every compression technique implements, its report, and the log passes write to.
// A pass is IR → IR: it never mutates its input, never prints, and says what it did in a PassReport that lands in
// report.json under compression.steps (snake_case fields, like the rest of report.json).

import { TinyforgeError, type Diagnostic } from '../diagnostics.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Graph, Node, TensorData } from '../ir/graph.ts';
import { graphStats } from '../ir/stats.ts';

/** One recipe parameter a pass accepts; the pipeline validates recipes against these before anything runs. */
export type ParamSpec =
  | { type: 'number'; min: number; max: number; integer?: boolean; default: number; description: string }
  | { type: 'enum'; values: readonly string[]; default: string; description: string }
  | { type: 'boolean'; default: boolean; description: string };

/** Data a pass may need besides the IR, handed in by the caller of the pipeline (not part of a recipe). */
export interface PassData {
  /** Calibration samples: one record per sample, graph input name → float values (NHWC, already preprocessed). */
  calibration?: Record<string, TensorData>[];
  /** Labelled samples (raw values: apply metadata.preprocess) for passes that fine-tune or evaluate. */
  dataset?: Dataset;
  /** Labelled samples no step trains on and the input model has not seen (e.g. a test split): the accuracy a pass
   *  reports, and any accuracy floor it keeps, is measured on the last `val_samples` of these. Absent: on the last
   *  `val_samples` of `dataset`, which the steps then leave out of fine-tuning. */
  validation?: Dataset;
}

/** What a pass receives: its validated recipe parameters (every declared param present, defaults filled in)
 *  plus the caller's data. */
export interface PassOptions {
  params: Record<string, number | string | boolean>;
  data: PassData;
}

/** One row per layer the pass touched. Extra columns are pass specific (e.g. scales, SQNR). */
export interface LayerRow {
  node: string;
  op: string;
  params: number;
  bytes_before: number;
  bytes_after: number;
  [column: string]: string | number | boolean | null;
}

export interface PassReport {
  /** The recipe step name, e.g. 'quantize-int8'. */
  name: string;
  /** The parameters it ran with (defaults filled in). */
  options: Record<string, number | string | boolean>;
  params_before: number;
  params_after: number;
  bytes_before: number;
  bytes_after: number;
  layers: LayerRow[];
  /** Short human-readable remarks ("2 nodes stay float: Sigmoid …"). */
  notes: string[];
  /** The caller's validation samples [start, end) the step checked its accuracy on (kept out of its training), so a
   *  later figure on the same samples can say it is not held out. */
  held_out?: { dataset: string; start: number; end: number };
}

/** Where passes put diagnostics and progress. Only src/cli renders these. */
export interface PassLog {
  add(d: Diagnostic): void;
  progress(message: string, fraction?: number): void;
}

/** Recipe keys every step accepts besides its pass's own parameters (validated by the pipeline like them). */
export const stepParams: Record<string, ParamSpec> = {
  on_unsupported: {
    type: 'enum',
    values: ['stop', 'skip'],
    default: 'stop',
    description: "a layer this step cannot compress: 'stop' the recipe naming it, or 'skip' it (left as it is, with a warning) and go on",
  },
};

/** A layer the step targets but cannot compress. By default the recipe stops here, naming the layer and why; with
 *  `on_unsupported: "skip"` in the step the caller leaves the layer as it is and goes on, and a warning says so. */
export function layerNotApplicable(step: string, node: Node, reason: string, options: PassOptions, log: PassLog): void {
  const location = { node: node.name, op: node.op };
  if (options.params.on_unsupported === 'skip') {
    log.add({
      code: 'layer-skipped',
      severity: 'warning',
      message: `${step}: "${node.name}" (${node.op}) left as it is: ${reason}`,
      location,
    });
    return;
  }
  throw new TinyforgeError('layer-not-applicable', `${step} cannot apply to "${node.name}" (${node.op}): ${reason}`, {
    location,
    hint: `add "on_unsupported": "skip" to the ${step} step of the recipe to leave such layers as they are and compress the rest`,
  });
}

/** A log that keeps diagnostics in memory and forwards progress to an optional callback. */
export function createLog(onProgress?: (message: string, fraction?: number) => void): PassLog & { diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  return {
    diagnostics,
    add: (d) => void diagnostics.push(d),
    progress: (message, fraction) => onProgress?.(message, fraction),
  };
}

/**
 * A compression pass. To add one: create `src/compress/<name>.ts` exporting a `Pass`, then register it in
 * `pipeline.ts` (`passes`). See src/compress/README.md.
 */
export interface Pass {
  /** Kebab-case step name used in recipes. */
  name: string;
  /** One line for `--help` and errors. */
  description: string;
  /** Accepted recipe parameters; anything else in a recipe step is rejected with 'bad-recipe'. */
  params: Record<string, ParamSpec>;
  /** The parameter counting the samples int8 ranges are calibrated on, for a pass that calibrates: the CLI's
   *  --calibration-samples sets it in every step that leaves it out. */
  calibrationParam?: string;
  /** Returns a new graph (never mutates `ir`) and its report. Throws TinyforgeError on input it cannot handle. */
  run(ir: Graph, options: PassOptions, log: PassLog): Promise<{ ir: Graph; report: PassReport }>;
}

/** Params and stored bytes of every constant, before/after figures for a report. */
export function graphSize(g: Graph): { params: number; bytes: number } {
  const t = graphStats(g).totals;
  return { params: t.params, bytes: t.bytes };
}
