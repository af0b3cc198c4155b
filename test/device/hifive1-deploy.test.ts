// `tinyforge deploy --board hifive1` end to end, like an Arm board: the MNIST CNN compiled to int8, built with the
// RISC-V compiler, run on QEMU sifive_e over the serial link, reported in instructions with byte-identical outputs.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { mnistCnn } from '../../examples/models.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-hifive1-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example model when train-data has committed it, else the same architecture with its seeded initial weights. */
function modelPath(): string {
  if (existsSync('examples/mnist-cnn/model.onnx')) return 'examples/mnist-cnn/model.onnx';
  const p = join(dir, 'mnist-cnn.onnx');
  writeFileSync(p, exportOnnx(mnistCnn(1)));
  return p;
}

describe('tinyforge deploy --board hifive1', () => {
  it('deploys the MNIST CNN into 16 KB of RAM and reports instructions, memory and identical outputs', async () => {
    const out = join(dir, 'out');
    const args = [
      'bin/tinyforge.js',
      'deploy',
      modelPath(),
      '--board',
      'hifive1',
      '--dataset',
      'mnist',
      '--samples',
      '8',
      '--calibration-samples',
      '32',
      '-o',
      out,
      '--json',
    ];
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
      execFile(process.execPath, args, { maxBuffer: 16 << 20 }, (err, so, se) =>
        err ? reject(new Error(`${err.message}\n${se}`)) : resolve({ stdout: so }),
      ),
    );
    const r = JSON.parse(stdout);
    expect(r.board).toBe('hifive1');
    expect(r.latency.unit).toBe('instructions');
    // 290k MACs of reference int8 kernels on RV32IMC: millions of instructions, the same for every image (p90 within 1%).
    expect(r.latency.median).toBeGreaterThan(1_000_000);
    expect(r.latency.p90 - r.latency.median).toBeLessThan(0.01 * r.latency.median);
    expect(r.memory.arena_bytes + r.memory.stack_bytes).toBeLessThan(16 * 1024);
    expect(r.memory.sections.rodata).toBeGreaterThan(9000); // the int8 weights, in flash
    expect(r.accuracy).toMatchObject({ samples: 8, agreement: 1, agreement_kind: 'identical-bytes' });
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).board).toBe('hifive1');
  });
});
