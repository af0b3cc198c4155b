// examples/mlperf-tiny/MANIFEST.sha256 against the files beside it: every listed file has its hash, every file is listed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MLPERF_TINY } from '../mlperf-tiny.ts';

/** The folder's own description files: edited by hand, so not pinned by the manifest. */
const UNLISTED = new Set(['README.md', 'NOTICE', '.gitattributes', 'MANIFEST.sha256']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : [relative(MLPERF_TINY, path).split(sep).join('/')];
  });
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('MLPerf Tiny fixtures manifest', () => {
  const lines = readFileSync(join(MLPERF_TINY, 'MANIFEST.sha256'), 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  // sha256sum's text format: 64 hex digits, two spaces, a path relative to the folder.
  const entries = lines.map((line, i) => {
    const m = /^([0-9a-f]{64}) {2}([^/].*)$/.exec(line);
    if (!m || m[2].split('/').includes('..')) throw new Error(`MANIFEST.sha256 line ${i + 1} is not "<sha256>  <relative path>": ${line}`);
    return { hash: m[1], path: m[2] };
  });

  it('every listed file exists and has the listed SHA-256', () => {
    const wrong = entries.filter((e) => !existsSync(join(MLPERF_TINY, e.path)) || sha256(join(MLPERF_TINY, e.path)) !== e.hash);
    expect(wrong.map((e) => e.path)).toEqual([]);
  });

  it('every file in the folder is listed once, apart from its description files', () => {
    const listed = entries.map((e) => e.path);
    expect(new Set(listed).size).toBe(listed.length);
    const onDisk = filesUnder(MLPERF_TINY).filter((p) => !UNLISTED.has(p));
    expect(onDisk.filter((p) => !listed.includes(p))).toEqual([]);
    for (const name of UNLISTED) expect(existsSync(join(MLPERF_TINY, name)), name).toBe(true);
  });

  it('lists the 1000 KWS samples, the eight models and both licence texts', () => {
    const paths = entries.map((e) => e.path);
    expect(paths.filter((p) => /^kws01\/samples\/tst_\d{6}_\w+_\d+\.bin$/.test(p))).toHaveLength(1000);
    expect(paths.filter((p) => /^\w+01\/models\/[^/]+\.tflite$/.test(p))).toHaveLength(8);
    expect(paths).toEqual(expect.arrayContaining(['LICENSE-Apache-2.0.txt', 'LICENSE-CC-BY-4.0.txt']));
  });
});
