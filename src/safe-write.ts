// Writing outputs without losing anything: an output path is checked against the command's inputs before any work,
// a file is written to a temporary sibling and renamed into place, and a refusal of the filesystem becomes a
// TinyforgeError naming the path, never a crash.
import { existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { TinyforgeError } from './diagnostics.ts';

export type OutputKind = 'file' | 'folder';

/** NAME_MAX of ext4, tmpfs, APFS and NTFS. */
const MAX_NAME_BYTES = 255;
/** What tempSibling adds to a name: '.', '.tmp-' and a pid of up to 10 digits. */
const TEMP_SUFFIX_BYTES = 16;

export interface OutputCheck {
  /** The flag that named the output, for messages: '-o', '--output-dir'. */
  flag: string;
  /** What the command reads: model file, recipe file, dataset folder … A name that is no path (mnist) is skipped. */
  inputs?: (string | undefined)[];
}

function statOrNull(p: string): Stats | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

/** The real path of `p`, or of its nearest existing ancestor with the rest appended (an output may not exist yet). */
function realPath(p: string): string {
  let existing = resolve(p);
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = dirname(existing);
    if (parent === existing) break;
    rest.unshift(basename(existing));
    existing = parent;
  }
  try {
    existing = realpathSync(existing);
  } catch {
    // unreadable: compare as written
  }
  return join(existing, ...rest);
}

/** Whether `child` is `parent` or lies somewhere below it. */
export function isInside(child: string, parent: string): boolean {
  const r = relative(parent, child);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

/**
 * Refuses an output path before any work: empty, equal to an input, a folder holding an input, inside an input
 * folder (a dataset), or of the wrong kind (a file where a folder goes, or the other way round, anywhere on its path).
 */
export function checkOutputPath(out: string, kind: OutputKind, check: OutputCheck): void {
  const at = { location: { file: out, field: check.flag } };
  if (out.trim() === '') {
    throw new TinyforgeError('empty-output-path', `${check.flag} is empty`, {
      ...at,
      hint: `name the output ${kind}, e.g. ${check.flag} ${kind === 'folder' ? 'out/model' : 'out/model.tfir.json'} (\`.\` for the current folder)`,
    });
  }
  // Every name on the way fits the filesystem's limit, the output's own with room for its temporary sibling's
  // `.name.tmp-<pid>`: else the write would fail halfway through with ENAMETOOLONG.
  const names = resolve(out).split(sep).filter(Boolean);
  const tooLong = names.findIndex(
    (n, i) => Buffer.byteLength(n) > (i === names.length - 1 ? MAX_NAME_BYTES - TEMP_SUFFIX_BYTES : MAX_NAME_BYTES),
  );
  if (tooLong >= 0) {
    const n = names[tooLong];
    throw new TinyforgeError(
      'output-name-too-long',
      `${check.flag} ${out.length > 80 ? `${out.slice(0, 60)}…` : out}: the name "${n.slice(0, 24)}…" is ${Buffer.byteLength(n)} bytes; at most ${tooLong === names.length - 1 ? MAX_NAME_BYTES - TEMP_SUFFIX_BYTES : MAX_NAME_BYTES} fit`,
      {
        ...at,
        hint: 'choose a shorter name (file systems allow 255 bytes a name)',
      },
    );
  }
  const outReal = realPath(out);
  for (const input of check.inputs ?? []) {
    if (!input || !existsSync(input)) continue;
    const inReal = realPath(input);
    const inputIsFolder = statOrNull(input)?.isDirectory() ?? false;
    const how =
      outReal === inReal ? 'is' : isInside(inReal, outReal) ? 'holds' : inputIsFolder && isInside(outReal, inReal) ? 'is inside' : null;
    if (!how) continue;
    throw new TinyforgeError(
      'output-is-input',
      `${check.flag} ${out} ${how} the input ${input}: writing there would change or delete what this command reads`,
      {
        ...at,
        hint:
          kind === 'folder'
            ? `write to a folder of its own, e.g. ${check.flag} out/${basename(outReal) || 'model'}`
            : `choose another file, e.g. ${check.flag} out/${basename(outReal)}`,
      },
    );
  }
  // Each existing component on the way must be a folder, and the output itself of the kind asked for.
  const parts = resolve(out).split(sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const p = sep + parts.slice(0, i).join(sep);
    const s = statOrNull(p);
    if (!s) break;
    const last = i === parts.length;
    if (!s.isDirectory() && (!last || kind === 'folder')) {
      throw new TinyforgeError('output-not-a-folder', `${check.flag} ${out}: ${p} is a file, not a folder`, {
        ...at,
        hint: last ? `${check.flag} names a folder here; choose a folder path` : `choose a path whose folders are folders`,
      });
    }
    if (last && kind === 'file' && s.isDirectory()) {
      throw new TinyforgeError('output-is-a-folder', `${check.flag} ${out} is a folder; this output is a file`, {
        ...at,
        hint: `name the file, e.g. ${check.flag} ${join(out, 'model.tfir.json')}`,
      });
    }
  }
}

/** A filesystem refusal (no space, no permission, a name too long …) as the error a user can act on. */
export function writeError(e: unknown, path: string, flag?: string): TinyforgeError {
  if (e instanceof TinyforgeError) return e;
  const err = e as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    ENAMETOOLONG: 'a name on the path is too long for the filesystem',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the filesystem is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'the path is a folder',
  };
  const reason = (err?.code && Object.hasOwn(why, err.code) ? why[err.code] : undefined) ?? err?.message ?? String(e);
  return new TinyforgeError('output-not-writable', `cannot write ${path}: ${reason}`, {
    location: { file: path, ...(flag ? { field: flag } : {}) },
    notes: err?.message ? [err.message] : [],
    hint: 'choose another output path (nothing was changed at the old one)',
  });
}

/** The temporary sibling of `target` this process writes into: `.name.tmp-<pid>`, next to it, same filesystem. */
export function tempSibling(target: string): string {
  const abs = resolve(target);
  return join(dirname(abs), `.${basename(abs)}.tmp-${process.pid}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary siblings of `target` left by a killed tinyforge (its pid is gone): only our own name pattern. */
export function removeStaleTemps(target: string): void {
  const abs = resolve(target);
  const prefix = `.${basename(abs)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(dirname(abs));
  } catch {
    return;
  }
  for (const n of names) {
    const m = n.startsWith(prefix) ? /^(\d+)$/.exec(n.slice(prefix.length)) : null;
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) rmSync(join(dirname(abs), n), { recursive: true, force: true });
  }
}

/** Writes `path` whole or not at all: to a temporary sibling, then renamed over the old file. */
export function writeFileAtomically(path: string, content: string | Uint8Array, flag?: string): void {
  const tmp = tempSibling(path);
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeError(e, path, flag);
  }
}

/** A single output file (compress -o, defend -o): checked against the inputs, and replaced only with --force. */
export function checkOutputFile(out: string, force: boolean, check: OutputCheck): void {
  checkOutputPath(out, 'file', check);
  if (existsSync(out) && !force) {
    throw new TinyforgeError('output-exists', `${out} exists`, {
      location: { file: out, field: check.flag },
      hint: `choose another ${check.flag}, or pass --force to replace it`,
    });
  }
}
