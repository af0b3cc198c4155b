// Smoke test of the benchmark plumbing: `bench/run.ts --json` on a tiny MLP (3 images, int8, mps2-an386) and on
// KWS (2 samples), through the real compile → build → QEMU chain, so the bench code cannot silently rot.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTinyMlp } from '../cli/tiny-model.ts';
import type { ExampleRow, Figure } from '../../bench/format.ts';
import type { MlperfRow } from '../../bench/mlperf.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tfg-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run bench plumbing', () => {
  it('measures a tiny model and KWS on mps2-an386 and prints JSON with commit, rows and figures', { timeout: 240_000 }, async () => {
    const model = join(dir, 'tiny.onnx');
    writeTinyMlp(model);
    const args = ['--import', 'tsx', 'bench/run.ts', '--examples', '--mlperf', '--models', model, '--samples', '3', '--quant', 'int8',
      '--boards', 'mps2-an386', '--mlperf-models', 'kws', '--kws-samples', '2', '--json'];
    const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 24 });
    const out = JSON.parse(stdout) as { git_commit: string; machine: { qemu: string }; examples: { rows: ExampleRow[]; figures: Figure[] }; mlperf: { rows: MlperfRow[]; figures: Figure[] } };
    expect(out.git_commit).toMatch(/^[0-9a-f]{40}$/);
    expect(out.machine.qemu).toMatch(/QEMU/);

    const [row] = out.examples.rows;
    expect(out.examples.rows).toHaveLength(1);
    expect(row).toMatchObject({ model: 'tiny', quant: 'int8', board: 'mps2-an386', status: 'ok', samples: 3, agreement: 1, agreement_kind: 'identical-bytes', latency_unit: 'instructions' });
    expect(row.instructions).toBeGreaterThan(12_560); // at least one instruction per MAC (784·16 + 16·10)
    expect(row.dense_layers!.map((d) => d.macs)).toEqual([784 * 16, 16 * 10]);
    expect(row.arena_bytes).toBeGreaterThanOrEqual(row.arena_lower_bound_bytes!);
    expect(row.flash_bytes).toBeGreaterThan(row.arena_bytes!);
    expect(out.examples.figures.find((f) => f.name.includes('agreement'))?.pass).toBe(true);

    const [kws] = out.mlperf.rows;
    expect(kws).toMatchObject({ key: 'kws', status: 'ok', samples: 2, reference_identical: 2, tflm_instructions: 7_697_225 });
    expect(kws.instructions).toBeGreaterThan(kws.macs / 4); // dual MACs at best, never fewer instructions than that
    expect(kws.tflm_identical).toBeGreaterThanOrEqual(0);
    expect(Object.keys(kws.per_op!)).toContain('DepthwiseConv2D');
    expect(out.mlperf.figures.map((f) => f.name)).toContain('KWS top-1');
  });

  it('refuses an unknown flag with exit code 1 and the usage', async () => {
    const err = await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--no-such-flag']).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(1);
    expect((err as { stderr: string }).stderr).toMatch(/unknown flag --no-such-flag[\s\S]*--samples N/);
  });
});
