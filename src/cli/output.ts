// Printing for commands: tables and progress go to stderr-friendly text, --json goes to stdout alone.

/** A plain text table with right-aligned numbers. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => String(r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map((r) => line(r.map(String)))].join('\n');
}

/** When the reader of stdout goes away (`tinyforge … | head`), stop quietly with exit 0, as a Unix filter dies of
 *  SIGPIPE, instead of crashing on the unhandled EPIPE. The rest of the output had nobody to read it. */
export function exitQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Progress and logs: stderr, so that stdout stays machine-readable. */
export function log(message: string): void {
  process.stderr.write(message + '\n');
}

/** "0.4 s", "12 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.round(s - 60 * m)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Elapsed time, rate (items a second, or seconds an item; left out with rate: false) and time left of a loop
 *  `done`/`total` of the way through after `elapsedMs`. */
export function etaText(done: number, total: number, elapsedMs: number, opts: { rate?: boolean } = {}): string {
  if (total > 0 && done >= total) return `done in ${formatDuration(elapsedMs)}`;
  const parts = [`${formatDuration(elapsedMs)} elapsed`];
  if (done > 0 && elapsedMs > 0) {
    const perSecond = done / (elapsedMs / 1000);
    if (opts.rate !== false)
      parts.push(perSecond >= 1 ? `${perSecond.toFixed(perSecond < 10 ? 1 : 0)}/s` : `${formatDuration(elapsedMs / done)} each`);
    parts.push(`about ${formatDuration((elapsedMs * (total - done)) / done)} left`);
  }
  return parts.join(', ');
}

/** "on device 40/200 (20%), 12 s elapsed, 3.3/s, about 48 s left". */
export function progressLine(label: string, done: number, total: number, elapsedMs: number): string {
  const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
  return `${label} ${done}/${total} (${pct}%), ${etaText(done, total, elapsedMs)}`;
}

export interface ProgressOptions {
  /** Milliseconds clock (tests inject one). */
  now?: () => number;
  /** Where lines go (default stderr). */
  write?: (text: string) => void;
  /** A live line redrawn in place (default: whether stderr is a terminal), else whole lines. */
  tty?: boolean;
  /** Without a terminal: a line at least this often (besides every 10%). */
  everyMs?: number;
}

const TTY_REDRAW_MS = 100;

function sink(opts: ProgressOptions): { now: () => number; write: (t: string) => void; tty: boolean; everyMs: number } {
  return {
    now: opts.now ?? (() => performance.now()),
    write: opts.write ?? ((t) => void process.stderr.write(t)),
    tty: opts.tty ?? !!process.stderr.isTTY,
    everyMs: opts.everyMs ?? 5000,
  };
}

/** Progress of a counted loop on stderr with elapsed time, rate and an ETA: on a terminal one live line, else a line
 *  every 10% or every few seconds, and always the last. The clock starts when this is called. */
export function progress(label: string, opts: ProgressOptions = {}): (done: number, total: number) => void {
  const o = sink(opts);
  const start = o.now();
  let lastDecile = -1;
  let lastAt = -Infinity;
  return (done, total) => {
    const t = o.now();
    const finished = done >= total;
    const line = progressLine(label, done, total, t - start);
    if (o.tty) {
      if (!finished && t - lastAt < TTY_REDRAW_MS) return;
      lastAt = t;
      o.write(`\r${line}\x1b[K${finished ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor((total > 0 ? done / total : 1) * 10);
    if (decile === lastDecile && t - lastAt < o.everyMs && !finished) return;
    lastDecile = decile;
    lastAt = t;
    o.write(`${line}\n`);
  };
}

/**
 * Progress given as messages with an optional fraction done (PassLog.progress, training and attack loops): a message
 * without a fraction starts a new phase and is printed as it is; one with a fraction gets the phase's elapsed time and
 * an ETA (from the fraction at the phase's first report), live on a terminal, else every 10% or every few seconds.
 */
export function phaseProgress(opts: ProgressOptions & { indent?: string } = {}): (message: string, fraction?: number) => void {
  const o = sink(opts);
  const indent = opts.indent ?? '';
  let start = o.now(); // when the phase began, and the fraction it began at
  let from = 0;
  let last = -1;
  let lastMessage = '';
  let lastDecile = -1;
  let lastAt = -Infinity;
  let live = false;
  const endLive = () => {
    if (live) o.write('\n');
    live = false;
  };
  return (message, fraction) => {
    const t = o.now();
    if (fraction === undefined || fraction < last) {
      // A new phase: a bare message (it begins at 0 now), or a fraction that went back (it begins where it is).
      start = t;
      from = fraction ?? 0;
      last = -1;
      lastDecile = -1;
      lastAt = -Infinity;
      if (fraction === undefined) {
        if (message !== lastMessage) {
          endLive();
          o.write(`${indent}${message}\n`);
        }
        lastMessage = message;
        return;
      }
    }
    const f = Math.min(1, Math.max(0, fraction));
    last = f;
    const finished = f >= 1;
    const share = 1 - from > 0 ? (f - from) / (1 - from) : 1;
    const line = `${indent}${message} (${Math.floor(f * 100)}%, ${etaText(share, 1, t - start, { rate: false })})`;
    lastMessage = message;
    if (o.tty) {
      if (!finished && t - lastAt < TTY_REDRAW_MS) return;
      lastAt = t;
      o.write(`\r${line}\x1b[K`);
      live = true;
      if (finished) endLive();
      return;
    }
    const decile = Math.floor(f * 10);
    if (decile === lastDecile && t - lastAt < o.everyMs && !finished) return;
    lastDecile = decile;
    lastAt = t;
    o.write(`${line}\n`);
  };
}
