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

export interface Diagnostic {
  /** Stable kebab-case id that tests and --json consumers match on, e.g. 'unsupported-op'. */
  code: string;
  severity: Severity;
  message: string;
  location?: Location;
  /** Further lines, e.g. one per offending node. */
  notes?: string[];
  /** What to do next, worded for the CLI. */
  hint?: string;
}

/** A user-facing failure. The CLI prints it without a stack trace and exits 2. */
export class TinyforgeError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(code: string, message: string, extra: Omit<Diagnostic, 'code' | 'message' | 'severity'> = {}) {
    super(message);
    this.name = 'TinyforgeError';
    this.diagnostic = { code, severity: 'error', message, ...extra };
  }
  get code(): string {
    return this.diagnostic.code;
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
  return lines.join('\n');
}

/** Where warnings that stop nothing (e.g. a fallback a stage took) go: the CLI prints them on stderr; elsewhere they
 *  are dropped unless a caller sets its own sink. */
let warningSink: (d: Diagnostic) => void = () => {};

export function setWarningSink(sink: (d: Diagnostic) => void): void {
  warningSink = sink;
}

export function warn(code: string, message: string, extra: Omit<Diagnostic, 'code' | 'message' | 'severity'> = {}): void {
  warningSink({ code, severity: 'warning', message, ...extra });
}
