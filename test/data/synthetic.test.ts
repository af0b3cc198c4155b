// `--dataset synthetic`: seeded inputs shaped for a model without test samples, giving latency, memory and
// device = reference but no accuracy, and never used to calibrate or train.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/load-dataset.ts';
import type { Tensor } from '../../src/ir/graph.ts';
import { sampleInput } from '../../src/reference/model-input.ts';
import { loadModel } from '../../src/import/index.ts';

const KWS_MODEL = 'examples/mlperf-tiny/kws01/models/kws_ref_model.tflite';
const int8Input: Tensor = { name: 'x', shape: [1, 4, 4, 2], dtype: 'i8', quant: { scale: [0.5], zeroPoint: [3] } };
const floatInput: Tensor = { name: 'x', shape: [1, 6], dtype: 'f32' };

function cli(...args: string[]) {
  const r = spawnSync('node', ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('synthetic inputs', () => {
  it('are the same on every load, shaped for the input, int8 codes for an int8 input, and unlabelled', async () => {
    const a = await loadDataset('synthetic', { split: 'test', limit: 4, input: int8Input });
    const b = await loadDataset('synthetic', { split: 'test', limit: 4, input: int8Input });
    expect(a.size).toBe(4);
    expect(a.unlabeled).toBe(true);
    expect(a.get(2).codes!.data).toEqual(b.get(2).codes!.data);
    expect(a.get(2).codes!.data).not.toEqual(a.get(3).codes!.data);
    const s = a.get(1);
    expect(s.codes!.data.length).toBe(32);
    expect(s.label).toBe(-1);
    // The codes' real values, so a float consumer sees what the int8 model sees.
    expect(s.x[5]).toBe(0.5 * (s.codes!.data[5] - 3));
    const codes = new Set(Array.from({ length: 4 }, (_, i) => [...a.get(i).codes!.data]).flat());
    expect(Math.min(...codes)).toBeLessThan(-100);
    expect(Math.max(...codes)).toBeGreaterThan(100);
    const f = await loadDataset('synthetic', { split: 'test', input: floatInput });
    expect(f.size).toBe(10);
    expect(f.get(0).codes).toBeUndefined();
    expect(f.get(0).x.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('reach an int8 model byte for byte, as stored codes do', async () => {
    const g = await loadModel(KWS_MODEL);
    const ds = await loadDataset('synthetic', { split: 'test', limit: 1, input: g.tensors[g.inputs[0]] });
    expect(sampleInput(g, ds.get(0))).toEqual(ds.get(0).codes!.data);
  });

  it('never calibrate or train', async () => {
    await expect(loadDataset('synthetic', { split: 'train', input: floatInput })).rejects.toMatchObject({
      diagnostic: { code: 'synthetic-not-for-training' },
    });
  });

  it('deploy measures latency and agreement on them with no top-1; eval on the host refuses them', { timeout: 300_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'tfg-synthetic-'));
    const r = cli(
      'deploy',
      KWS_MODEL,
      '--board',
      'mps2-an386',
      '--dataset',
      'synthetic',
      '--samples',
      '2',
      '-o',
      join(out, 'kws'),
      '--force',
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'kws', 'report.json'), 'utf8'));
    expect(report.accuracy).toMatchObject({
      samples: 2,
      dataset: 'synthetic',
      device_top1: null,
      reference_top1: null,
      float_top1: null,
      agreement: 1,
      agreement_kind: 'identical-bytes',
    });
    expect(report.latency.median).toBeGreaterThan(1_000_000);
    const e = cli('eval', KWS_MODEL, '--dataset', 'synthetic');
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('error[dataset-unlabeled]');
    const c = cli('compile', 'examples/mnist-cnn/model.onnx', '--board', 'mps2-an386', '--dataset', 'synthetic', '-o', join(out, 'cnn'));
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('error[synthetic-not-for-training]');
  });
});
