// The `adversarial` recipe step: adversarial training (src/defend) as a pass, so it composes with pruning and
// quantization in a recipe — and so the order (defend then compress, or compress then defend) is the user's choice.
import { TinyforgeError } from '../diagnostics.ts';
import { type Dataset } from '../data/dataset.ts';
import { loadDataset } from '../data/load-dataset.ts';
import { limitDataset } from '../data/dataset.ts';
import { TRAINING_ATTACKS } from '../defend/names.ts';
import { graphSize, type LayerRow, type Pass, type PassLog, type PassReport } from './pass.ts';

/** The labelled training data: the caller's dataset, reloaded with more samples when the caller only loaded a
 *  calibration-sized slice of MNIST (the one dataset known by name). Any other dataset smaller than `samples` is used
 *  whole, and the report says so. */
async function trainingData(ds: Dataset | undefined, samples: number, log: PassLog): Promise<Dataset> {
  if (!ds) {
    throw new TinyforgeError('bad-argument', 'the adversarial step needs labelled training data', {
      notes: ['adversarial training crafts an attack for every training image and trains on it with its true label'],
      hint: 'pass --dataset mnist (CLI) or data.dataset (library) to the pipeline',
    });
  }
  if (ds.size >= samples) return limitDataset(ds, samples);
  if (ds.name === 'mnist-train') return loadDataset('mnist', { split: 'train', limit: samples });
  log.add({
    code: 'fewer-samples',
    severity: 'warning',
    message: `adversarial: trains on the ${ds.size} samples of ${ds.name}, fewer than samples = ${samples}`,
    hint: 'pass a larger dataset, or lower samples in the recipe step',
  });
  return ds;
}

export const adversarial: Pass = {
  name: 'adversarial',
  description:
    'adversarial training: T times, craft attacks on every training image against the current model and train on clean + adversarial',
  params: {
    attack: { type: 'enum', values: TRAINING_ATTACKS, default: 'pgd', description: 'attack A used to find the holes' },
    eps: {
      type: 'number',
      min: 0,
      max: 1e6,
      default: 0.1,
      description: "budget in the model's preprocessed input space (checked against its valid range)",
    },
    iterations: {
      type: 'number',
      min: 1,
      max: 1000,
      integer: true,
      default: 3,
      description: 'T: how many times the adversarial set is regenerated',
    },
    epochs: {
      type: 'number',
      min: 1,
      max: 1000,
      integer: true,
      default: 1,
      description: 'epochs over clean + adversarial data per iteration',
    },
    steps: {
      type: 'number',
      min: 1,
      max: 1000,
      integer: true,
      default: 10,
      description: 'PGD steps when crafting (step size 2.5·ε/steps)',
    },
    samples: { type: 'number', min: 1, max: 1e7, integer: true, default: 10000, description: 'training images used' },
    lr: { type: 'number', min: 1e-7, max: 1, default: 1e-3, description: 'Adam learning rate of the first iteration' },
    lr_decay: {
      type: 'number',
      min: 0.01,
      max: 1,
      default: 0.5,
      description: 'learning-rate factor from one iteration to the next (as tinyforge defend)',
    },
    seed: { type: 'number', min: 0, max: 2 ** 31, integer: true, default: 0, description: 'seeds random starts and shuffles' },
  },
  async run(ir, { params, data }, log) {
    const quantized = Object.values(ir.tensors).filter((t) => t.dtype === 'i8');
    if (quantized.length) {
      throw new TinyforgeError(
        'bad-argument',
        `adversarial training needs a float model; "${ir.name}" has ${quantized.length} int8 tensors (e.g. "${quantized[0]!.name}")`,
        {
          location: { node: quantized[0]!.name },
          hint: 'put the adversarial step before quantize-int8 in the recipe',
        },
      );
    }
    const ds = await trainingData(data.dataset, params.samples as number, log);
    // Loaded here: the CLI imports the pass registry for every command, and training pulls in tfjs.
    const { adversarialTrain } = await import('../defend/adversarial-training.ts');
    const result = await adversarialTrain(ir, ds, {
      attack: params.attack as string,
      eps: params.eps as number,
      iterations: params.iterations as number,
      epochs: params.epochs as number,
      steps: params.steps as number,
      learningRate: params.lr as number,
      learningRateDecay: params.lr_decay as number,
      seed: params.seed as number,
      onProgress: (p) => log.progress(`adversarial T=${p.iteration}/${params.iterations}: ${p.phase}`, p.done / p.total),
    });
    const before = graphSize(ir);
    const after = graphSize(result.graph);
    const layers: LayerRow[] = result.graph.nodes
      .filter((n) => n.op === 'Dense' || n.op === 'Conv2D' || n.op === 'DepthwiseConv2D')
      .map((n) => {
        const w = result.graph.tensors[n.inputs[1]!]!;
        const count = w.data?.length ?? 0;
        return { node: n.name, op: n.op, params: count, bytes_before: count * 4, bytes_after: count * 4 };
      });
    const report: PassReport = {
      name: 'adversarial',
      options: { ...params },
      params_before: before.params,
      params_after: after.params,
      bytes_before: before.bytes,
      bytes_after: after.bytes,
      layers,
      notes: [
        `${ds.size} training images, ${params.attack} ε=${params.eps}, T=${params.iterations} on the ${result.backend} backend`,
        ...result.history.map(
          (h) =>
            `iteration ${h.iteration}: attack fooled ${(h.attack_success * 100).toFixed(1)}% of training images before the update; train top-1 ${(h.train_acc * 100).toFixed(1)}% on clean+adversarial`,
        ),
      ],
    };
    return { ir: result.graph, report };
  },
};
