// Depthwise-separable conversion: a Conv k×k×I×O becomes a DepthwiseConv k×k×I and a pointwise 1×1×I×O (k²I + IO
// parameters instead of k²IO). Initialised by a rank-1 fit of each input channel's filters, then the pointwise layer is
// refitted by least squares to the original layer's outputs on calibration data, then recovered by distillation.
import type { tf as TF } from '../train/tf.ts';
import type { Graph, Node, TensorData } from '../ir/graph.ts';
import { cloneGraph } from '../ir/graph.ts';
import { graphStats } from '../ir/stats.ts';
import { inferShapes } from '../ir/shape-inference.ts';
import { validateGraph } from '../ir/validate.ts';
import { distillTrain } from './distill.ts';
import { svd } from './lowrank.ts';
import { layerNotApplicable, type LayerRow, type Pass } from './pass.ts';
import {
  accuracy,
  compareFigures,
  fineTuneOptions,
  fineTuneParams,
  pct,
  requireDataset,
  splitData,
  type CompressReport,
} from './prune-finetune.ts';
import { calibrationSamples } from './prune-structured.ts';

/** Conv2D + DepthwiseConv2D parameters (weights and biases): the figure the conversion shrinks. */
export function convParams(g: Graph): number {
  return graphStats(g)
    .layers.filter((l) => l.op === 'Conv2D' || l.op === 'DepthwiseConv2D')
    .reduce((s, l) => s + l.params, 0);
}

/** Replaces Conv2D `node` in `g` by depthwise + pointwise, initialised by a rank-1 SVD per input channel
 *  (W[o,·,·,i] ≈ p[o,i]·d[·,·,i], the best separable fit in the weights). Returns the new node names. */
export function separateConv(g: Graph, node: Node<'Conv2D'>): { depthwise: string; pointwise: string } {
  const w = g.tensors[node.inputs[1]!]!;
  const [o, kh, kw, ci] = w.shape as [number, number, number, number];
  const taps = kh * kw;
  const dw = new Float32Array(taps * ci);
  const pw = new Float32Array(o * ci);
  for (let i = 0; i < ci; i++) {
    const m = new Float64Array(o * taps);
    for (let oo = 0; oo < o; oo++) for (let t = 0; t < taps; t++) m[oo * taps + t] = w.data![(oo * taps + t) * ci + i]!;
    const d = svd(m, o, taps);
    const root = Math.sqrt(d.s[0]!);
    for (let t = 0; t < taps; t++) dw[t * ci + i] = d.v[t * d.rank]! * root;
    for (let oo = 0; oo < o; oo++) pw[oo * ci + i] = d.u[oo * d.rank]! * root;
  }
  const dwName = `${w.name}.depthwise`;
  const pwName = `${w.name}.pointwise`;
  const mid = `${node.outputs[0]}.depthwise`;
  g.tensors[dwName] = { name: dwName, shape: [1, kh, kw, ci], dtype: 'f32', data: dw };
  g.tensors[pwName] = { name: pwName, shape: [o, 1, 1, ci], dtype: 'f32', data: pw };
  g.tensors[mid] = { name: mid, shape: [], dtype: 'f32' };
  const a = node.attrs;
  g.nodes.splice(g.nodes.indexOf(node), 0, {
    name: `${node.name}_depthwise`,
    op: 'DepthwiseConv2D',
    inputs: [node.inputs[0]!, dwName],
    outputs: [mid],
    attrs: { strides: [...a.strides], dilations: [...a.dilations], pads: [...a.pads], multiplier: 1, activation: 'none' },
  });
  const used = g.nodes.some((x) => x !== node && x.inputs.includes(w.name));
  node.inputs = [mid, pwName, ...node.inputs.slice(2)];
  node.attrs = { ...a, strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0] };
  if (!used) delete g.tensors[w.name];
  return { depthwise: `${node.name}_depthwise`, pointwise: node.name };
}

