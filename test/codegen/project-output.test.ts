// Output folders lose nothing: a project is written through a temporary sibling, never over a folder or file the
// user wrote, never over an input; a recompile replaces only what tinyforge wrote, and a failed write leaves the old
// project whole.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { checkOutputDir, MANIFEST, writeFolderAtomically } from '../../src/codegen/project.ts';
import { checkOutputFile, writeFileAtomically } from '../../src/safe-write.ts';

const root = mkdtempSync(join(tmpdir(), 'tfg-out-'));
let n = 0;
const fresh = () => join(root, `case${n++}`);
const manifest = (files: string[]) =>
  JSON.stringify({ tool: 'tinyforge', board: 'host', sources: ['model.c'], files: [...files, MANIFEST] });

function project(files: Record<string, string>): Record<string, string> {
  return { ...files, [MANIFEST]: manifest(Object.keys(files)) };
}

function codeOf(f: () => void): string {
  try {
    f();
  } catch (e) {
    if (e instanceof TinyforgeError) return e.code;
    throw e;
  }
  return 'ok';
}

describe('project output folders', () => {
  it('an empty -o, a folder holding the input, or the input itself is refused before anything is written', () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.onnx'), 'model');
    expect(codeOf(() => checkOutputDir('', { force: true }))).toBe('empty-output-path');
    expect(codeOf(() => checkOutputDir(dir, { force: true, inputs: [join(dir, 'model.onnx')] }))).toBe('output-is-input');
    expect(codeOf(() => checkOutputDir(join(dir, 'model.onnx'), { force: true, inputs: [join(dir, 'model.onnx')] }))).toBe(
      'output-is-input',
    );
    // Inside a dataset folder: the new files would become samples.
    expect(codeOf(() => checkOutputDir(join(dir, 'sub'), { force: true, inputs: [dir] }))).toBe('output-is-input');
    expect(readdirSync(dir)).toEqual(['model.onnx']);
  });

  it('a file where the folder goes, or on its way, is named', () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'afile'), 'x');
    expect(codeOf(() => checkOutputDir(join(dir, 'afile'), { force: false }))).toBe('output-not-a-folder');
    expect(codeOf(() => checkOutputDir(join(dir, 'afile', 'sub'), { force: false }))).toBe('output-not-a-folder');
    expect(codeOf(() => checkOutputFile(dir, true, { flag: '-o' }))).toBe('output-is-a-folder');
    expect(codeOf(() => checkOutputFile(join(dir, 'afile'), false, { flag: '-o' }))).toBe('output-exists');
  });

  it("a folder with the user's files is refused; with --force the project goes beside them and replaces none", () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    expect(codeOf(() => writeFolderAtomically(dir, project({ 'model.c': 'new' }), { force: false }))).toBe('output-exists');
    writeFolderAtomically(dir, project({ 'model.c': 'new' }), { force: true });
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(readFileSync(join(dir, 'model.c'), 'utf8')).toBe('new');
    // A user's model.h where the project's goes: nothing is written, the user's file stays.
    const other = fresh();
    mkdirSync(other);
    writeFileSync(join(other, 'model.h'), 'mine');
    expect(codeOf(() => writeFolderAtomically(other, project({ 'model.c': 'a', 'model.h': 'b' }), { force: true }))).toBe(
      'output-collision',
    );
    expect(readdirSync(other)).toEqual(['model.h']);
    expect(readFileSync(join(other, 'model.h'), 'utf8')).toBe('mine');
  });

  it("a recompile replaces tinyforge's files, removes its stale ones and keeps every file the user added", () => {
    const dir = fresh();
    writeFolderAtomically(dir, project({ 'model.c': 'v1', 'tfg/kernels/a.c': 'a', 'esp-idf/main.c': 'esp' }), { force: false });
    writeFileSync(join(dir, 'my_main.c'), 'user');
    mkdirSync(join(dir, 'tfg/mine'));
    writeFileSync(join(dir, 'tfg/mine/extra.c'), 'user too');
    mkdirSync(join(dir, 'build'));
    writeFileSync(join(dir, 'build/firmware.elf'), 'old build');
    writeFileSync(join(dir, 'report.json'), '{}');
    writeFolderAtomically(dir, project({ 'model.c': 'v2', 'tfg/kernels/b.c': 'b' }), { force: false });
    expect(readFileSync(join(dir, 'model.c'), 'utf8')).toBe('v2');
    expect(readFileSync(join(dir, 'my_main.c'), 'utf8')).toBe('user');
    expect(readFileSync(join(dir, 'tfg/mine/extra.c'), 'utf8')).toBe('user too');
    expect(existsSync(join(dir, 'tfg/kernels/a.c'))).toBe(false);
    expect(existsSync(join(dir, 'esp-idf'))).toBe(false); // emptied of tinyforge's files, so removed
    expect(existsSync(join(dir, 'build'))).toBe(false); // the old build belonged to the old project
    expect(existsSync(join(dir, 'report.json'))).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a write that fails leaves the old project whole', () => {
    const dir = fresh();
    writeFolderAtomically(dir, project({ 'model.c': 'v1' }), { force: false });
    // A name no filesystem takes makes the temporary copy fail before anything is moved.
    const e = (() => {
      try {
        writeFolderAtomically(dir, project({ 'model.c': 'v2', [`${'x'.repeat(300)}.c`]: 'long' }), { force: false });
      } catch (err) {
        return err as TinyforgeError;
      }
    })();
    expect(e?.code).toBe('output-not-writable');
    expect(readFileSync(join(dir, 'model.c'), 'utf8')).toBe('v1');
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('writes into the current folder file by file, so the folder itself stays the one the shell is in', () => {
    const dir = fresh();
    mkdirSync(dir);
    const before = readdirSync(root).length;
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      writeFolderAtomically('.', project({ 'model.c': 'here' }), { force: false });
      expect(readFileSync('model.c', 'utf8')).toBe('here');
      expect(existsSync(join(dir, 'model.c'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(root).length).toBe(before);
  });

  it('a single output file is replaced whole through a temporary sibling; a read-only folder is a clean error', () => {
    const dir = fresh();
    mkdirSync(dir);
    const f = join(dir, 'out.tfir.json');
    writeFileAtomically(f, 'one');
    writeFileAtomically(f, 'two');
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['out.tfir.json']);
    if (process.getuid?.() !== 0) {
      chmodSync(dir, 0o500);
      expect(codeOf(() => writeFileAtomically(join(dir, 'x.onnx'), 'x'))).toBe('output-not-writable');
      chmodSync(dir, 0o700);
    }
  });
});
