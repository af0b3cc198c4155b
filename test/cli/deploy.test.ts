// deploy / compile / flash / eval --board / run through the real CLI: QEMU, the serial pty, the report files.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyMlp } from './tiny-model.ts';
import { writeTensorProto } from '../../src/data/tensor-proto.ts';
import { readTensorProto } from '../../src/data/tensor-proto.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { weightRatio } from '../../src/compress/deep-compression-table.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { saveIrJson } from '../../src/ir/serialize.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-cli-'));
const model = join(dir, 'tiny.onnx');

function cli(...args: string[]) {
  const r = spawnSync('node', ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => writeTinyMlp(model));

describe('tinyforge deploy', () => {
  it('int8 on mps2-an386: device outputs identical to the reference, instructions counted, report written', () => {
    const out = join(dir, 'an386');
    const r = cli(
      'deploy',
      model,
      '--board',
      'mps2-an386',
      '--dataset',
      'mnist',
      '--samples',
      '12',
      '--out',
      out,
      '--profile-layers',
      '--json',
    );
    expect(r.stderr).not.toContain('error[');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(JSON.parse(r.stdout).board).toBe('mps2-an386');
    expect(report.target.kind).toBe('emulator');
    expect(report.model).toMatchObject({ params: 12_730, macs: 12_704, quantization: 'int8' });
    expect(report.accuracy).toMatchObject({ samples: 12, agreement: 1, agreement_kind: 'identical-bytes' });
    expect(report.accuracy.device_top1).toBe(report.accuracy.reference_top1);
    expect(report.latency.unit).toBe('instructions');
    expect(report.latency.median).toBeGreaterThan(12_704); // at least one instruction per MAC
    expect(report.latency.per_layer).toHaveLength(3);
    expect(report.memory.flash_bytes).toBeGreaterThan(12_730);
    expect(report.memory.stack_bytes).toBeGreaterThan(0);
    expect(report.memory.arena_bytes).toBeLessThanOrEqual(Math.ceil(report.memory.arena_lower_bound_bytes * 1.1) + 8);
    expect(report.compression.ratio).toBeGreaterThan(3.5);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');
  });

  it("--profile-layers gives each convolution and pool its window: the weights' [kH, kW] and the pool kernel", () => {
    const out = join(dir, 'cnn-layers');
    const r = cli(
      'deploy',
      'examples/mnist-cnn/model.onnx',
      '--board',
      'host',
      '--dataset',
      'mnist',
      '--samples',
      '2',
      '--profile-layers',
      '--out',
      out,
      '--json',
    );
    expect(r.code).toBe(0);
    const g = JSON.parse(readFileSync(join(out, 'model.tfir.json'), 'utf8'));
    const layers = JSON.parse(r.stdout).latency.per_layer as { op: string; node: string; window?: number[] }[];
    expect(layers.map((l) => l.op)).toEqual(['Conv2D', 'MaxPool', 'Conv2D', 'MaxPool', 'Reshape', 'Dense', 'Softmax']);
    for (const [i, l] of layers.entries()) {
      const node = g.nodes[i];
      if (l.op === 'Conv2D') expect(l.window, l.node).toEqual(g.tensors[node.inputs[1]].shape.slice(1, 3));
      else if (l.op === 'MaxPool') expect(l.window, l.node).toEqual(node.attrs.kernel);
      else expect(l.window, l.node).toBeUndefined();
    }
  }, 300_000); // a CNN built for the host under the sanitizers: slow on a loaded machine

  it("a model compressed beforehand (.tfir.json): the report's ratio is float32 weight bytes ÷ deployed bytes", async () => {
    const g = importOnnx(new Uint8Array(readFileSync(model)), model);
    const { ir } = await runPipeline(g, [
      { step: 'prune-weights', sparsity: 0.8, epochs: 0 },
      { step: 'cluster', bits: 3, epochs: 0 },
      { step: 'huffman' },
    ]);
    const path = join(dir, 'tiny-dc.tfir.json');
    saveIrJson(ir, path);
    const out = join(dir, 'dc-host');
    const r = cli('deploy', path, '--board', 'host', '--quantize', 'none', '--dataset', 'mnist', '--samples', '4', '--out', out);
    expect(r.stderr).not.toContain('error[');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const want = weightRatio(ir);
    expect(want.ratio).toBeGreaterThan(8); // 80% pruned, 3-bit clusters
    expect(report.compression.original_bytes).toBe(want.float32_bytes);
    expect(report.compression.ratio).toBeCloseTo(want.float32_bytes / report.compression.compressed_bytes, 6);
    expect(report.compression.compressed_bytes).toBe(want.deployed_bytes); // alignment counted on both sides
  });

  it('float on host: same top-1 as the reference, and host time is not passed off as a device figure', () => {
    const out = join(dir, 'host');
    const r = cli('deploy', model, '--board', 'host', '--quantize', 'none', '--dataset', 'mnist', '--samples', '8', '--out', out);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.target.kind).toBe('host');
    expect(report.accuracy.agreement_kind).toBe('same-top1');
    expect(report.accuracy.agreement).toBe(1);
    expect(report.latency.unit).toBe('unavailable');
  });

  it('compile refuses to overwrite a folder the user wrote, and keeps its files', () => {
    const mine = join(dir, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'keep me');
    const r = cli('compile', model, '--board', 'mps2-an386', '--dataset', 'mnist', '-o', mine);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[output-exists]');
    expect(r.stderr).toContain('--force');
    expect(readFileSync(join(mine, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(mine, 'model.c'))).toBe(false);
  });

  it('compile, flash and eval --board agree on a compiled folder', () => {
    const out = join(dir, 'compiled');
    expect(cli('compile', model, '--board', 'mps2-an385', '--dataset', 'mnist', '-o', out).code).toBe(0);
    const f = cli('flash', out, '--board', 'mps2-an385', '--json');
    expect(f.code).toBe(0);
    expect(JSON.parse(f.stdout).hello).toMatchObject({ boardId: 'mps2-an385', inputBytes: 784, outputBytes: 10, numLayers: 3 });
    const e = cli('eval', out, '--board', 'mps2-an385', '--dataset', 'mnist', '--samples', '5', '--json');
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({ samples: 5, agreement: 1 });
    const wrong = cli('flash', out, '--board', 'mps2-an386');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('error[board-mismatch]');
  });

  it('run --board host gives the reference interpreter its own outputs back', () => {
    const x = Float32Array.from({ length: 784 }, (_, i) => (i % 29) / 29);
    const input = join(dir, 'x.pb');
    writeFileSync(input, writeTensorProto({ name: 'x', dims: [1, 784], dtype: 'float', data: x }));
    expect(cli('run', model, '--board', 'reference', '--input', `x=${input}`, '--output-dir', join(dir, 'ref')).code).toBe(0);
    expect(cli('run', model, '--board', 'host', '--input', `x=${input}`, '--output-dir', join(dir, 'c')).code).toBe(0);
    const ref = readTensorProto(readFileSync(join(dir, 'ref', 'prob.pb'))).data as Float32Array;
    const c = readTensorProto(readFileSync(join(dir, 'c', 'prob.pb'))).data as Float32Array;
    expect(c.length).toBe(10);
    for (let i = 0; i < 10; i++) expect(Math.abs(c[i] - ref[i])).toBeLessThan(1e-5);
  });

  it('bad input: unknown board lists the valid ones; a missing model names the file', () => {
    const b = cli('deploy', model, '--board', 'arduino-uno', '--dataset', 'mnist');
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('error[unknown-board]');
    expect(b.stderr).toContain('mps2-an386');
    const m = cli('inspect', join(dir, 'nope.onnx'));
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('nope.onnx');
    expect(m.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace without --verbose
  });
});