/** Solves (A + λI)·X = B for symmetric positive A (n×n) and B (n×k), row-major, by Gaussian elimination. */
export function solveRidge(a: Float64Array, b: Float64Array, n: number, k: number, lambda: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) m[i * n + i] += lambda;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    if (p !== c) {
      for (let j = 0; j < n; j++) [m[c * n + j], m[p * n + j]] = [m[p * n + j]!, m[c * n + j]!];
      for (let j = 0; j < k; j++) [x[c * k + j], x[p * k + j]] = [x[p * k + j]!, x[c * k + j]!];
    }
    const piv = m[c * n + c]!;
    if (Math.abs(piv) < 1e-300) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c]! / piv;
      if (f === 0) continue;
      for (let j = c; j < n; j++) m[r * n + j] -= f * m[c * n + j]!;
      for (let j = 0; j < k; j++) x[r * k + j] -= f * x[c * k + j]!;
    }
  }
  for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) x[r * k + j] /= m[r * n + r]! || 1;
  return x;
}

/** Refits the pointwise weights and bias of a converted conv by least squares: depthwise outputs of the converted
 *  graph (so earlier conversions' errors are absorbed) → pre-activation outputs of the original conv. */
async function fitPointwise(
  orig: Graph,
  origNode: Node<'Conv2D'>,
  conv: Graph,
  names: { depthwise: string; pointwise: string },
  samples: Record<string, TensorData>[],
): Promise<void> {
  // Lazy: tfjs takes seconds to load and the pass registry is loaded by every CLI command.
  const { tf } = await import('../train/tf.ts');
  await (await import('../train/backend.ts')).initBackend();
  const { toTfjs } = await import('../train/to-tfjs.ts');
  const input = orig.inputs[0]!;
  const shape = orig.tensors[input]!.shape;
  const a = toTfjs(orig);
  const b = toTfjs(conv);
  const dwNode = conv.nodes.find((n) => n.name === names.depthwise)!;
  const pwNode = conv.nodes.find((n) => n.name === names.pointwise)! as Node<'Conv2D'>;
  try {
    const [ata, atb, ci, o] = tf.tidy(() => {
      const x = tf.tensor(Float32Array.from(samples.flatMap((s) => Array.from(s[input] as Float32Array))), [
        samples.length,
        ...shape.slice(1),
      ]);
      const xin = a.forward({ [input]: x }, [origNode.inputs[0]!])[origNode.inputs[0]!]! as TF.Tensor4D;
      const wt = orig.tensors[origNode.inputs[1]!]!;
      const w = tf.transpose(tf.tensor4d(wt.data as Float32Array, wt.shape as [number, number, number, number]), [1, 2, 3, 0]);
      const p = origNode.attrs.pads;
      const pads: [[number, number], [number, number], [number, number], [number, number]] = [
        [0, 0],
        [p[0], p[2]],
        [p[1], p[3]],
        [0, 0],
      ];
      const y = tf.conv2d(xin, w, origNode.attrs.strides, pads);
      const z = b.forward({ [input]: x }, [dwNode.outputs[0]!])[dwNode.outputs[0]!]!;
      const c = z.shape.at(-1)!;
      const oc = y.shape.at(-1)!;
      const zf = tf.concat([tf.reshape(z, [-1, c]), tf.ones([z.size / c, 1])], 1); // [rows, I+1]: bias column
      return [tf.matMul(zf, zf, true, false).dataSync(), tf.matMul(zf, tf.reshape(y, [-1, oc]), true, false).dataSync(), c, oc] as const;
    });
    const n = ci + 1;
    const scale = Array.from({ length: n }, (_, i) => ata[i * n + i]!).reduce((s, v) => s + v, 0) / n;
    const sol = solveRidge(Float64Array.from(ata), Float64Array.from(atb), n, o, 1e-6 * scale);
    const pw = conv.tensors[pwNode.inputs[1]!]!.data as Float32Array;
    for (let oo = 0; oo < o; oo++) for (let i = 0; i < ci; i++) pw[oo * ci + i] = sol[i * o + oo]!;
    const biasName = pwNode.inputs[2];
    if (biasName) {
      const bias = conv.tensors[biasName]!;
      bias.data = Float32Array.from({ length: o }, (_, oo) => sol[ci * o + oo]!);
    }
  } finally {
    a.dispose();
    b.dispose();
  }
}

