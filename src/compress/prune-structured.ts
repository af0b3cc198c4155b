// Structured (neuron / filter) pruning: removes whole Dense neurons and Conv filters — and the matching inputs of the
// layers after them — step by step with fine-tuning, so the network stays regular and the generated C gets smaller and faster.
import type { Dataset } from '../data/dataset.ts';
import { applyPreprocess } from '../data/preprocess.ts';
import type { Graph, TensorData } from '../ir/graph.ts';
import { simplify } from '../ir/optimize.ts';
import { graphStats } from '../ir/stats.ts';
import { validateGraph } from '../ir/validate.ts';
import { channelImportance, IMPORTANCE_KINDS, leastImportant, type ImportanceKind } from './importance.ts';
import type { LayerRow, Pass, PassData } from './pass.ts';
import { analyzeChannels } from './prune-channel-groups.ts';
import { removeChannels } from './prune-channel-removal.ts';
import {
  accuracy,
  compareFigures,
  fineTune,
  fineTuneOptions,
  fineTuneParams,
  pct,
  requireDataset,
  splitData,
  type CompressReport,
  type FineTuneOptions,
} from './prune-finetune.ts';
import { distillTrain } from './distill.ts';
import { runSchedule, type ScheduleStepRecord } from './schedule.ts';

export const STRUCTURED_TARGETS = ['params', 'macs', 'flash', 'accuracy'] as const;
export type StructuredTarget = (typeof STRUCTURED_TARGETS)[number];

/** Graph-input records for activation importance: the caller's calibration set, else the first dataset samples. */
export function calibrationSamples(g: Graph, data: PassData, count: number): Record<string, TensorData>[] {
  if (data.calibration?.length) return data.calibration.slice(0, count);
  const ds: Dataset | undefined = data.dataset;
  if (!ds) return [];
  const input = g.inputs[0]!;
  const channels = g.tensors[input]!.shape.at(-1) ?? 1;
  return Array.from({ length: Math.min(count, ds.size) }, (_, i) => ({
    [input]: applyPreprocess(ds.get(i).x, g.metadata.preprocess, channels),
  }));
}

/** The size figure a target is measured on. */
export function sizeMetric(target: StructuredTarget): (g: Graph) => number {
  const key = target === 'macs' ? 'macs' : target === 'flash' ? 'bytes' : 'params';
  return (g) => graphStats(g).totals[key];
}

export const ALLOCATIONS = ['uniform', 'cost'] as const;
export type Allocation = (typeof ALLOCATIONS)[number];

/** How much of the target metric one channel of each group costs (metric drop when its least important channel goes). */
function channelCosts(
  g: Graph,
  groups: { id: number; size: number }[],
  scores: Map<number, Float64Array>,
  analysis: ReturnType<typeof analyzeChannels>,
  metric: (g: Graph) => number,
): Map<number, number> {
  const m0 = metric(g);
  return new Map(
    groups.map((gr) => [
      gr.id,
      gr.size > 1 ? m0 - metric(removeChannels(g, new Map([[gr.id, leastImportant(scores.get(gr.id)!, 1)]]), analysis)) : 0,
    ]),
  );
}

/**
 * One pruning step on `g`: removes up to `fraction` of each prunable group's channels, least important first.
 * 'uniform' takes the same fraction everywhere; 'cost' scales it by √(channel cost / largest channel cost), so layers
 * whose channels carry more of the target metric (LeNet's 784-input first layer) give up more, and the cheap ones keep
 * their width. No group ever loses more than `fraction` (the step bound holds either way).
 */
export async function planStructured(
  g: Graph,
  kind: ImportanceKind,
  samples: Record<string, TensorData>[],
  minChannels: number,
  allocation: Allocation = 'uniform',
  metric: (g: Graph) => number = sizeMetric('params'),
) {
  const analysis = analyzeChannels(g);
  const scores = await channelImportance(g, analysis, kind, samples);
  const groups = analysis.prunable();
  const costs = allocation === 'cost' ? channelCosts(g, groups, scores, analysis, metric) : undefined;
  const top = costs ? Math.max(...costs.values()) : 0;
  const weight = (id: number) => (costs && top > 0 ? Math.sqrt(Math.max(0, costs.get(id)!) / top) : 1);
  return (fraction: number): Graph | undefined => {
    const remove = new Map<number, number[]>();
    for (const gr of groups) {
      const k = Math.min(gr.size - minChannels, Math.round(fraction * weight(gr.id) * gr.size));
      if (k > 0) remove.set(gr.id, leastImportant(scores.get(gr.id)!, k));
    }
    return remove.size ? removeChannels(g, remove, analysis) : undefined;
  };
}

