// Post-training int8 quantization (TFLite full-integer): float Graph + calibration samples → int8 Graph whose inputs
// and outputs are i8 (an index output, ArgMax's, stays int32), weights per-channel symmetric i8, biases i32 (s_in·s_w),
// activations asymmetric i8.
// Ops without an int8 kernel run in float between a Dequantize and a Quantize node.

import { TinyforgeError } from '../diagnostics.ts';
import { cloneGraph, type Graph, type Node, type QuantParams, type Tensor } from '../ir/graph.ts';
import { opDef } from '../ir/ops/index.ts';
import { fuseActivations } from '../ir/optimize.ts';
import { int8Kernels } from '../reference/int8/index.ts';
import { SOFTMAX_MAX_DEPTH, SOFTMAX_OUTPUT_SCALE, SOFTMAX_OUTPUT_ZERO_POINT } from '../reference/int8/softmax.ts';
import { calibrate, type TensorRange } from './calibrate.ts';
import { graphSize, type Pass, type PassReport } from './pass.ts';
import {
  activationQuant,
  quantizeBias,
  quantizeClusteredWeights,
  quantizeConstantPerTensor,
  quantizeWeightsPerChannel,
  quantizeWeightsPerTensor,
} from './quant-params.ts';
import { layerRows } from './quantize-int8-report.ts';
import { hiddenRange, quantizeRecurrentWeights } from './quantize-recurrent.ts';

/** Can this node run on the int8 kernels? (Softmax only over the last axis and up to 511 classes.) */
function runsInInt8(node: Node, g: Graph, floatRecurrent: boolean): boolean {
  if (node.op === 'Quantize' || node.op === 'Dequantize' || !int8Kernels[node.op]) return false;
  if (floatRecurrent && (node.op === 'GRU' || node.op === 'LSTM')) return false;
  // XNOR layers compute on the sign of a float activation (tfg_*_f32_xnor): they stay float islands in an int8 graph.
  if ((node.attrs as { binarizeInput?: boolean }).binarizeInput) return false;
  if (node.op === 'Softmax') {
    const shape = g.tensors[node.inputs[0]].shape;
    const axis = node.attrs.axis < 0 ? node.attrs.axis + shape.length : node.attrs.axis;
    return axis === shape.length - 1 && shape[shape.length - 1] <= SOFTMAX_MAX_DEPTH && node.attrs.beta > 0;
  }
  return true;
}

export interface QuantizeInt8Result {
  graph: Graph;
  floatNodes: string[];
  /** Weights whose half storage became plain int8 (1 byte a weight, half of half's 2). */
  halfToInt8: string[];
}

