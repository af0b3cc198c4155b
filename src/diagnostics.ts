// One error type for everything a user can fix: a stable code, where it is, and what to do next.
// Stages throw or collect these; only src/cli renders them (text on stderr, JSON on stdout).

export type Severity = 'error' | 'warning' | 'info';

export interface Location {
  /** Model file, board file, port path … whatever the user can find. */
  file?: string;
  node?: string;
  op?: string;
  field?: string;
  port?: string;
}

/** Every code a TinyforgeError can carry: one per problem, stable (tests and --json consumers match on them). */
export type ErrorCode =
  // command line and files
  | 'bad-argument' // a flag, argument or parameter value outside what it accepts
  | 'file-not-found'
  | 'output-exists' // would overwrite a file or folder the user did not ask to replace
  | 'output-collision' // two outputs of one run would land on the same file
  | 'empty-output-path'
  | 'output-is-input' // the output would be, or would hold, one of the inputs
  | 'output-not-a-folder'
  | 'output-is-a-folder'
  | 'output-name-too-long' // a name on the output path is longer than the filesystem allows
  | 'output-not-writable'
  | 'bad-manifest' // an output folder's tinyforge.json cannot be read
  | 'not-a-project' // a folder that is not a `tinyforge compile` output
  // model files and graphs
  | 'bad-model-file'
  | 'bad-model-metadata' // preprocessing a model file records is not finite numbers of the right count
  | 'bad-tensor-proto'
  | 'unsupported-format'
  | 'unsupported-opset'
  | 'unsupported-op'
  | 'unsupported-attribute'
  | 'unsupported-dtype'
  | 'unsupported-input'
  | 'unsupported-external-data'
  | 'unsupported-export'
  | 'unsupported-graph' // a structure a stage cannot handle (e.g. a constant first input to an int8 layer)
  | 'unsupported-model' // a whole-model property codegen cannot serve (no input or no output)
  | 'stream-not-possible' // --stream on a model without the streaming form (a node that mixes time steps, no GRU/LSTM …)
  | 'invalid-model'
  | 'unknown-op'
  | 'not-topological'
  | 'dangling-tensor' // a tensor read before anything produces it
  | 'dynamic-shape'
  | 'tensor-too-large'
  | 'nan-weights'
  | 'missing-quant'
  | 'bad-quant'
  | 'quant-mismatch' // an int8 op whose input and output must share quantization and do not
  | 'bad-dtype' // a kernel given a tensor of a dtype it does not take
  | 'bad-preprocess'
  | 'bad-weights-path' // a TF.js weights path leaves the model's folder
  // inputs and data
  | 'missing-input' // a graph input nobody gave
  | 'unknown-input' // an input name the model does not have
  | 'bad-input' // an input of the wrong size or type
  | 'unknown-dataset'
  | 'bad-dataset'
  | 'dataset-unlabeled'
  | 'synthetic-not-for-training'
  | 'dataset-missing'
  | 'bad-idx-file'
  | 'bad-npy-file'
  | 'bad-image'
  | 'sample-shape-mismatch'
  | 'image-model-mismatch'
  | 'bad-sample-index'
  | 'bad-reference-outputs'
  | 'shape-mismatch' // two models that must agree in shape do not (teacher and student)
  // compression and training
  | 'bad-recipe'
  | 'layer-not-applicable'
  | 'already-quantized'
  | 'not-float'
  | 'no-calibration-data'
  | 'no-training-data'
  | 'nothing-to-compress'
  | 'not-prunable'
  | 'prune-to-zero'
  | 'storage-mismatch'
  | 'untrainable-graph'
  | 'bad-train-options'
  // sweeps, workers and regression specs
  | 'bad-sweep' // a sweep's models, boards, recipes or limits cannot run as given
  | 'unknown-sweep' // --resume names a sweep that is not there
  | 'bad-spec' // a `tinyforge test` spec file
  | 'missing-queue-library' // bullmq/ioredis (optional peers) not installed
  | 'queue-unreachable' // the Redis behind --queue does not answer
  | 'job-failed' // a sweep job ended with an error (its own code is in its notes)
  | 'job-killed' // a sweep job's process was killed
  | 'job-crashed' // a sweep job's process exited without a result
  | 'constant-output' // a model whose output does not depend on its input
  | 'bad-report' // a file given to `tinyforge compare` is not a tinyforge report.json
  // code generation and build
  | 'storage-not-deployable'
  | 'model-too-big'
  | 'missing-toolchain'
  | 'missing-sdk'
  | 'build-failed'
  | 'link-error'
  | 'bad-elf'
  | 'stack-plan-failed'
  | 'unknown-board'
  | 'bad-board-file'
  | 'not-esp-idf-board'
  // devices
  | 'no-emulator' // the board has no emulator
  | 'missing-emulator' // its emulator is not installed
  | 'emulator-failed'
  | 'no-runner'
  | 'missing-firmware'
  | 'bad-firmware-path'
  | 'missing-port'
  | 'process-failed'
  | 'timeout'
  | 'board-not-ready'
  | 'board-mismatch'
  | 'protocol-version'
  | 'protocol-error'
  | 'bad-frame'
  | 'device-error' // the device answered with an error status
  | 'stack-overflow'
  | 'flash-failed'
  | 'flash-verify-failed'
  | 'openocd-no-probe'
  | 'esp-flasher-args'
  | 'esp-port-open'
  | 'esp-port-closed'
  | 'esp-bad-reset-sequence'
  | 'esp-no-sync'
  | 'esp-protocol'
  | 'esp-unknown-chip'
  | 'esp-wrong-chip'
  | 'esp-no-stub'
  | 'esp-no-images'
  | 'esp-image-overlap'
  | 'esp-image-too-big'
  | 'esp-write-failed'
  | 'esp-md5-mismatch';

