// The lottery-ticket experiment and its rebuttal: prune a trained net, then retrain the same sparse / thinner net from
// (a) its original initialisation (Frankle & Carbin 2019), (b) a fresh one for the same epochs (Scratch-E) and
// (c) a fresh one for the same compute (Scratch-B, Liu et al. 2019), next to fine-tuning the pruned weights.
import type { Dataset } from '../data/dataset.ts';
import type { Graph } from '../ir/graph.ts';
import { cloneGraph } from '../ir/graph.ts';
import { graphStats } from '../ir/stats.ts';
import { evaluate } from '../train/evaluate.ts';
import { initWeights } from '../train/init.ts';
import { trainGraph } from '../train/train.ts';
import { channelImportance, leastImportant } from './importance.ts';
import { analyzeChannels } from './prune-channel-groups.ts';
import { removeChannels } from './prune-channel-removal.ts';
import { applyMagnitudeMasks, prunableWeights } from './prune-weights.ts';
import type { LotteryColumn } from './lottery-columns.ts';

export { LOTTERY_COLUMNS, meanStd, type LotteryColumn } from './lottery-columns.ts';

export interface LotteryOptions {
  seeds: number[];
  epochs: number;
  learningRate: number;
  batchSize: number;
  /** Unstructured: fraction of weights pruned (per layer, by magnitude). */
  sparsity: number;
  /** Structured: fraction of each hidden layer's neurons / filters removed (by L1 norm). */
  channelFraction: number;
  /** Fine-tuning epochs for the 'fine-tuned' column. */
  fineTuneEpochs: number;
  /** Scratch-B trains epochs × (dense MACs / pruned MACs), at most this many times the epochs (the paper caps at 2). */
  scratchBCap: number;
  /** What runs now, and the fraction of all training epochs done (scratch-B counted at its cap until its budget is known). */
  onProgress?: (message: string, fraction?: number) => void;
}

export interface LotteryRow {
  kind: 'unstructured' | 'structured';
  /** Remaining fraction of weights (unstructured) or params (structured). */
  kept: number;
  scratchBEpochs: number;
  /** Per column, top-1 of each seed. */
  runs: Record<LotteryColumn, number[]>;
}

/** Copies `mask`s from `from` onto the same-named weights of `to`, zeroing the pruned entries. */
function withMasks(to: Graph, from: Graph): Graph {
  const g = cloneGraph(to);
  for (const w of prunableWeights(from)) {
    const m = from.tensors[w.tensor]!.mask;
    if (!m) continue;
    const t = g.tensors[w.tensor]!;
    t.mask = m.slice();
    for (let i = 0; i < m.length; i++) if (!m[i]) t.data![i] = 0;
  }
  return g;
}

/** Multiply-accumulates that touch a kept weight (what a sparse kernel would do). */
function effectiveMacs(g: Graph): number {
  let macs = 0;
  for (const l of graphStats(g).layers) {
    const n = g.nodes.find((x) => x.name === l.node)!;
    const m = g.tensors[n.inputs[1] ?? '']?.mask;
    macs += m ? l.macs * (m.reduce((a, b) => a + b, 0) / m.length) : l.macs;
  }
  return macs;
}