/** Output width of every Dense / Conv2D node. */
function widths(g: Graph): Map<string, number> {
  return new Map(g.nodes.filter((n) => n.op === 'Dense' || n.op === 'Conv2D').map((n) => [n.name, g.tensors[n.inputs[1]!]!.shape[0]!]));
}

export interface StructuredReport extends CompressReport {
  target_reached: boolean;
  stop_reason: string;
  schedule: ScheduleStepRecord[];
}

export const pruneStructured: Pass = {
  name: 'prune-structured',
  description: 'removes whole neurons / conv filters (and the inputs that fed on them) step by step with fine-tuning',
  params: {
    target: {
      type: 'enum',
      values: STRUCTURED_TARGETS,
      default: 'macs',
      description: "what to shrink: 'params', 'macs', 'flash' (weight bytes ≤ flash_bytes) or 'accuracy' (prune until accuracy_floor)",
    },
    reduction: { type: 'number', min: 1, max: 10000, default: 5, description: 'target factor for params / macs (5 = five times fewer)' },
    flash_bytes: {
      type: 'number',
      min: 0,
      max: 1e10,
      integer: true,
      default: 0,
      description: "weight bytes budget for target 'flash' (the CLI fills it from --board)",
    },
    accuracy_floor: { type: 'number', min: 0, max: 1, default: 0, description: "held-out top-1 to stay above for target 'accuracy'" },
    tolerance: {
      type: 'number',
      min: 0,
      max: 1,
      default: 0.005,
      description: 'largest accepted held-out top-1 drop from the original (0.005 = 0.5 pt)',
    },
    recovery_slack: {
      type: 'number',
      min: 0,
      max: 1,
      default: 0.005,
      description: 'steps up to this much below the tolerance go on; the final fine-tune must bring the model back within it',
    },
    step_fraction: {
      type: 'number',
      min: 0.01,
      max: 0.5,
      default: 0.2,
      description: 'largest fraction of each layer’s remaining channels removed per step',
    },
    importance: {
      type: 'enum',
      values: IMPORTANCE_KINDS,
      default: 'l1',
      description: 'l1 / l2 weight norm, or activation (how often the neuron is non-zero)',
    },
    allocation: {
      type: 'enum',
      values: ALLOCATIONS,
      default: 'uniform',
      description: "per-layer share of a step: 'uniform', or 'cost' (layers whose channels cost more of the target metric are pruned more)",
    },
    min_channels: {
      type: 'number',
      min: 1,
      max: 1e6,
      integer: true,
      default: 2,
      description: 'fewest channels a layer keeps (pruning to zero is refused)',
    },
    max_steps: { type: 'number', min: 1, max: 200, integer: true, default: 20, description: 'most prune → fine-tune steps' },
    final_epochs: { type: 'number', min: 0, max: 1000, default: 2, description: 'fine-tuning epochs after the last step' },
    calibration_samples: {
      type: 'number',
      min: 1,
      max: 100000,
      integer: true,
      default: 256,
      description: 'samples for activation importance',
    },
    distill_alpha: {
      type: 'number',
      min: 0,
      max: 1,
      default: 0,
      description: "fine-tune against the unpruned model's softened outputs with this weight (0 = labels only; Hinton et al. 2015)",
    },
    temperature: {
      type: 'number',
      min: 0.1,
      max: 100,
      default: 4,
      description: 'distillation temperature T when distill_alpha > 0 (soft loss × T²)',
    },
    lr_decay: {
      type: 'number',
      min: 0.01,
      max: 1,
      default: 1,
      description: 'learning-rate factor per epoch within each fine-tune (1 = constant)',
    },
    ...fineTuneParams,
  },
  async run(input, { params, data }, log) {
    // Channels are traced through Conv/Dense/Add/Concat/BN, not the NCHW⇄NHWC transpose pairs an ONNX import leaves:
    // simplify (results unchanged) cancels them, as loadModel does, so library callers of importOnnx can prune too.
    const ir = simplify(input);
    const target = params.target as StructuredTarget;
    const ft = fineTuneOptions(params);
    const needData = ft.epochs > 0 || Number(params.final_epochs) > 0 || target === 'accuracy';
    if (needData)
      requireDataset(data, 'prune-structured', target === 'accuracy' ? 'measure the accuracy floor' : 'fine-tune between pruning steps');
    const split = data.dataset ? splitData(data.dataset, Number(params.samples), Number(params.val_samples), data.validation) : undefined;
    const kind = params.importance as ImportanceKind;
    const samples = kind === 'activation' ? calibrationSamples(ir, data, Number(params.calibration_samples)) : [];
    const metric = sizeMetric(target);
    const start = metric(ir);
    const goal = target === 'accuracy' ? 0 : target === 'flash' ? Number(params.flash_bytes) : start / Number(params.reduction);
    const base = await accuracy(ir, split?.val);
    const floor = base === undefined ? -Infinity : target === 'accuracy' ? Number(params.accuracy_floor) : base - Number(params.tolerance);
    const minChannels = Number(params.min_channels);
    // Fine-tuning: labels only, or distilled from the unpruned model (the teacher is the pass's input).
    const alpha = Number(params.distill_alpha);
    const extra = { learningRateDecay: Number(params.lr_decay) };
    const tune = (g: Graph, o: FineTuneOptions): Promise<Graph> =>
      alpha > 0
        ? distillTrain(g, [ir], split!.train, { ...o, alpha, temperature: Number(params.temperature) }, extra)
        : fineTune(g, split!.train, o, extra);

    const result = await runSchedule(
      ir,
      {
        metric,
        target: goal,
        maxFraction: Number(params.step_fraction),
        plan: (g) =>
          planStructured(
            g,
            kind,
            samples,
            minChannels,
            params.allocation as Allocation,
            target === 'accuracy' ? sizeMetric('params') : metric,
          ),
        recover: (g, step) => (split ? tune(g, { ...ft, seed: ft.seed + step }) : Promise.resolve(g)),
        accuracy: (g) => accuracy(g, split?.val),
        floor,
        slack: Number(params.recovery_slack),
        maxSteps: Number(params.max_steps),
        onStep: (r) =>
          log.progress(
            `prune-structured: step ${r.step}, ${target} ${r.metric}, top-1 ${pct(r.accuracy)}${r.accepted ? '' : ' (rejected)'}`,
          ),
      },
      base,
    );

    // The deepest model within the slack gets the final fine-tune first; if it does not come back above the floor,
    // the smallest model that was above it does.
    let out = result.best;
    let accAfter = result.bestAccuracy;
    const candidates = result.last === result.best ? [result.best] : [result.last, result.best];
    for (const c of candidates) {
      if (c === ir) break;
      let cand = c;
      let a = c === result.best ? result.bestAccuracy : result.lastAccuracy;
      if (split && Number(params.final_epochs) > 0) {
        const tuned = await tune(c, { ...ft, epochs: Number(params.final_epochs), lr: ft.lr / 2, seed: ft.seed + 1000 });
        const ta = await accuracy(tuned, split.val);
        if (ta === undefined || a === undefined || ta >= a) {
          cand = tuned;
          a = ta;
        }
      }
      if (a === undefined || a >= floor || c === result.best) {
        out = cand;
        accAfter = a;
        break;
      }
    }
    const reached = target === 'accuracy' ? result.reached : metric(out) <= goal;
    const stopReason = !reached && result.reason === 'target-reached' ? 'no-recovery' : result.reason;
    validateGraph(out);

    const notes: string[] = [];
    if (!reached) {
      const msg = `target-not-reached: ${target} ${metric(out)} > goal ${Math.round(goal)} (${stopReason === 'no-recovery' ? 'fine-tuning no longer recovered within the tolerance' : stopReason}); returning the best model found`;
      notes.push(msg);
      log.add({
        code: 'target-not-reached',
        severity: 'warning',
        message: msg,
        hint: 'raise tolerance, lower reduction, or fine-tune longer (epochs, samples)',
      });
    }
    const before = graphStats(ir);
    const after = graphStats(out);
    const wb = widths(ir);
    const wa = widths(out);
    const layers: LayerRow[] = before.layers
      .filter((l) => wb.has(l.node))
      .map((l) => {
        const a = after.layers.find((m) => m.node === l.node)!;
        return {
          node: l.node,
          op: l.op,
          params: a.params,
          bytes_before: l.bytes,
          bytes_after: a.bytes,
          width_before: wb.get(l.node)!,
          width_after: wa.get(l.node)!,
          params_before: l.params,
          macs_before: l.macs,
          macs_after: a.macs,
        };
      });
    const fig = compareFigures(ir, out, base, accAfter);
    notes.push(
      `params ${fig.params_before} → ${fig.params_after} (${(fig.params_before / fig.params_after).toFixed(2)}×), MACs ${fig.macs_before} → ${fig.macs_after} (${(fig.macs_before / Math.max(1, fig.macs_after)).toFixed(2)}×)`,
      `top-1 ${pct(base)} → ${pct(accAfter)} after ${result.steps.filter((s) => s.accepted).length} accepted step(s), ${split?.valLabel ?? '(no labelled data to measure on)'}`,
    );
    const report: StructuredReport = {
      name: 'prune-structured',
      options: { ...params },
      ...fig,
      layers,
      notes,
      target_reached: reached,
      stop_reason: stopReason,
      schedule: result.steps,
    };
    return { ir: out, report };
  },
};
