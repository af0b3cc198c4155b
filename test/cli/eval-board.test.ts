// `eval <folder> --board microbit` through the real CLI: QEMU's micro:bit has no timer, so instead of a bare
// "unavailable" eval says why and names the board that times the same Cortex-M0 code, with a command that works.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyMlp } from './tiny-model.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-eval-board-'));
const model = join(dir, 'tiny.onnx');
const out = join(dir, 'mb');

function cli(...args: string[]) {
  const r = spawnSync('node', ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  writeTinyMlp(model);
  expect(cli('compile', model, '--board', 'microbit', '--dataset', 'mnist', '--calibration-samples', '8', '-o', out).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('eval --board on a board without a timer', () => {
  const command = `tinyforge deploy ${model} --board mps2-an385-armv6m --dataset mnist --samples 4`;

  it('says why there is no latency and where the same code is timed, in text', () => {
    const r = cli('eval', out, '--board', 'microbit', '--dataset', 'mnist', '--samples', '4');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('unavailable unavailable');
    expect(r.stdout).toContain("latency: unavailable on microbit: QEMU's microbit has no timer that follows -icount");
    expect(r.stdout).toContain(`mps2-an385-armv6m runs the same code and is timed: ${command}`);
  });

  it('and in JSON; the named command gives the latency', () => {
    const r = cli('eval', out, '--board', 'microbit', '--dataset', 'mnist', '--samples', '4', '--json');
    expect(r.code).toBe(0);
    const lat = JSON.parse(r.stdout).latency;
    expect(lat).toMatchObject({ unit: 'unavailable', median: null, p90: null });
    expect(lat.unavailable).toMatchObject({ timed_on: 'mps2-an385-armv6m', command });
    expect(lat.unavailable.reason).toContain('no timer that follows -icount');
    const timed = join(dir, 'timed');
    const d = cli(...command.split(' ').slice(1), '-o', timed, '--json');
    expect(d.code).toBe(0);
    const report = JSON.parse(readFileSync(join(timed, 'report.json'), 'utf8'));
    expect(report.latency.unit).toBe('instructions');
    expect(report.latency.median).toBeGreaterThan(12_704); // the model's MACs: at least one instruction each
  });
});
