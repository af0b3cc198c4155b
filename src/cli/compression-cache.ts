// The compression cache: a recipe's result stored under the user's cache folder by the hash of everything it depends
// on (the input graph, the resolved recipe, the calibration count, the dataset's files and tinyforge's code), so
// deploy, compile, compress and sweep jobs that ask for the same compression compute it once.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { Graph } from '../ir/graph.ts';
import { graphFromJson, graphToJson } from '../ir/serialize.ts';
import { validateRecipe, type CarriedCompression, type Compression, type Recipe } from '../compress/pipeline.ts';
import { mnistDataDir } from '../data/mnist.ts';
import { PACKAGE_ROOT, TOOL_VERSION } from '../package.ts';
import type { DatasetFlags } from './dataset-options.ts';

/** The log line a reused compression prints starts with this (sweep rows read it from a job's stderr). */
export const CACHE_HIT_PREFIX = 'compression cache: reusing';
/** … and one computed and stored with this. */
export const CACHE_STORED_PREFIX = 'compression cache: stored';

/** `$TINYFORGE_CACHE`, else `$XDG_CACHE_HOME/tinyforge`, else `~/.cache/tinyforge`. */
export function cacheRoot(): string {
  if (process.env.TINYFORGE_CACHE) return resolve(process.env.TINYFORGE_CACHE);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tinyforge');
}

const sha256 = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

/** Every file under `path` (or the file itself), sorted, as "relative-path size mtime" lines. */
function fileListing(path: string): string[] {
  const lines: string[] = [];
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(p, name));
    } else lines.push(`${relative(path, p) || '.'} ${st.size} ${Math.round(st.mtimeMs)}`);
  };
  walk(path);
  return lines;
}

/** What identifies a dataset's content without reading it: its flags and the names, sizes and times of its files
 *  (for 'mnist', the IDX files it is read from). */
export function datasetIdentity(flags: DatasetFlags): string {
  const spec = flags.dataset ?? '';
  const path = spec === 'mnist' ? mnistDataDir() : resolve(spec);
  const files = existsSync(path) ? sha256(fileListing(path).join('\n')) : 'missing';
  return JSON.stringify({
    spec: spec === 'mnist' ? 'mnist' : path,
    files,
    encoding: flags.datasetEncoding ?? null,
    label_column: flags.labelColumn ?? null,
  });
}

/** Relative module specifiers a source file imports: static imports and exports, and dynamic `import('…')`. */
function relativeImports(source: string): string[] {
  const specs: string[] = [];
  for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) specs.push(m[1]);
  return specs;
}

/** A hash of the files `roots` import, directly or not, among the relative imports (paths and contents, sorted by path
 *  under `dir`): the code a compression runs, and none of the stages after it, which it never imports. */
