// Adversarial training as in the lecture notes ("Proactive Defense"): for t = 1..T, find an adversarial example for
// every training image with attack A against the *current* model, label it with the true label, and train on the
// clean + adversarial set. Repeating matters: each update opens new holes, so the set is regenerated every iteration.
import { TinyforgeError } from '../diagnostics.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Graph } from '../ir/graph.ts';
import { initBackend, type BackendName } from '../train/backend.ts';
import { trainGraph } from '../train/train.ts';
import { attackTarget, craftBatched, preprocessedSamples, type AttackParams } from './attack.ts';
import { checkAttackName, whiteBoxAttacks } from './attacks.ts';
import { TRAINING_ATTACKS } from './names.ts';
import { checkCount, checkEpsilon, checkLabels, inputDomain } from './input-domain.ts';

export { TRAINING_ATTACKS };

export interface AdversarialTrainingOptions {
  /** Attack A used to find the holes. */
  attack: string;
  eps: number;
  /** T: how many times the adversarial set is regenerated. */
  iterations: number;
  /** Epochs over clean + adversarial data per iteration (default 1). */
  epochs?: number;
  /** PGD steps when crafting (default 10) and step size (default 2.5·ε/steps). */
  steps?: number;
  stepSize?: number;
  batchSize?: number;
  learningRate?: number;
  /** Learning-rate factor from one iteration to the next (default 1): later iterations refine instead of jumping. */
  learningRateDecay?: number;
  seed?: number;
  /** Model file, for error locations. */
  file?: string;
  onProgress?: (p: { iteration: number; phase: 'craft' | 'train'; done: number; total: number }) => void;
}

export interface AdversarialIteration {
  iteration: number;
  /** Share of training images the attack fooled, on the model as it was before this iteration's update. */
  attack_success: number;
  train_loss: number;
  train_acc: number;
  seconds: number;
}

export interface AdversarialTrainingResult {
  graph: Graph;
  history: AdversarialIteration[];
  backend: BackendName;
}

/** Checks everything before any work starts; throws 'bad-argument' with the valid range. */
export function checkAdversarialOptions(g: Graph, ds: Dataset, opts: AdversarialTrainingOptions): void {
  checkAttackName(opts.attack, TRAINING_ATTACKS);
  checkCount(opts.iterations, 'iterations (T)', 1000);
  if (opts.epochs !== undefined) checkCount(opts.epochs, 'epochs', 1000);
  if (opts.steps !== undefined) checkCount(opts.steps, 'steps', 10000);
  for (const [v, what, example] of [
    [opts.learningRate, 'learning rate (--lr)', '--lr 0.001'],
    [opts.learningRateDecay, 'learning-rate decay (--lr-decay)', '--lr-decay 0.5'],
  ] as const) {
    if (v !== undefined && !(v > 0 && v <= 1)) {
      throw new TinyforgeError('bad-argument', `${what} must be a number in (0, 1], got ${v}`, { hint: `pass e.g. ${example}` });
    }
  }
  const domain = inputDomain(g, ds, opts.file);
  checkEpsilon(opts.eps, domain, whiteBoxAttacks[opts.attack]!.norm);
  checkLabels(ds, g.tensors[g.outputs[0]!]?.shape.at(-1));
}

/** A dataset of already-preprocessed values (the training loop then runs with identity preprocessing). */
function preprocessedDataset(base: Dataset, parts: Float32Array[], labels: Int32Array, size: number): Dataset {
  const n = labels.length;
  return {
    name: `${base.name}-adversarial`,
    size: n * parts.length,
    inputShape: base.inputShape,
    numClasses: base.numClasses,
    get: (i) => ({ x: parts[Math.floor(i / n)]!.subarray((i % n) * size, ((i % n) + 1) * size), label: labels[i % n]! }),
  };
}

/** Runs T iterations of craft-then-train on `ds` (training split); returns a new graph (the input is not changed). */
export async function adversarialTrain(g: Graph, ds: Dataset, opts: AdversarialTrainingOptions): Promise<AdversarialTrainingResult> {
  checkAdversarialOptions(g, ds, opts);
  const backend = await initBackend();
  const domain = inputDomain(g, ds, opts.file);
  const attack = whiteBoxAttacks[opts.attack]!;
  const { x, labels } = preprocessedSamples(ds, domain, g.metadata.preprocess);
  const params: AttackParams = {
    eps: opts.eps,
    steps: opts.attack === 'fgsm' ? 1 : (opts.steps ?? 10),
    stepSize: opts.stepSize,
    randomStart: true,
    seed: opts.seed ?? 0,
  };
  const history: AdversarialIteration[] = [];
  let current = g;
  for (let t = 1; t <= opts.iterations; t++) {
    const t0 = performance.now();
    const target = attackTarget(current, domain);
    let crafted: { adv: Float32Array; stillCorrect: number };
    try {
      // A fresh seed per iteration: new random starts find new holes.
      crafted = craftBatched(
        target,
        attack,
        x,
        labels,
        { ...params, seed: params.seed + t * 100003 },
        {
          onProgress: (done, total) => opts.onProgress?.({ iteration: t, phase: 'craft', done, total }),
        },
      );
    } finally {
      target.dispose();
    }
    const mixed = preprocessedDataset(ds, [x, crafted.adv], labels, domain.size);
    const batches = Math.ceil(mixed.size / (opts.batchSize ?? 64));
    const trained = await trainGraph({ ...current, metadata: { ...current.metadata, preprocess: undefined } }, mixed, {
      epochs: opts.epochs ?? 1,
      batchSize: opts.batchSize ?? 64,
      learningRate: (opts.learningRate ?? 1e-3) * (opts.learningRateDecay ?? 1) ** (t - 1),
      optimizer: 'adam',
      seed: (opts.seed ?? 0) + t,
      onProgress: (epoch, batch) =>
        opts.onProgress?.({ iteration: t, phase: 'train', done: epoch * batches + batch + 1, total: (opts.epochs ?? 1) * batches }),
    });
    current = { ...trained.graph, metadata: structuredClone(g.metadata) };
    const last = trained.history.at(-1)!;
    history.push({
      iteration: t,
      attack_success: labels.length ? 1 - crafted.stillCorrect / labels.length : 0,
      train_loss: last.loss,
      train_acc: last.acc,
      seconds: (performance.now() - t0) / 1000,
    });
  }
  current.metadata.defense = {
    method: 'adversarial-training',
    attack: opts.attack,
    eps: opts.eps,
    iterations: opts.iterations,
    samples: labels.length,
  };
  return { graph: current, history, backend };
}
