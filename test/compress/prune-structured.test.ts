// Structured pruning pass: reaches a size target with bounded steps and fine-tuning; an unreachable target returns the
// best model found with a target-not-reached note; activation importance removes the neurons that are most often zero.
import { describe, expect, it } from 'vitest';
import { channelImportance } from '../../src/compress/importance.ts';
import { createLog } from '../../src/compress/pass.ts';
import { analyzeChannels } from '../../src/compress/prune-channel-groups.ts';
import { pruneStructured } from '../../src/compress/prune-structured.ts';
import { resolveRecipe, validateRecipe } from '../../src/compress/pipeline.ts';
import { graphStats } from '../../src/ir/stats.ts';
import { validateGraph } from '../../src/ir/validate.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { mlp, mnistSlice, sampleInput, trained } from './prune-fixtures.ts';
import { readFileSync } from 'node:fs';
import { importOnnx } from '../../src/import/onnx.ts';

const params = (over: Record<string, unknown>) =>
  validateRecipe([{ step: 'prune-structured', samples: 2000, val_samples: 500, epochs: 1, final_epochs: 1, lr: 1e-3, ...over }])[0]!;

describe('prune-structured', () => {
  it('the pruning-family presets are valid recipes', () => {
    for (const name of ['prune-structured', 'prune-weights', 'distill', 'lowrank', 'depthwise']) {
      const [p] = validateRecipe(resolveRecipe(name));
      expect(Object.keys(p!).length).toBeGreaterThan(3);
    }
    expect(() => validateRecipe([{ step: 'prune-structured', min_channels: 0 }])).toThrowError(
      expect.objectContaining({ code: 'bad-recipe' }),
    );
  });

  it('activation importance ranks always-zero neurons lowest', async () => {
    const ds = await mnistSlice(300);
    const g = mlp(4);
    // Kill neurons 3 and 7 of fc1: a large negative bias keeps them at 0 after ReLU on every sample.
    const b = g.tensors['fc1.b']!.data as Float32Array;
    b[3] = -1e3;
    b[7] = -1e3;
    const a = analyzeChannels(g);
    const samples = Array.from({ length: 64 }, (_, i) => sampleInput(ds, i));
    const s = (await channelImportance(g, a, 'activation', samples)).get(a.groupOf('fc1')!)!;
    const order = [...s.keys()].sort((x, y) => s[x]! - s[y]!);
    // 3 and 7 rank among the never-active neurons (score ≈ 0), ahead of every neuron that is ever active.
    for (const i of [3, 7]) expect(s[i]).toBeLessThan(0.01);
    const firstActive = order.findIndex((i) => s[i]! >= 0.01);
    expect(order.indexOf(3)).toBeLessThan(firstActive);
    expect(order.indexOf(7)).toBeLessThan(firstActive);
  });

  it('reaches 3× fewer params within tolerance; result validates and runs in the reference interpreter', async () => {
    const ds = await mnistSlice(2500);
    // Trained on the first 2000 only: the last 500 are the pass's held-out set.
    const base = await trained(mlp(2, 96, 48), await mnistSlice(2000), 4);
    const { ir, report } = await pruneStructured.run(
      base,
      { params: params({ target: 'params', reduction: 3, tolerance: 0.03, step_fraction: 0.3, epochs: 2 }), data: { dataset: ds } },
      createLog(),
    );
    const r = report as typeof report & {
      target_reached: boolean;
      accuracy_before: number;
      accuracy_after: number;
      schedule: { fraction: number }[];
    };
    expect(r.target_reached).toBe(true);
    expect(graphStats(base).totals.params / graphStats(ir).totals.params).toBeGreaterThanOrEqual(3);
    expect(r.accuracy_after).toBeGreaterThanOrEqual(r.accuracy_before - 0.03);
    for (const s of r.schedule) expect(s.fraction).toBeLessThanOrEqual(0.3);
    validateGraph(ir);
    const out = runGraph(ir, sampleInput(ds, 0)).outputs.probs!;
    expect(out.length).toBe(10);
    expect(report.layers.find((l) => l.node === 'fc1')!.width_after).toBeLessThan(96);
  }, 60_000);

  it('an unreachable target stops with the best model and says so', async () => {
    const ds = await mnistSlice(1500);
    const base = await trained(mlp(3, 32, 16), await mnistSlice(1000), 1);
    const log = createLog();
    const { ir, report } = await pruneStructured.run(
      base,
      {
        params: params({
          target: 'params',
          reduction: 100,
          tolerance: 0.001,
          step_fraction: 0.5,
          samples: 1000,
          max_steps: 6,
          final_epochs: 0,
        }),
        data: { dataset: ds },
      },
      log,
    );
    const r = report as typeof report & { target_reached: boolean; accuracy_before: number; accuracy_after: number };
    expect(r.target_reached).toBe(false);
    expect(report.notes.join('\n')).toMatch(/target-not-reached/);
    expect(log.diagnostics.map((d) => d.code)).toContain('target-not-reached');
    expect(r.accuracy_after).toBeGreaterThanOrEqual(r.accuracy_before - 0.001);
    validateGraph(ir);
    // Every layer keeps at least min_channels.
    for (const l of report.layers) expect(l.width_after as number).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("prunes an ONNX import as it comes (NCHW/NHWC transpose pairs around every conv), not only loadModel's graph", async () => {
    const path = 'examples/mnist-cnn/model.onnx';
    const raw = importOnnx(new Uint8Array(readFileSync(path)), path);
    expect(raw.nodes.filter((n) => n.op === 'Transpose').length).toBeGreaterThan(4);
    const ds = await mnistSlice(600);
    const { ir, report } = await pruneStructured.run(
      raw,
      {
        params: params({
          target: 'macs',
          reduction: 1.5,
          tolerance: 0.5,
          recovery_slack: 0.5,
          step_fraction: 0.3,
          epochs: 0,
          final_epochs: 0,
          samples: 300,
          val_samples: 300,
        }),
        data: { dataset: ds },
      },
      createLog(),
    );
    expect(graphStats(raw).totals.macs / graphStats(ir).totals.macs).toBeGreaterThanOrEqual(1.5);
    expect(report.notes.join('\n')).not.toMatch(/nothing-to-prune/);
    validateGraph(ir);
    expect(runGraph(ir, sampleInput(ds, 0)).outputs[ir.outputs[0]]!.length).toBe(10);
  }, 60_000);
});