export async function runLottery(arch: Graph, train: Dataset, test: Dataset, o: LotteryOptions): Promise<LotteryRow[]> {
  const empty = (): Record<LotteryColumn, number[]> => ({ unpruned: [], 'fine-tuned': [], lottery: [], 'scratch-e': [], 'scratch-b': [] });
  const rows: LotteryRow[] = [
    { kind: 'unstructured', kept: 1 - o.sparsity, scratchBEpochs: 0, runs: empty() },
    { kind: 'structured', kept: 0, scratchBEpochs: 0, runs: empty() },
  ];
  // Epochs of all runs: per seed the dense one, then per pruning kind fine-tuned + lottery + scratch-E + scratch-B.
  const cap = Math.round(o.epochs * o.scratchBCap);
  const allEpochs = () =>
    o.seeds.length * (o.epochs + 2 * (o.fineTuneEpochs + 2 * o.epochs) + (rows[0].scratchBEpochs || cap) + (rows[1].scratchBEpochs || cap));
  const batches = Math.max(1, Math.ceil(train.size / o.batchSize));
  let trained = 0;
  let now = '';
  const fit = async (g: Graph, epochs: number, seed: number) => {
    const onProgress = (epoch: number, b: number) => o.onProgress?.(now, Math.min(1, (trained + epoch + (b + 1) / batches) / allEpochs()));
    const r = await trainGraph(g, train, {
      epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      seed,
      optimizer: 'adam',
      onProgress,
    });
    trained += epochs;
    return r.graph;
  };
  const top1 = async (g: Graph) => (await evaluate(g, test)).top1;
  const budget = (dense: number, pruned: number) =>
    Math.max(o.epochs, Math.round(o.epochs * Math.min(o.scratchBCap, dense / Math.max(1, pruned))));

  for (const seed of o.seeds) {
    const say = (m: string) => o.onProgress?.((now = `seed ${seed}: ${m}`), trained / allEpochs());
    const init = initWeights(arch, seed);
    say(`training the dense network (${o.epochs} epochs)`);
    const dense = await fit(init, o.epochs, seed);
    const denseTop1 = await top1(dense);
    const denseMacs = graphStats(dense).totals.macs;

    // Unstructured: one-shot per-layer magnitude masks on the trained weights.
    const pruned = cloneGraph(dense);
    applyMagnitudeMasks(pruned, { sparsity: o.sparsity, scope: 'per-layer' });
    const u = rows[0]!;
    u.scratchBEpochs = budget(denseMacs, effectiveMacs(pruned));
    u.runs.unpruned.push(denseTop1);
    say('unstructured: fine-tuned / lottery / scratch-E / scratch-B');
    u.runs['fine-tuned'].push(await top1(await fit(pruned, o.fineTuneEpochs, seed + 1)));
    u.runs.lottery.push(await top1(await fit(withMasks(init, pruned), o.epochs, seed + 2)));
    const fresh = initWeights(arch, seed + 1000);
    u.runs['scratch-e'].push(await top1(await fit(withMasks(fresh, pruned), o.epochs, seed + 3)));
    u.runs['scratch-b'].push(await top1(await fit(withMasks(fresh, pruned), u.scratchBEpochs, seed + 4)));

    // Structured: remove the lowest-L1 neurons / filters; the lottery ticket keeps the same channels of the initial weights.
    const a = analyzeChannels(dense);
    const scores = await channelImportance(dense, a, 'l1');
    const remove = new Map<number, number[]>();
    for (const gr of a.prunable()) {
      const k = Math.min(gr.size - 1, Math.round(o.channelFraction * gr.size));
      if (k > 0) remove.set(gr.id, leastImportant(scores.get(gr.id)!, k));
    }
    const thin = removeChannels(dense, remove, a);
    const thinInit = removeChannels(init, remove, analyzeChannels(init));
    const s = rows[1]!;
    s.kept = graphStats(thin).totals.params / graphStats(dense).totals.params;
    s.scratchBEpochs = budget(denseMacs, graphStats(thin).totals.macs);
    s.runs.unpruned.push(denseTop1);
    say('structured: fine-tuned / lottery / scratch-E / scratch-B');
    s.runs['fine-tuned'].push(await top1(await fit(thin, o.fineTuneEpochs, seed + 1)));
    s.runs.lottery.push(await top1(await fit(thinInit, o.epochs, seed + 2)));
    const thinFresh = initWeights(thin, seed + 1000);
    s.runs['scratch-e'].push(await top1(await fit(thinFresh, o.epochs, seed + 3)));
    s.runs['scratch-b'].push(await top1(await fit(thinFresh, s.scratchBEpochs, seed + 4)));
  }
  return rows;
}
