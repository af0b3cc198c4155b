// The robustness report: rows per attack × ε × subject, white-box examples crafted on the float model and transferred,
// the query attack run against each subject itself; the CLI with --board host streams examples to real firmware.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '../../src/data/dataset.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { main } from '../../src/cli/main.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { preprocessedSamples } from '../../src/defend/attack.ts';
import { inputDomain } from '../../src/defend/input-domain.ts';
import { measureRobustness } from '../../src/defend/robustness.ts';
import { floatSubject, referenceSubject } from '../../src/defend/subjects.ts';
import { initBackend } from '../../src/train/backend.ts';
import { mnistSlices, trainedMlp } from './fixtures.ts';

let g: Graph;
let int8: Graph;
let train: Dataset;
let test: Dataset;
let dir: string;

beforeAll(async () => {
  await initBackend();
  ({ train, test } = await mnistSlices(1000, 100));
  g = await trainedMlp(train);
  const d = inputDomain(g, train);
  const { x } = preprocessedSamples(train, d, g.metadata.preprocess, 50);
  const calibration = Array.from({ length: 50 }, (_, i) => ({ input: x.subarray(i * 784, (i + 1) * 784) }));
  int8 = (await runPipeline(g, 'int8', { data: { calibration } })).ir;
  dir = mkdtempSync(join(tmpdir(), 'tfg-robust-'));
  writeFileSync(join(dir, 'mlp.onnx'), exportOnnx(g));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('measureRobustness on the host', () => {
  it('gives clean and robust top-1 for float and int8, and says which examples were transferred', async () => {
    const fs = floatSubject(g, inputDomain(g, test));
    try {
      const r = await measureRobustness({
        float: g,
        subjects: [fs, referenceSubject(int8, 'int8')],
        dataset: test,
        attacks: ['fgsm', 'pgd', 'square'],
        eps: [0.05, 0.2],
        samples: 100,
        steps: 10,
        querySamples: 5,
        queries: 100,
      });
      expect(r.samples).toBe(100);
      expect(r.models.map((m) => `${m.model}@${m.where}`)).toEqual(['float@host', 'int8@host']);
      expect(r.clean_top1).toBe(r.models[0]!.clean_top1);
      expect(r.attacks).toHaveLength(3 * 2 * 2);
      const row = (name: string, eps: number, model: string) =>
        r.attacks.find((a) => a.name === name && a.eps === eps && a.model === model)!;
      for (const a of r.attacks) {
        expect(a.where).toBe('host');
        expect(a.robust_top1).toBeGreaterThanOrEqual(0);
        expect(a.robust_top1).toBeLessThanOrEqual(1);
        if (a.name === 'square') {
          expect(a.crafted_against).toBe(`${a.model} (host)`);
          expect(a.transferred).toBe(false);
          expect(a.samples).toBe(5);
        } else {
          expect(a.crafted_against).toBe('float');
          expect(a.transferred).toBe(a.model === 'int8');
        }
      }
      // A larger budget never helps the model; white-box PGD on the float model beats clean by a wide margin.
      expect(row('pgd', 0.2, 'float').robust_top1).toBeLessThanOrEqual(row('pgd', 0.05, 'float').robust_top1);
      expect(row('pgd', 0.2, 'float').robust_top1).toBeLessThan(r.clean_top1 - 0.3);
      // int8 sees the same transferred images; PTQ of a tiny MLP stays close to float on them.
      expect(Math.abs(row('pgd', 0.05, 'int8').robust_top1 - row('pgd', 0.05, 'float').robust_top1)).toBeLessThan(0.1);
    } finally {
      fs.dispose();
    }
  });
});

describe('the query attack', () => {
  it('runs at its own budgets and skips the subjects that opt out', async () => {
    const fs = floatSubject(g, inputDomain(g, test));
    try {
      const r = await measureRobustness({
        float: g,
        subjects: [fs, { ...referenceSubject(int8, 'int8'), queryAttack: false }],
        dataset: test,
        attacks: ['square'],
        eps: [0.05, 0.2],
        queryEps: [0.2],
        samples: 20,
        querySamples: 3,
        queries: 20,
      });
      expect(r.attacks.map((a) => `${a.name} ${a.eps} ${a.model}@${a.where}`)).toEqual(['square 0.2 float@host']);
      expect(r.models.map((m) => m.model)).toEqual(['float', 'int8']);
    } finally {
      fs.dispose();
    }
    await expect(
      measureRobustness({ float: g, subjects: [], dataset: test, attacks: ['square'], eps: [0.1], queryEps: [2], samples: 5 }),
    ).rejects.toMatchObject({ code: 'bad-argument', message: expect.stringContaining('--query-eps 2 is outside the valid range') });
  });
});

describe('tinyforge robustness --board host', () => {
  it('streams transferred examples to the firmware and runs the query attack against it; --json has the contract fields', async () => {
    let stdout = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let code: number;
    try {
      code = await main([
        'robustness',
        join(dir, 'mlp.onnx'),
        '--dataset',
        'mnist',
        '--board',
        'host',
        '-o',
        join(dir, 'proj'),
        '--attack',
        'pgd,square',
        '--eps',
        '0.1',
        '--samples',
        '30',
        '--steps',
        '5',
        '--query-samples',
        '3',
        '--queries',
        '30',
        '--json',
      ]);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(typeof r.clean_top1).toBe('number');
    expect(r.models.map((m: { model: string; where: string }) => `${m.model}@${m.where}`)).toEqual([
      'float@host',
      'int8@host',
      'int8@device',
    ]);
    const dev = r.attacks.filter((a: { where: string }) => a.where === 'device');
    expect(dev.map((a: { name: string }) => a.name)).toEqual(['pgd', 'square']);
    expect(dev[0]).toMatchObject({ name: 'pgd', eps: 0.1, where: 'device', crafted_against: 'float', transferred: true });
    expect(dev[1]).toMatchObject({ name: 'square', crafted_against: 'int8 (device)', transferred: false });
    // The query attack runs against the device, not again against the host copy of the same bytes.
    expect(
      r.attacks.filter((a: { name: string }) => a.name === 'square').map((a: { model: string; where: string }) => `${a.model}@${a.where}`),
    ).toEqual(['float@host', 'int8@device']);
    // The device runs the same int8 arithmetic as the host reference: same verdicts on the same transferred images.
    const host = r.attacks.find(
      (a: { name: string; where: string; model: string }) => a.name === 'pgd' && a.where === 'host' && a.model === 'int8',
    );
    expect(dev[0].robust_top1).toBe(host.robust_top1);
    expect(r.models[2].clean_top1).toBe(r.models[1].clean_top1);
  });
});
