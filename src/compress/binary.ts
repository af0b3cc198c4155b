// BinaryConnect pass: trains Dense/Conv2D weights to ±α (1 bit per weight + one α per output channel) with real-valued
// weights kept for the updates (src/train/binary-connect.ts). The first/last layer may stay at full precision
// (keep_first / keep_last). Deployed by the 1-bit kernels (add/sub by sign bit, firmware/kernels/packed/).
// binarize_activations (XNOR-Net / BNN): binary Dense/Conv2D layers fed by another layer also compute on sign(x), trained
// with the hard-tanh straight-through estimator (src/train/to-tfjs.ts), deployed by the XNOR-popcount kernels.
import { TinyforgeError } from '../diagnostics.ts';
import { cloneGraph, type Graph, type Node } from '../ir/graph.ts';
import {
  alphas,
  binarize,
  clipReal,
  initBinaryLayer,
  type AlphaMode,
  type BinarizeMode,
  type BinaryLayerState,
} from '../train/binary-connect.ts';
import { makeRng } from '../train/prng.ts';
import { compressionRows } from './deep-compression-table.ts';
import { graphSize, layerNotApplicable, type Pass, type PassReport } from './pass.ts';
import {
  accuracy,
  distillParams,
  distillTeacher,
  fineTuneOptions,
  fineTuneParams,
  pct,
  requireDataset,
  splitData,
} from './prune-finetune.ts';
import { ArrayAdam, proxyTrain } from './proxy-train.ts';

/** Dense/Conv2D layers to binarize, in graph order, after dropping the kept first/last. */
function binaryLayers(g: Graph, keepFirst: boolean, keepLast: boolean): { node: string; tensor: string }[] {
  const all = g.nodes.filter((n) => (n.op === 'Dense' || n.op === 'Conv2D') && g.tensors[n.inputs[1]]?.data);
  for (const n of all) {
    const t = g.tensors[n.inputs[1]];
    if (t.dtype !== 'f32') {
      throw new TinyforgeError('not-float', `weight "${t.name}" of node "${n.name}" is ${t.dtype}; BinaryConnect trains float weights`, {
        location: { node: n.name, op: n.op },
        hint: 'put binary before quantize-int8 in the recipe',
      });
    }
  }
  const chosen = all.filter((_, i) => !(keepFirst && i === 0) && !(keepLast && i === all.length - 1));
  return chosen.map((n) => ({ node: n.name, tensor: n.inputs[1] }));
}

/** Marks the binary Dense / Conv2D (groups = 1) layers fed by another node as binarized-input (XNOR) layers. A ReLU in
 *  front (a Relu/Clip node, or fused into the producer, looking through Reshape / MaxPool, which commute with sign) would
 *  make every sign +1, so it is bypassed or dropped: the sign then acts as the activation, as in BNNs. */
function binarizeActivations(g: Graph, layers: { node: string }[]): string[] {
  const marked: string[] = [];
  const producerOf = (t: string) => g.nodes.find((p) => p.outputs.includes(t));
  for (const l of layers) {
    const n = g.nodes.find((x) => x.name === l.node)!;
    if (n.op !== 'Dense' && !(n.op === 'Conv2D' && n.attrs.groups === 1)) continue; // the XNOR kernels' scope
    let src = producerOf(n.inputs[0]);
    let origin = src;
    while (origin && (origin.op === 'Reshape' || origin.op === 'Transpose')) origin = producerOf(origin.inputs[0]);
    if (!origin) continue; // fed by the graph input (pixels, maybe reshaped): those keep their values
    while (src && (src.op === 'Relu' || (src.op === 'Clip' && src.attrs.min >= 0))) {
      // A standalone ReLU / Clip(≥0) in front: read its input instead; drop it when nothing else reads it.
      const relu: Node = src;
      n.inputs[0] = relu.inputs[0];
      if (!g.outputs.includes(relu.outputs[0]) && !g.nodes.some((u) => u.inputs.includes(relu.outputs[0]))) {
        g.nodes.splice(g.nodes.indexOf(relu), 1);
        delete g.tensors[relu.outputs[0]];
      }
      src = producerOf(n.inputs[0]);
    }
    if (!src) continue;
    for (;;) {
      if ('activation' in src.attrs && (src.attrs.activation === 'relu' || src.attrs.activation === 'relu6')) {
        (src.attrs as { activation: string }).activation = 'none';
      }
      const next: Node | undefined = src.op === 'Reshape' || src.op === 'MaxPool' ? producerOf(src.inputs[0]) : undefined;
      if (!next) break;
      src = next;
    }
    (n.attrs as { binarizeInput?: boolean }).binarizeInput = true;
    marked.push(n.name);
  }
  return marked;
}

