// --name through the real CLI: a deploy whose model is named `digits` (files, serial main, stack plan and manifest
// follow the name) runs on QEMU and agrees with the reference; a bad --name stops before any work with exit 2.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTinyMlp } from './tiny-model.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-name-'));
const model = join(dir, 'tiny.onnx');

function cli(...args: string[]) {
  const r = spawnSync('node', ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => writeTinyMlp(model));

describe('--name', () => {
  it('deploy --name digits: digits.c/h, digits_run in the serial main, the stack planned from it, outputs as the reference', () => {
    const out = join(dir, 'digits');
    const r = cli(
      'deploy',
      model,
      '--board',
      'mps2-an386',
      '--dataset',
      'mnist',
      '--samples',
      '5',
      '--name',
      'digits',
      '-o',
      out,
      '--json',
    );
    expect(r.stderr).not.toContain('error[');
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'digits.c'))).toBe(true);
    expect(existsSync(join(out, 'model.c'))).toBe(false);
    expect(readFileSync(join(out, 'digits.h'), 'utf8')).toContain('#define DIGITS_INPUT_BYTES 784');
    expect(readFileSync(join(out, 'build', 'main.c'), 'utf8')).toMatch(/#include "digits\.h"[\s\S]*digits_run/);
    const manifest = JSON.parse(readFileSync(join(out, 'tinyforge.json'), 'utf8'));
    expect(manifest.name).toBe('digits');
    expect(manifest.sources[0]).toBe('digits.c');
    expect(manifest.stack.planned_bytes).toBeGreaterThan(0);
    expect(manifest.stack.model_bytes).toBeGreaterThan(0); // found digits_run in the call graph
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.accuracy).toMatchObject({ samples: 5, agreement: 1, agreement_kind: 'identical-bytes' });
  });

  it.each(['static', 'Digits', 'tfg_digits', 'stdio'])(
    'compile --name %s: error[bad-argument] on --name, exit 2, nothing written',
    (bad) => {
      const out = join(dir, `bad-${bad}`);
      const r = cli('compile', model, '--board', 'mps2-an386', '--lib', '--name', bad, '-o', out);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('error[bad-argument]');
      expect(r.stderr).toContain(`--name "${bad}"`);
      expect(existsSync(out)).toBe(false);
    },
  );
});
