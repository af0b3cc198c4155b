// tinyforge sweep on this machine: 2 models × 2 boards, one job that cannot fit its board (a row with its error, not a
// crash), the compression shared by a board's jobs through the cache, the front and the recommendation in sweep.json,
// and --resume running only what is not done.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { writeTinyMlp } from '../cli/tiny-model.ts';
import type { SweepRecord } from '../../src/sweep/sweep.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-sweep-'));
const env = { ...process.env, TINYFORGE_CACHE: join(dir, 'cache') };
const bin = resolve('bin/tinyforge.js');
const cliIn = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000, env, cwd });
const cli = (...args: string[]) => cliIn(process.cwd(), ...args);

beforeAll(() => {
  writeTinyMlp(join(dir, 'tiny.onnx'), 1);
  writeTinyMlp(join(dir, 'wide.onnx'), 3, 400); // 314 KB of int8 weights: more than the micro:bit's 256 KB flash
});

describe('tinyforge sweep (in-process queue)', () => {
  const out = join(dir, 'sweep');

  it('measures every job, keeps a failed one as a row, shares compressions, finds the front and recommends', () => {
    // Started in the models' folder with relative paths; --resume below runs from another folder.
    const r = cliIn(
      dir,
      'sweep',
      'tiny.onnx',
      'wide.onnx',
      '--recipes',
      'int8',
      '--boards',
      'microbit,mps2-an386',
      '--samples',
      '4',
      '--calibration-samples',
      '10',
      '--workers',
      '2',
      '--max-flash',
      '128K',
      '-o',
      out,
      '--json',
    );
    expect(r.status).toBe(0);
    const rec = JSON.parse(r.stdout) as SweepRecord;
    expect(JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'))).toEqual(rec);
    expect(rec.jobs.map((j) => [j.name, j.status])).toEqual([
      ['tiny/int8/microbit', 'ok'],
      ['tiny/int8/mps2-an386', 'ok'],
      ['wide/int8/microbit', 'failed'],
      ['wide/int8/mps2-an386', 'ok'],
    ]);
    const [tinyMicro, tinyAn386, wideMicro, wideAn386] = rec.jobs;
    expect(wideMicro.error?.code).toBe('model-too-big');
    expect(wideMicro.command).toBe(
      'tinyforge deploy wide.onnx --board microbit --dataset mnist --samples 4 --compress int8 --calibration-samples 10',
    );
    // A model's two boards quantize the same way: one job computes it, the other reads it from the cache.
    expect([tinyMicro.compression_cached, tinyAn386.compression_cached].sort()).toEqual([false, true]);
    // Figures come from each job's report.json.
    const report = JSON.parse(readFileSync(join(out, wideAn386.report!), 'utf8'));
    expect(wideAn386.figures).toMatchObject({
      flash_bytes: report.memory.flash_bytes,
      latency: report.latency.median,
      device_top1: report.accuracy.device_top1,
    });
    expect(wideAn386.figures!.flash_bytes).toBeGreaterThan(128 * 1024);
    expect(wideAn386.limit_failures).toEqual([expect.stringMatching(/^max_flash_bytes: flash [\d,]+ B > 131,072 B$/)]);
    expect(tinyAn386.meets_limits).toBe(true);
    // Fronts per board: each board's points compared with that board's only.
    expect(rec.pareto.microbit).toEqual([tinyMicro.id]);
    expect(rec.pareto['mps2-an386']).toContain(tinyAn386.id);
    // Recommended: the best top-1 within 128 K of flash, then the lower latency (the micro:bit has none).
    const within = rec.jobs.filter((j) => j.meets_limits);
    const best = Math.max(...within.map((j) => j.figures!.device_top1!));
    expect(rec.recommended?.id).toBe(
      within
        .filter((j) => j.figures!.device_top1 === best)
        .sort((a, b) => (a.figures!.latency_ms ?? Infinity) - (b.figures!.latency_ms ?? Infinity))[0].id,
    );
    expect(readFileSync(join(out, 'sweep.html'), 'utf8')).toContain(rec.recommended!.command);
  }, 300_000); // four deploys, two at a time: as long as the cli() timeout allows on a loaded machine

  it('--resume runs only the jobs not finished', () => {
    const file = join(out, 'sweep.json');
    const rec = JSON.parse(readFileSync(file, 'utf8')) as SweepRecord;
    const kept = rec.jobs.map((j) => ({ ...j }));
    rec.jobs[1] = { ...rec.jobs[1], status: 'pending', figures: null, worker: null, wall_ms: null, report: null };
    writeFileSync(file, JSON.stringify(rec));
    const r = cli('sweep', '--resume', rec.id, '-o', out, '--json');
    expect(r.stderr).not.toContain('error[');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`resuming in ${dir}`);
    expect(r.stderr).toContain('3 of 4 jobs were done before: running the other 1');
    const again = JSON.parse(r.stdout) as SweepRecord;
    expect(again.jobs.map((j) => j.status)).toEqual(['ok', 'ok', 'failed', 'ok']);
    expect(again.jobs[1].figures).toEqual(kept[1].figures); // measured again, same figures
    expect(again.jobs[1].worker).not.toBe(kept[1].worker);
    for (const i of [0, 2, 3])
      expect(again.jobs[i]).toEqual({
        ...kept[i],
        pareto: again.jobs[i].pareto,
        meets_limits: again.jobs[i].meets_limits,
        limit_failures: again.jobs[i].limit_failures,
      });
  });

  it('--tune deploys every job tuned: its command says so and its project records the measured choice', () => {
    const tuned = join(dir, 'tuned');
    const r = cliIn(
      dir,
      'sweep',
      'tiny.onnx',
      '--recipes',
      'int8',
      '--boards',
      'mps2-an385',
      '--samples',
      '2',
      '--calibration-samples',
      '10',
      '--tune',
      '-o',
      tuned,
      '--json',
    );
    expect(r.stderr).not.toContain('error[');
    expect(r.status).toBe(0);
    const [job] = (JSON.parse(r.stdout) as SweepRecord).jobs;
    expect(job.status).toBe('ok');
    expect(job.command).toBe(
      'tinyforge deploy tiny.onnx --board mps2-an385 --dataset mnist --samples 2 --compress int8 --calibration-samples 10 --tune',
    );
    const manifest = JSON.parse(readFileSync(join(tuned, dirname(job.report!), 'tinyforge.json'), 'utf8'));
    expect(Object.keys(manifest.tuning.layers).sort()).toEqual(['cortex-m-dsp', 'cortex-m-mla', 'reference']);
    expect(manifest.tuning.nodes.length).toBeGreaterThan(0);
  }, 300_000);

  it('--tune on a board whose emulator has no timer is refused before any job runs, naming the board to tune on', () => {
    const r = cli(
      'sweep',
      join(dir, 'tiny.onnx'),
      '--recipes',
      'int8',
      '--boards',
      'mps2-an386,microbit',
      '--tune',
      '-o',
      join(dir, 'untimed'),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[bad-argument]: --tune times layers, and microbit's emulator has no timer");
    expect(r.stderr).toContain('tune on mps2-an385-armv6m');
    expect(existsSync(join(dir, 'untimed', 'sweep.json'))).toBe(false);
  });

  it('a bad board or recipe stops the sweep before any job runs', () => {
    const r = cli('sweep', join(dir, 'tiny.onnx'), '--recipes', 'int8,no-such-preset', '--boards', 'mps2-an386', '-o', join(dir, 'bad'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error[bad-recipe]: unknown compression preset "no-such-preset"');
  });
});