/** The core of the pass, usable without the pipeline: `ranges` come from `calibrate(g, …)` on the same graph `g`. */
export function quantizeGraphInt8(
  g: Graph,
  ranges: Record<string, TensorRange>,
  opts: { perChannel?: boolean; floatRecurrent?: boolean } = {},
): QuantizeInt8Result {
  const perChannel = opts.perChannel ?? true;
  const tensors: Record<string, Tensor> = Object.create(null);
  const nodes: Node[] = [];
  const floatNodes: string[] = [];
  const halfToInt8: string[] = [];
  const dequantized = new Map<string, string>(); // i8 tensor → its f32 copy (float-fallback inputs)

  const rangeOf = (name: string): TensorRange => {
    const r = ranges[name];
    if (!r)
      throw new TinyforgeError('no-calibration-data', `no calibrated range for tensor "${name}"`, {
        hint: 'calibrate on the same graph you quantize',
      });
    return r;
  };
  const activation = (name: string, quant: QuantParams): Tensor => ({
    ...g.tensors[name],
    shape: [...g.tensors[name].shape],
    dtype: 'i8',
    quant,
    data: undefined,
  });

  for (const name of g.inputs) tensors[name] = activation(name, activationQuant(rangeOf(name)));

  for (const node of g.nodes) {
    if (!runsInInt8(node, g, opts.floatRecurrent ?? false)) {
      // Float island: Dequantize each activation input, run the op in float, Quantize its outputs back.
      floatNodes.push(`${node.name} (${node.op})`);
      const inputs = node.inputs.map((name) => {
        if (!name || g.tensors[name].data) {
          if (name) tensors[name] ??= { ...g.tensors[name], shape: [...g.tensors[name].shape], data: g.tensors[name].data?.slice() };
          return name;
        }
        let f = dequantized.get(name);
        if (!f) {
          f = `${name}/dequantized`;
          tensors[f] = { ...g.tensors[name], name: f, dtype: 'f32', quant: undefined };
          nodes.push({ name: `${name}/dequantize`, op: 'Dequantize', inputs: [name], outputs: [f], attrs: {} });
          dequantized.set(name, f);
        }
        return f;
      });
      const outputs = node.outputs.map((o) => `${o}/float`);
      node.outputs.forEach((o, i) => (tensors[outputs[i]] = { ...g.tensors[o], name: outputs[i] }));
      nodes.push({ ...structuredClone(node), inputs, outputs } as Node);
      node.outputs.forEach((o, i) => {
        tensors[o] = activation(o, activationQuant(rangeOf(o)));
        nodes.push({ name: `${o}/quantize`, op: 'Quantize', inputs: [outputs[i]], outputs: [o], attrs: {} });
      });
      continue;
    }

    const inputQuant = tensors[node.inputs[0]]?.quant;
    if (!inputQuant) {
      throw new TinyforgeError(
        'unsupported-graph',
        `node "${node.name}" (${node.op}) has a constant first input; int8 needs an activation there`,
        { location: { node: node.name, op: node.op } },
      );
    }
    let recurrentQuant: QuantParams | undefined;
    if (node.op === 'GRU' || node.op === 'LSTM') {
      // The output's quantization is the hidden vector's, which starts at initial_h; W, R and B take their scales from
      // the gate rows and from it.
      recurrentQuant = activationQuant(hiddenRange(node, g.tensors, rangeOf));
      Object.assign(tensors, quantizeRecurrentWeights(node, g.tensors, inputQuant.scale[0], recurrentQuant, perChannel));
    }
    node.inputs.forEach((name, i) => {
      if (!name || tensors[name]) return;
      const t = g.tensors[name];
      if (!t.data)
        throw new TinyforgeError('dangling-tensor', `input "${name}" of node "${node.name}" is used before it is produced`, {
          location: { node: node.name, op: node.op },
        });
      const values = t.data as Float32Array;
      const weightAxis = opDef(node.op).weightChannelAxis;
      if (i === 1 && weightAxis !== null && t.storage?.kind === 'clustered') {
        // A clustered layer stays clustered: its codebook becomes int8 codes under one scale (the int8 Huffman kernels).
        const { data, quant, storage } = quantizeClusteredWeights(values, t.storage);
        tensors[name] = { ...t, shape: [...t.shape], dtype: 'i8', data, quant, storage };
      } else if (i === 1 && weightAxis !== null) {
        // Binary weights stay binary (±α per channel quantizes to ±m per channel: tfg_*_s8_b1); half storage has no int8
        // form and int8 takes half its bytes, so it becomes plain int8 (the report notes it).
        const { data, quant } = perChannel ? quantizeWeightsPerChannel(values, t.shape, weightAxis) : quantizeWeightsPerTensor(values);
        const storage = t.storage?.kind === 'f16' ? undefined : t.storage;
        if (t.storage?.kind === 'f16') halfToInt8.push(name);
        tensors[name] = { ...t, shape: [...t.shape], dtype: 'i8', data, quant, storage };
      } else if (i === 2 && weightAxis !== null) {
        const w = tensors[node.inputs[1]];
        const { data, quant } = quantizeBias(values, inputQuant.scale[0], w.quant!.scale);
        tensors[name] = { ...t, shape: [...t.shape], dtype: 'i32', data, quant };
      } else {
        const { data, quant } = quantizeConstantPerTensor(values);
        tensors[name] = { ...t, shape: [...t.shape], dtype: 'i8', data, quant };
      }
    });
    const out = node.outputs[0];
    const rule = opDef(node.op).int8Output;
    if (rule === 'index') {
      tensors[out] = { ...g.tensors[out], shape: [...g.tensors[out].shape] }; // int32 positions: nothing to quantize
      nodes.push(structuredClone(node));
      continue;
    }
    const quant: QuantParams =
      recurrentQuant ??
      (rule === 'input' ? structuredClone(inputQuant) : rule === 'fixed' ? fixedOutputQuant(node) : activationQuant(rangeOf(out)));
    tensors[out] = activation(out, quant);
    nodes.push(structuredClone(node));
  }

  shareConcatScales(nodes, tensors, g.outputs);
  const graph: Graph = {
    name: g.name,
    inputs: [...g.inputs],
    outputs: [...g.outputs],
    tensors,
    nodes,
    metadata: structuredClone(g.metadata),
  };
  return { graph, floatNodes, halfToInt8 };
}

/** The output quantization of an op whose OpDef says int8Output 'fixed'. */
function fixedOutputQuant(node: Node): QuantParams {
  if (node.op === 'Softmax') return { scale: [SOFTMAX_OUTPUT_SCALE], zeroPoint: [SOFTMAX_OUTPUT_ZERO_POINT] };
  throw new TinyforgeError('unsupported-op', `no fixed int8 output quantization is known for ${node.op}`, {
    location: { node: node.name, op: node.op },
  });
}

/** TFLite wants Concat inputs at the output's scale: give it to producers whose output scale is free and whose only
 *  consumer is the Concat. Others keep their scale; the int8 Concat kernel requantizes them. */
