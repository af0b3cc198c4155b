// Bad input to attacks, adversarial training and the CLI: rejected with 'bad-argument' (or 'output-exists'), the
// reason and the valid range, before any slow work starts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '../../src/data/dataset.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { quantizeGraphInt8 } from '../../src/compress/quantize-int8.ts';
import { calibrate } from '../../src/compress/calibrate.ts';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { adversarialTrain } from '../../src/defend/adversarial-training.ts';
import { checkEpsilon, inputDomain } from '../../src/defend/input-domain.ts';
import { measureRobustness } from '../../src/defend/robustness.ts';
import { mnistSlices, tinyMlp } from './fixtures.ts';
import { asyncErrorOf } from '../errors.ts';

let g: Graph;
let train: Dataset;
let dir: string;

beforeAll(async () => {
  g = tinyMlp(1, 8);
  ({ train } = await mnistSlices(50, 10));
  dir = mkdtempSync(join(tmpdir(), 'tfg-defend-'));
  writeFileSync(join(dir, 'mlp.onnx'), exportOnnx(g));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `f` and returns the TinyforgeError it throws. */

describe('library checks', () => {
  it('ε outside (0, 1] for MNIST /255 names the valid range', async () => {
    const d = inputDomain(g, train);
    for (const eps of [0, -0.1, 1.5, Number.NaN]) {
      const e = await asyncErrorOf(() => checkEpsilon(eps, d, 'linf'));
      expect(e.code).toBe('bad-argument');
      expect(e.message).toContain('(0, 1]');
      expect(e.diagnostic.notes?.join(' ')).toContain('[0, 1]');
    }
    // L2 allows up to the diagonal of the box: √784 = 28.
    expect(() => checkEpsilon(2, d, 'l2')).not.toThrow();
    expect((await asyncErrorOf(() => checkEpsilon(29, d, 'l2'))).message).toContain('(0, 28]');
  });

  it('T < 1, an unknown training attack and ε too large are refused before training', async () => {
    expect((await asyncErrorOf(() => adversarialTrain(g, train, { attack: 'pgd', eps: 0.1, iterations: 0 }))).message).toMatch(
      /iterations \(T\) must be an integer in \[1, 1000\], got 0/,
    );
    expect(
      (await asyncErrorOf(() => adversarialTrain(g, train, { attack: 'square', eps: 0.1, iterations: 1 }))).diagnostic.notes?.[0],
    ).toContain('fgsm, pgd, pgd-l2');
    expect((await asyncErrorOf(() => adversarialTrain(g, train, { attack: 'fgsm', eps: 2, iterations: 1 }))).code).toBe('bad-argument');
    expect(
      (await asyncErrorOf(() => adversarialTrain(g, train, { attack: 'pgd', eps: 0.1, iterations: 3, learningRateDecay: 0 }))).message,
    ).toBe('learning-rate decay (--lr-decay) must be a number in (0, 1], got 0');
    expect(
      (await asyncErrorOf(() => adversarialTrain(g, train, { attack: 'pgd', eps: 0.1, iterations: 3, learningRate: Number.NaN }))).message,
    ).toBe('learning rate (--lr) must be a number in (0, 1], got NaN');
  });

  it('a model whose input is int8 (not continuous) cannot be attacked', async () => {
    const samples = [{ input: new Float32Array(784).fill(0.5) }];
    const { graph: q } = quantizeGraphInt8(g, calibrate(g, samples));
    const e = await asyncErrorOf(() =>
      measureRobustness({ float: q, subjects: [], dataset: train, attacks: ['pgd'], eps: [0.1], samples: 10 }),
    );
    expect(e.code).toBe('bad-argument');
    expect(e.message).toContain('is i8, not continuous');
  });

  it('a dataset without labels is refused', async () => {
    const unlabelled: Dataset = { ...train, name: 'no-labels', get: (i) => ({ x: train.get(i).x, label: undefined as unknown as number }) };
    const e = await asyncErrorOf(() => adversarialTrain(g, unlabelled, { attack: 'fgsm', eps: 0.1, iterations: 1 }));
    expect(e.code).toBe('bad-argument');
    expect(e.message).toContain('no usable labels');
    expect(e.diagnostic.notes?.[0]).toContain('0..9');
  });

  it('an unknown attack name in the robustness report lists the valid ones', async () => {
    const e = await asyncErrorOf(() =>
      measureRobustness({ float: g, subjects: [], dataset: train, attacks: ['deepfool'], eps: [0.1], samples: 10 }),
    );
    expect(e.code).toBe('bad-argument');
    expect(e.diagnostic.notes?.[0]).toContain('fgsm, pgd, pgd-l2, square');
  });
});

describe('CLI', () => {
  // In-process (a node start costs seconds on a loaded machine): capture what main() writes.
  const cli = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
    try {
      const code = await main(args);
      return { code, stdout, stderr };
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  };

  it('defend refuses ε = 1.5, T = 0 and an existing -o without --force (exit 2, JSON code)', async () => {
    const out = join(dir, 'out.onnx');
    let r = await cli(
      'defend',
      join(dir, 'mlp.onnx'),
      '--attack',
      'pgd',
      '--eps',
      '1.5',
      '--iterations',
      '1',
      '--dataset',
      'mnist',
      '-o',
      out,
      '--json',
    );
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('bad-argument');
    expect(r.stderr).toContain('(0, 1]');
    r = await cli('defend', join(dir, 'mlp.onnx'), '--attack', 'pgd', '--eps', '0.1', '--iterations', '0', '--dataset', 'mnist', '-o', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[bad-argument]: iterations (T) must be an integer in [1, 1000], got 0');
    writeFileSync(out, 'keep me');
    r = await cli(
      'defend',
      join(dir, 'mlp.onnx'),
      '--attack',
      'fgsm',
      '--eps',
      '0.1',
      '--iterations',
      '1',
      '--dataset',
      'mnist',
      '-o',
      out,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[output-exists]');
  });

  it('robustness refuses an ε list with a value outside the range', async () => {
    const r = await cli(
      'robustness',
      join(dir, 'mlp.onnx'),
      '--dataset',
      'mnist',
      '--eps',
      '0.1,3',
      '--quantize',
      'none',
      '--samples',
      '5',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--eps 3 is outside the valid range (0, 1]');
  });
});
