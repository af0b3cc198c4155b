// The stack through the real CLI on QEMU's micro:bit (16 KB RAM): a Huffman-coded float model (its decoder builds
// tables on the stack, its serial main holds a 3 KB float input) deploys with the stack planned from the compiler's
// frames and reports measured ≤ planned ≤ reserved; the same firmware with less stack than it needs fails with
// 'stack-overflow' (the runtime's guard words); a model whose planned stack cannot fit is refused at compile time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { graphToJson, saveIrJson } from '../../src/ir/serialize.ts';
import { writeTinyMlp } from './tiny-model.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-stack-cli-'));
const huffModel = join(dir, 'tiny-dc.tfir.json');

function cli(...args: string[]) {
  const r = spawnSync('node', ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  const onnx = join(dir, 'tiny.onnx');
  writeTinyMlp(onnx);
  const g = importOnnx(new Uint8Array(readFileSync(onnx)), onnx);
  const { ir } = await runPipeline(g, [
    { step: 'prune-weights', sparsity: 0.8, epochs: 0 },
    { step: 'cluster', bits: 3, epochs: 0 },
    { step: 'huffman' },
  ]);
  saveIrJson(ir, huffModel);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stack on the device', () => {
  let planned = 0;
  let modelBytes = 0;

  it('plans the stack from the frames, reserves it, and the device uses no more than planned', () => {
    const out = join(dir, 'planned');
    const r = cli('deploy', huffModel, '--board', 'microbit', '--quantize', 'none', '--dataset', 'mnist', '--samples', '6', '--out', out);
    expect(r.stderr).not.toContain('error[');
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'tinyforge.json'), 'utf8'));
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    planned = manifest.stack.planned_bytes;
    modelBytes = manifest.stack.model_bytes;
    // The Huffman kernel is on the deepest chain with a fixed frame: its decoder tables are arena scratch, not a VLA.
    expect(manifest.stack.chain.some((c: string) => /^tfg_dense_f32_huff \d+$/.test(c))).toBe(true);
    expect(report.memory.stack_planned_bytes).toBe(planned);
    expect(report.memory.stack_limit_bytes).toBe(manifest.stack.limit_bytes); // what the device says it has = what was reserved
    expect(report.memory.stack_bytes).toBeGreaterThan(784 * 4); // the float input's receive buffer is on it
    expect(report.memory.stack_bytes).toBeLessThanOrEqual(planned);
    expect(planned).toBeLessThan(report.memory.stack_limit_bytes);
    expect(r.stdout).toMatch(/stack high-water\s+[\d,]+ B of [\d,]+ B reserved \(planned [\d,]+ B\)/);
  });

  it('fails with stack-overflow, the figures and what to do, when the firmware reserves less than the model needs', () => {
    expect(planned).toBeGreaterThan(0);
    // Enough for the serial main and runtime, not for the model's layers below them.
    const small = Math.floor((planned - modelBytes + 32) / 8) * 8;
    const out = join(dir, 'small');
    const r = cli(
      'deploy',
      huffModel,
      '--board',
      'microbit',
      '--quantize',
      'none',
      '--dataset',
      'mnist',
      '--samples',
      '6',
      '--out',
      out,
      '--stack-bytes',
      String(small),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`warning: --stack-bytes ${small} is less than the ${planned.toLocaleString('en-US')} bytes planned`);
    expect(r.stderr).toContain('error[stack-overflow]: the stack on microbit overflowed during an inference');
    expect(r.stderr).toContain(`the stack reached the bottom of its ${small.toLocaleString('en-US')} B`);
    expect(r.stderr).toContain(`planned: ${planned.toLocaleString('en-US')} B`);
    expect(r.stderr).toMatch(/hint: the firmware reserves less than the plan: compile without --stack-bytes/);
  });

  it("refuses at compile time a model whose planned stack does not fit the board's RAM, naming the stack", () => {
    // A 4,000-float input: the serial main's receive buffer alone is ~16 KB of the micro:bit's 16 KB.
    const b = new GraphBuilder('wide');
    b.input('x', [1, 4000]);
    const w = b.constant(
      'w',
      Float32Array.from({ length: 4 * 4000 }, (_, i) => ((i * 7919) % 13) / 100 - 0.06),
      [4, 4000],
    );
    b.output(b.node('Dense', ['x', w, ''], { activation: 'none' }, 'y'));
    const path = join(dir, 'wide.tfir.json');
    writeFileSync(path, graphToJson(b.build()));
    const r = cli('compile', path, '--board', 'microbit', '--quantize', 'none', '-o', join(dir, 'wide'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[model-too-big]');
    expect(r.stderr).toMatch(
      /needs \d+ KB RAM \(model [\d,]+ bytes \+ runtime 64 bytes \+ stack \d+ KB, planned from the deepest call chain \([\d,]+ bytes\)\); microbit has 16 KB/,
    );
    expect(r.stderr).toMatch(/deepest stack: Reset_Handler 8 → main 8 → tfg_port_start 8 → serve 16\d{3} →/);
    expect(r.stderr).toContain('receive buffer');
  });
});