function shareConcatScales(nodes: Node[], tensors: Record<string, Tensor>, graphOutputs: string[]): void {
  const consumers = new Map<string, number>();
  for (const n of nodes) for (const i of n.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const producer = new Map<string, Node>();
  for (const n of nodes) for (const o of n.outputs) producer.set(o, n);
  for (const n of [...nodes].reverse()) {
    if (n.op !== 'Concat') continue;
    const q = tensors[n.outputs[0]].quant!;
    for (const i of n.inputs) {
      const p = producer.get(i);
      if (p && opDef(p.op).int8Output === 'free' && consumers.get(i) === 1 && !graphOutputs.includes(i))
        tensors[i].quant = structuredClone(q);
    }
  }
}

export const quantizeInt8: Pass = {
  name: 'quantize-int8',
  description: 'post-training full-integer int8 quantization (TFLite spec) calibrated on sample inputs',
  calibrationParam: 'samples',
  params: {
    percentile: {
      type: 'number',
      min: 90,
      max: 100,
      default: 100,
      description: 'calibration range: 100 = min/max, e.g. 99.99 clips outlier tails',
    },
    samples: {
      type: 'number',
      min: 1,
      max: 100000,
      integer: true,
      default: 100,
      description: 'calibration samples used (the first N given)',
    },
    fuse: { type: 'boolean', default: true, description: 'fold Relu/Relu6 into the preceding Dense/Conv/Add first' },
    weights: {
      type: 'enum',
      values: ['per-channel', 'per-tensor'],
      default: 'per-channel',
      description: 'weight scale granularity (TFLite default: per-channel)',
    },
    recurrent: {
      type: 'enum',
      values: ['int8', 'float'],
      default: 'int8',
      description: 'GRU/LSTM layers in int8 with an int16 state, or kept in float between Dequantize and Quantize (what --stream steps)',
    },
  },
  async run(ir, { params, data }, log) {
    const indexOutputs = new Set(ir.nodes.filter((n) => opDef(n.op).int8Output === 'index').flatMap((n) => n.outputs));
    const notAllFloat = Object.values(ir.tensors).filter(
      (t) => t.dtype !== 'f32' && !(t.dtype === 'i32' && (t.data || indexOutputs.has(t.name))),
    );
    if (notAllFloat.length > 0) {
      throw new TinyforgeError(
        'already-quantized',
        `"${ir.name}" is not a float graph: ${notAllFloat.length} tensors are ${notAllFloat[0].dtype} (e.g. "${notAllFloat[0].name}")`,
        {
          hint: 'quantize-int8 takes a float model; drop the step from the recipe for an already quantized model',
        },
      );
    }
    const samples = (data.calibration ?? []).slice(0, params.samples as number);
    const percentile = params.percentile as number;
    const g = cloneGraph(ir);
    const fused = params.fuse ? fuseActivations(g) : [];
    log.progress('calibrating', 0);
    const ranges = calibrate(g, samples, { percentile, onProgress: (d, t) => log.progress('calibrating', d / t) });
    const { graph, floatNodes, halfToInt8 } = quantizeGraphInt8(g, ranges, {
      perChannel: params.weights === 'per-channel',
      floatRecurrent: params.recurrent === 'float',
    });
    graph.metadata.quantization = { scheme: 'int8', calibration_samples: samples.length, percentile };
    const before = graphSize(ir);
    const after = graphSize(graph);
    const notes = [`calibrated on ${samples.length} samples, ${percentile === 100 ? 'min/max' : `${percentile}th percentile`} ranges`];
    if (fused.length) notes.push(`fused ${fused.length} activations into their producers: ${fused.join(', ')}`);
    const clustered = Object.values(graph.tensors)
      .filter((t) => t.dtype === 'i8' && t.storage?.kind === 'clustered')
      .map((t) => t.name);
    if (clustered.length)
      notes.push(`${clustered.length} clustered weights keep their clusters as int8 codes under one scale each: ${clustered.join(', ')}`);
    if (halfToInt8.length) {
      notes.push(`half storage of ${halfToInt8.join(', ')} becomes int8 (1 byte a weight instead of 2)`);
      log.add({
        code: 'half-to-int8',
        severity: 'info',
        message: `quantize-int8: ${halfToInt8.length} half-stored weights become int8 (smaller)`,
        notes: halfToInt8,
      });
    }
    if (floatNodes.length) {
      notes.push(`${floatNodes.length} nodes stay float between Dequantize/Quantize: ${floatNodes.join(', ')}`);
      log.add({
        code: 'float-fallback',
        severity: 'warning',
        message: `${floatNodes.length} nodes have no int8 kernel and run in float`,
        notes: floatNodes,
      });
    }
    const report: PassReport = {
      name: 'quantize-int8',
      options: { ...params },
      params_before: before.params,
      params_after: after.params,
      bytes_before: before.bytes,
      bytes_after: after.bytes,
      layers: layerRows(g, graph, samples.slice(0, 4)),
      notes,
    };
    return { ir: graph, report };
  },
};
