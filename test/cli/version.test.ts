// `tinyforge --version` / `-V` print package.json's version, and the package root holds the data the code reads.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT, TOOL_VERSION } from '../../src/package.ts';

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('version and package root', () => {
  it('--version and -V print the version in package.json and exit 0', () => {
    for (const flag of ['--version', '-V']) {
      const r = spawnSync('node', ['bin/tinyforge.js', flag], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, flag).toBe(0);
      expect(r.stdout.trim(), flag).toBe(version);
    }
    expect(TOOL_VERSION).toBe(version);
  });

  it('the package root is the folder with package.json, boards/, templates/ and firmware/', () => {
    for (const entry of ['package.json', 'boards/mps2-an386.json', 'templates/model', 'firmware/include/tfg_kernels.h']) {
      expect(existsSync(join(PACKAGE_ROOT, entry)), entry).toBe(true);
    }
  });
});