export function importClosureHash(dir: string, roots: readonly string[]): string {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const spec of relativeImports(readFileSync(file, 'utf8'))) visit(resolve(dirname(file), spec));
  };
  for (const root of roots) visit(resolve(dir, root));
  const h = createHash('sha256');
  for (const file of [...seen].map((f) => relative(dir, f)).sort()) {
    h.update(file)
      .update('\0')
      .update(readFileSync(join(dir, file)))
      .update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

/** A hash of every .ts and .js file under `dir` (the packed package's dist/, which has no import graph to follow). */
export function sourceHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (p: string): void => {
    for (const name of readdirSync(p).sort()) {
      const full = join(p, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|js)$/.test(name)) h.update(relative(dir, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  if (existsSync(dir)) walk(dir);
  return h.digest('hex').slice(0, 16);
}

let codeHash: string | undefined;

/** Where a cached compression is computed in a checkout's src/: the pipeline of passes, the data it is given and this
 *  cache. Everything they import is in the key; the CLI around them, code generation and the device stages are not, so
 *  a kernel, report or command-line change does not retrain every cached compression. */
export const COMPRESSION_ROOTS = ['compress/pipeline.ts', 'cli/pass-data.ts', 'cli/compression-cache.ts'] as const;

/** The tinyforge code that computes compressions: its version and a hash of its sources (in a checkout the files the
 *  compression roots import, all of dist/ in the package), so an edited pass never reads a result the old code stored. */
export function codeVersion(): string {
  const src = join(PACKAGE_ROOT, 'src');
  codeHash ??= `${TOOL_VERSION}+${existsSync(src) ? importClosureHash(src, COMPRESSION_ROOTS) : sourceHash(join(PACKAGE_ROOT, 'dist'))}`;
  return codeHash;
}

export interface CacheKeyParts {
  /** The input graph without where it was read from: its tensors, nodes and preprocessing. */
  model: string;
  /** The recipe as it will run: every step with its defaults filled in. */
  recipe: string;
  calibration: number;
  dataset: string;
  code: string;
}

/** The input graph's content as a hash; the file it came from is not part of it. */
export function graphContentHash(g: Graph): string {
  const { source: _source, ...metadata } = g.metadata;
  return sha256(graphToJson({ ...g, metadata }));
}

export function cacheKeyParts(g: Graph, recipe: Recipe, calibration: number, flags: DatasetFlags): CacheKeyParts {
  const steps = validateRecipe(recipe).map((params, i) => ({ step: recipe[i].step, ...params }));
  return { model: graphContentHash(g), recipe: JSON.stringify(steps), calibration, dataset: datasetIdentity(flags), code: codeVersion() };
}

export const cacheKey = (parts: CacheKeyParts): string => sha256(JSON.stringify(parts)).slice(0, 32);

export interface CachedCompression {
  graph: Graph;
  compression: Compression;
  dataNotes: string[];
}

const GRAPH = 'model.tfir.json';
const RECORD = 'compression.json';

function entryDir(key: string): string {
  return join(cacheRoot(), 'compress', key);
}

/** The compression stored under `key`, rewritten to say it came from `input` (the same content may have been read from
 *  another file when it was stored); undefined when there is none or it cannot be read. */
export function readCached(key: string, input: Graph): CachedCompression | undefined {
  const dir = entryDir(key);
  if (!existsSync(join(dir, RECORD))) return undefined;
  try {
    const record = JSON.parse(readFileSync(join(dir, RECORD), 'utf8')) as { compression: Compression; data_notes: string[] };
    const graph = graphFromJson(readFileSync(join(dir, GRAPH), 'utf8'));
    const path = input.metadata.source?.path ?? null;
    graph.metadata.source = input.metadata.source;
    const carried = graph.metadata.compression as CarriedCompression | undefined;
    if (carried && !input.metadata.compression) carried.input.path = path;
    if (!input.metadata.compression) record.compression.source = path;
    return { graph, compression: record.compression, dataNotes: record.data_notes ?? [] };
  } catch {
    return undefined; // a damaged entry is computed again and replaced
  }
}

/** Stores a result atomically (a temporary folder renamed into place), so a reader never sees half an entry. */
export function writeCached(key: string, parts: CacheKeyParts, result: CachedCompression): void {
  const dir = entryDir(key);
  const tmp = `${dir}.tmp-${hostname()}-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, GRAPH), graphToJson(result.graph));
  writeFileSync(
    join(tmp, RECORD),
    JSON.stringify({ key, parts, created_at: new Date().toISOString(), compression: result.compression, data_notes: result.dataNotes }) +
      '\n',
  );
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process stored the same entry first
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function holderAlive(lockDir: string): boolean {
  try {
    const { pid, host } = JSON.parse(readFileSync(join(lockDir, 'owner.json'), 'utf8')) as { pid: number; host: string };
    if (host !== hostname()) return true; // a cache folder shared between hosts: trust the other host's lock
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `compute` holding the entry's lock, so processes asking for the same compression at once (sweep jobs on one
 *  host) compute it once: a second one waits and reads the first one's result. A lock whose process is gone is taken
 *  over. */
export async function withEntryLock<T>(key: string, found: () => T | undefined, compute: () => Promise<T>, onWait: () => void): Promise<T> {
  const lock = `${entryDir(key)}.lock`;
  mkdirSync(join(cacheRoot(), 'compress'), { recursive: true });
  let waited = false;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    // The owner file appears just after the folder: give it a moment before judging the holder.
    await sleep(200);
    const done = found();
    if (done !== undefined) return done;
    const st = statSync(lock, { throwIfNoEntry: false });
    if (!st) continue; // released meanwhile: try to take it
    const owned = existsSync(join(lock, 'owner.json'));
    if (owned ? holderAlive(lock) : Date.now() - st.mtimeMs < 10_000) {
      if (!waited) onWait();
      waited = true;
      continue;
    }
    rmSync(lock, { recursive: true, force: true });
  }
  try {
    writeFileSync(join(lock, 'owner.json'), JSON.stringify({ pid: process.pid, host: hostname() }));
    return found() ?? (await compute());
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The recipe's result from the cache when it holds one (with a log line saying so), else computed by `compute`,
 *  stored, and returned. */
export async function cachedCompression(
  input: Graph,
  recipe: Recipe,
  calibration: number,
  flags: DatasetFlags,
  compute: () => Promise<CachedCompression>,
  log: (line: string) => void,
): Promise<CachedCompression> {
  const parts = cacheKeyParts(input, recipe, calibration, flags);
  const key = cacheKey(parts);
  const where = join(cacheRoot(), 'compress', key);
  const steps = recipe.map((s) => s.step).join(' → ');
  const found = () => readCached(key, input);
  const hit = found();
  if (hit) {
    log(`${CACHE_HIT_PREFIX} ${steps} from ${where} (--no-cache to compute it again)`);
    return hit;
  }
  let computed = false;
  const result = await withEntryLock(
    key,
    found,
    async () => {
      computed = true;
      const r = await compute();
      writeCached(key, parts, r);
      return r;
    },
    () => log(`compression cache: another process is computing ${steps}; waiting for its result`),
  );
  log(
    computed
      ? `${CACHE_STORED_PREFIX} ${steps} in ${where}`
      : `${CACHE_HIT_PREFIX} ${steps} from ${where} (computed meanwhile by another process)`,
  );
  return result;
}