export const binary: Pass = {
  name: 'binary',
  description: 'BinaryConnect: ±α weights (1 bit each), trained with real-valued weights clipped to [-1, 1]',
  params: {
    mode: {
      type: 'enum',
      values: ['deterministic', 'stochastic'],
      default: 'deterministic',
      description: 'binarization in training: sign, or +1 with probability hard_sigmoid(w)',
    },
    alpha: {
      type: 'enum',
      values: ['per-channel', 'per-layer'],
      default: 'per-channel',
      description: 'scale α = mean |w| per output channel or per layer',
    },
    keep_first: { type: 'boolean', default: false, description: 'keep the first Dense/Conv2D layer at full precision' },
    keep_last: { type: 'boolean', default: true, description: 'keep the last Dense/Conv2D layer at full precision' },
    binarize_activations: {
      type: 'boolean',
      default: false,
      description:
        "binary Dense/Conv2D layers fed by another layer compute on sign(x) (XNOR-popcount kernels); the producer's ReLU is dropped",
    },
    ...fineTuneParams,
    epochs: { type: 'number', min: 0, max: 1000, default: 2, description: 'BinaryConnect training epochs (0 = binarize only)' },
    lr: { type: 'number', min: 1e-7, max: 1, default: 1e-3, description: 'Adam learning rate (real weights, biases, kept layers)' },
    ...distillParams,
  },
  async run(ir, options, log) {
    const { params, data } = options;
    const g = cloneGraph(ir);
    for (const n of g.nodes) {
      if (n.op === 'DepthwiseConv2D')
        layerNotApplicable('binary', n, 'there is no binary depthwise kernel; it keeps its weights', options, log);
    }
    const layers = binaryLayers(g, Boolean(params.keep_first), Boolean(params.keep_last)).filter((l) => {
      const stored = g.tensors[l.tensor].storage;
      if (!stored || stored.kind === 'dense') return true;
      layerNotApplicable(
        'binary',
        g.nodes.find((n) => n.name === l.node)!,
        `its weights are already stored ${stored.kind} by an earlier step (binary would undo it)`,
        options,
        log,
      );
      return false;
    });
    if (layers.length === 0) {
      throw new TinyforgeError('nothing-to-compress', `binary: no Dense/Conv2D layer of "${ir.name}" is left to binarize`, {
        hint: 'set keep_first / keep_last to false',
      });
    }
    const xnor = params.binarize_activations ? binarizeActivations(g, layers) : [];
    const ft = fineTuneOptions(params);
    if (ft.epochs > 0) requireDataset(data, 'binary', 'train the binary weights');
    const split = data.dataset ? splitData(data.dataset, Number(params.samples), Number(params.val_samples), data.validation) : undefined;
    const mode = params.mode as BinarizeMode;
    const alphaMode = params.alpha as AlphaMode;
    const rng = makeRng(ft.seed + 17);
    const state = new Map<string, BinaryLayerState & { adam: ArrayAdam }>();
    for (const l of layers) {
      const t = g.tensors[l.tensor];
      state.set(l.tensor, { ...initBinaryLayer(t.data as Float32Array, t.shape[0]), adam: new ArrayAdam(t.data!.length, ft.lr) });
    }
    const accBefore = await accuracy(ir, split?.val);
    let out = g;
    if (ft.epochs > 0) {
      out = await proxyTrain(
        g,
        split!.train,
        {
          epochs: ft.epochs,
          batchSize: ft.batchSize,
          lr: ft.lr,
          seed: ft.seed,
          shift: ft.shift,
          teacher: distillTeacher(ir, params),
          onProgress: (e, b, loss, f) =>
            void (b % 50 === 0 && log.progress(`binary: epoch ${e + 1}, batch ${b}, loss ${loss.toFixed(4)}`, f)),
        },
        {
          proxied: layers.map((l) => l.tensor),
          forwardWeights: (name) => {
            const s = state.get(name)!;
            return binarize(s, alphas(s, alphaMode), mode, rng);
          },
          update: (name, grad) => {
            // BinaryConnect: the gradient at the binary weights moves the real-valued ones, which are then clipped.
            const s = state.get(name)!;
            s.adam.step(s.real, grad);
            clipReal(s);
          },
        },
      );
    }
    // Deploy the deterministic sign of the real weights (also after stochastic training).
    for (const l of layers) {
      const s = state.get(l.tensor)!;
      const alpha = alphas(s, alphaMode);
      const t = out.tensors[l.tensor];
      t.data = binarize(s, alpha, 'deterministic');
      t.storage = { kind: 'binary', alpha };
    }
    const accAfter = await accuracy(out, split?.val);
    const before = graphSize(ir);
    const after = graphSize(out);
    const report: PassReport & Record<string, unknown> = {
      name: 'binary',
      options: { ...params },
      params_before: before.params,
      params_after: after.params,
      bytes_before: before.bytes,
      bytes_after: after.bytes,
      accuracy_before: accBefore ?? null,
      accuracy_after: accAfter ?? null,
      layers: compressionRows(out, ir),
      notes: [
        `${layers.length} layers binarized (${layers.map((l) => l.node).join(', ')}), ${mode} training, α ${alphaMode}; top-1 ${pct(accBefore)} → ${pct(accAfter)} ${split?.valLabel ?? '(no labelled data to measure on)'}`,
        ...(params.binarize_activations
          ? [
              `binarized inputs (XNOR-popcount): ${xnor.length ? xnor.join(', ') : 'none (no binary Dense/Conv2D with groups = 1 is fed by another layer)'}`,
            ]
          : []),
      ],
    };
    return { ir: out, report };
  },
};