export const depthwiseSeparable: Pass = {
  name: 'depthwise',
  description: 'replaces k×k convolutions by depthwise + pointwise (k²I + IO parameters), fitted to the original then distilled',
  params: {
    min_in_channels: {
      type: 'number',
      min: 1,
      max: 1e6,
      integer: true,
      default: 2,
      description: 'convert convs with at least this many input channels (a 1-channel depthwise is too weak)',
    },
    fit: {
      type: 'enum',
      values: ['outputs', 'weights'],
      default: 'outputs',
      description: 'least-squares refit of the pointwise layer on calibration outputs, or the rank-1 weight fit only',
    },
    calibration_samples: { type: 'number', min: 1, max: 100000, integer: true, default: 256, description: 'samples for the output fit' },
    temperature: { type: 'number', min: 0.1, max: 100, default: 4, description: 'distillation temperature for the recovery' },
    alpha: { type: 'number', min: 0, max: 1, default: 0.7, description: 'weight of the teacher (original model) in the recovery loss' },
    ...fineTuneParams,
    epochs: { ...fineTuneParams.epochs, default: 3, description: 'distillation epochs from the original model (0 = none)' },
  },
  async run(ir, options, log) {
    const { params, data } = options;
    for (const n of ir.nodes) {
      if (n.op === 'Conv2D' && n.attrs.groups > 1)
        layerNotApplicable('depthwise', n, `it is already a grouped convolution (groups = ${n.attrs.groups})`, options, log);
    }
    const ft = fineTuneOptions(params);
    if (ft.epochs > 0) requireDataset(data, 'depthwise', 'recover by distillation from the original model');
    const split = data.dataset ? splitData(data.dataset, Number(params.samples), Number(params.val_samples), data.validation) : undefined;
    const samples = params.fit === 'outputs' ? calibrationSamples(ir, data, Number(params.calibration_samples)) : [];
    let g = cloneGraph(ir);
    const layers: LayerRow[] = [];
    const notes: string[] = [];
    const convs = ir.nodes.filter(
      (n): n is Node<'Conv2D'> =>
        n.op === 'Conv2D' &&
        n.attrs.groups === 1 &&
        ir.tensors[n.inputs[1]!]?.dtype === 'f32' &&
        ir.tensors[n.inputs[1]!]?.data !== undefined,
    );
    for (const orig of convs) {
      const [o, kh, kw, ci] = ir.tensors[orig.inputs[1]!]!.shape as [number, number, number, number];
      if (kh * kw === 1 || ci < Number(params.min_in_channels)) continue;
      const before = kh * kw * ci * o;
      const after = kh * kw * ci + ci * o;
      if (after >= before) {
        notes.push(`${orig.name}: k²I + IO = ${after} ≥ k²IO = ${before}; left as is`);
        continue;
      }
      const node = g.nodes.find((n) => n.name === orig.name) as Node<'Conv2D'>;
      const names = separateConv(g, node);
      g = inferShapes(g);
      if (samples.length) {
        log.progress(`depthwise: fitting ${orig.name} to its outputs on ${samples.length} samples`);
        await fitPointwise(ir, orig, g, names, samples);
      }
      layers.push({
        node: orig.name,
        op: 'Conv2D',
        params: after,
        bytes_before: before * 4,
        bytes_after: after * 4,
        kernel: `${kh}x${kw}`,
        in_channels: ci,
        out_channels: o,
        weights_before: before,
        weights_after: after,
      });
    }
    if (samples.length === 0 && params.fit === 'outputs') notes.push('no calibration data: pointwise layers keep the rank-1 weight fit');
    validateGraph(g);
    const accBefore = await accuracy(ir, split?.val);
    const accFit = await accuracy(g, split?.val);
    if (split && ft.epochs > 0) {
      g = await distillTrain(g, [ir], split.train, { ...ft, temperature: Number(params.temperature), alpha: Number(params.alpha) });
    }
    const accAfter = await accuracy(g, split?.val);
    const cb = convParams(ir);
    const ca = convParams(g);
    notes.push(
      `conv parameters ${cb} → ${ca} (${(cb / Math.max(1, ca)).toFixed(2)}× fewer)`,
      `top-1 ${pct(accBefore)} → ${pct(accFit)} after the fit → ${pct(accAfter)} after distillation, ${split?.valLabel ?? '(no labelled data to measure on)'}`,
    );
    const report: CompressReport & { conv_params_before: number; conv_params_after: number } = {
      name: 'depthwise',
      options: { ...params },
      ...compareFigures(ir, g, accBefore, accAfter),
      layers,
      notes,
      conv_params_before: cb,
      conv_params_after: ca,
    };
    return { ir: g, report };
  },
};