/** Codes of warnings: a fallback or a choice a stage made that stops nothing. */
export type WarningCode =
  | 'layer-skipped'
  | 'float-fallback'
  | 'fp16-overflow'
  | 'half-to-int8'
  | 'nothing-to-code'
  | 'target-not-reached'
  | 'onnxruntime-off'
  | 'mnist-sample'
  | 'fewer-samples'
  | 'stale-process'; // an emulator or firmware a killed tinyforge left running

export type DiagnosticCode = ErrorCode | WarningCode;

export interface Diagnostic {
  /** Stable kebab-case id that tests and --json consumers match on, e.g. 'unsupported-op'. */
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  location?: Location;
  /** Further lines, e.g. one per offending node. */
  notes?: string[];
  /** What to do next, worded for the CLI. */
  hint?: string;
  /** The problems this one gathers (e.g. one per layer codegen cannot compile), each whole: code, location, hint. */
  related?: Diagnostic[];
}

/** A user-facing failure. The CLI prints it without a stack trace and exits 2. */
export class TinyforgeError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(code: ErrorCode, message: string, extra: Omit<Diagnostic, 'code' | 'message' | 'severity'> = {}) {
    super(message);
    this.name = 'TinyforgeError';
    this.diagnostic = { code, severity: 'error', message, ...extra };
  }
  get code(): ErrorCode {
    return this.diagnostic.code as ErrorCode;
  }
}

/** A device or tool that did not answer in time (serial link, QEMU, esptool). Callers branch on it to retry. */
export class TimeoutError extends TinyforgeError {
  constructor(message: string, extra: Omit<Diagnostic, 'code' | 'message' | 'severity'> = {}) {
    super('timeout', message, extra);
    this.name = 'TimeoutError';
  }
}

export function formatLocation(loc: Location | undefined): string {
  if (!loc) return '';
  const parts: string[] = [];
  if (loc.file) parts.push(loc.file);
  if (loc.node) parts.push(`node "${loc.node}"${loc.op ? ` (${loc.op})` : ''}`);
  else if (loc.op) parts.push(`op ${loc.op}`);
  if (loc.field) parts.push(`field "${loc.field}"`);
  if (loc.port) parts.push(`port ${loc.port}`);
  return parts.join(': ');
}

/** The text form: `error[code]: message`, location, notes, hint. */
export function formatDiagnostic(d: Diagnostic): string {
  const lines = [`${d.severity}[${d.code}]: ${d.message}`];
  const where = formatLocation(d.location);
  if (where) lines.push(`  ${where}`);
  for (const n of d.notes ?? []) lines.push(`  ${n}`);
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  for (const r of d.related ?? []) lines.push(formatDiagnostic(r).replace(/^/gm, '  '));
  return lines.join('\n');
}

/** Where warnings that stop nothing (e.g. a fallback a stage took) go: the CLI prints them on stderr; elsewhere they
 *  are dropped unless a caller sets its own sink. */
let warningSink: (d: Diagnostic) => void = () => {};

export function setWarningSink(sink: (d: Diagnostic) => void): void {
  warningSink = sink;
}

export function warn(code: WarningCode, message: string, extra: Omit<Diagnostic, 'code' | 'message' | 'severity'> = {}): void {
  warningSink({ code, severity: 'warning', message, ...extra });
}
