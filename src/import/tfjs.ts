// TF.js layers model (model.json + weight shards) → IR. Keras layers are channels-last already, so layouts only change
// for weights: Dense [in,out] → [out,in], Conv2D [KH,KW,I,O] → OHWI; SAME padding is resolved to explicit pads.
import fs from 'node:fs/promises';
import path from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import type { Activation, Graph, Node, OpAttrs, OpType, Pads, Tensor } from '../ir/graph.ts';
import { opDef } from '../ir/ops/index.ts';
import { transposeData } from './onnx-layout.ts';
import { checkTfjsModelJson, shardPath } from './tfjs-check.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface LayerSpec {
  name: string;
  className: string;
  config: Json;
  inbound: string[];
}

const FUSED: Record<string, Activation> = { linear: 'none', relu: 'relu', relu6: 'relu6' };
const SEPARATE: Record<string, OpType> = { sigmoid: 'Sigmoid', tanh: 'Tanh', softmax: 'Softmax' };

class TfjsImport {
  /** No prototype: layer names come from the file, and "constructor" or "__proto__" must be plain keys. */
  readonly tensors: Record<string, Tensor> = Object.create(null);
  readonly nodes: Node[] = [];
  readonly problems: string[] = [];
  constructor(
    readonly file: string,
    readonly weights: Map<string, { shape: number[]; data: Float32Array }>,
  ) {}

  fresh(base: string): string {
    let n = base;
    for (let i = 1; Object.hasOwn(this.tensors, n); i++) n = `${base}_${i}`;
    return n;
  }
  freshNode(base: string): string {
    let n = base;
    for (let i = 1; this.nodes.some((x) => x.name === n); i++) n = `${base}_${i}`;
    return n;
  }
  weight(layer: string, key: string): { shape: number[]; data: Float32Array } {
    const w = this.weights.get(`${layer}/${key}`);
    if (!w) throw new Error(`weight "${layer}/${key}" is missing from the weights manifest`);
    return w;
  }
  constant(name: string, shape: number[], data: ArrayLike<number>): string {
    const n = this.fresh(name);
    this.tensors[n] = { name: n, shape, dtype: 'f32', data: Float32Array.from(data) };
    return n;
  }
  /** Adds a node and infers its output shape with the IR op table. */
  add<K extends OpType>(op: K, name: string, inputs: string[], attrs: OpAttrs[K], outName = name): string {
    const infos = inputs.map((i) => (i ? this.tensors[i] : undefined));
    const def = opDef(op);
    const problems = def.validate(infos, attrs as never);
    if (problems.length) throw new Error(problems.join('; '));
    const out = this.fresh(outName);
    this.tensors[out] = { name: out, shape: def.inferShapes(infos, attrs as never)[0], dtype: 'f32' };
    this.nodes.push({ name: this.freshNode(name), op, inputs, outputs: [out], attrs } as Node);
    return out;
  }
  /** The layer's activation: fused into the op when it can be, else a separate node after it. */
  withActivation(activation: string | undefined, emit: (fused: Activation) => string, name: string): string {
    const act = activation ?? 'linear';
    if (Object.hasOwn(FUSED, act)) return emit(FUSED[act]);
    const op = Object.hasOwn(SEPARATE, act) ? SEPARATE[act] : undefined;
    if (!op) throw new Error(`activation "${act}" is not supported (linear, relu, relu6, sigmoid, tanh, softmax)`);
    const pre = emit('none');
    const attrs = op === 'Softmax' ? { axis: -1, beta: 1 } : {};
    return this.add(op, `${name}/${act}`, [pre], attrs as never, `${name}/${act}`);
  }
}

/** TF 'same' padding: the odd pixel goes to the bottom/right. */
function padsFor(padding: string, inHW: number[], kernel: number[], strides: number[], dil: number[]): Pads {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding !== 'same') throw new Error(`padding "${padding}" is not supported`);
  const t = [0, 1].map((i) => Math.max((Math.ceil(inHW[i] / strides[i]) - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1 - inHW[i], 0));
  return [Math.floor(t[0] / 2), Math.floor(t[1] / 2), t[0] - Math.floor(t[0] / 2), t[1] - Math.floor(t[1] / 2)];
}

const pair = (v: number | number[] | undefined, d: number): [number, number] =>
  v === undefined || v === null ? [d, d] : Array.isArray(v) ? [v[0], v[1]] : [v, v];

function convLayer(im: TfjsImport, l: LayerSpec, x: string): string {
  const c = l.config;
  if (c.data_format === 'channels_first') throw new Error('data_format channels_first is not supported');
  const [, H, W] = im.tensors[x].shape;
  const strides = pair(c.strides, 1),
    dil = pair(c.dilation_rate, 1);
  const bias = (key = 'bias') =>
    c.use_bias !== false ? [im.constant(`${l.name}/${key}`, [im.weight(l.name, key).shape[0]], im.weight(l.name, key).data)] : [];
  if (l.className === 'Conv2D') {
    const k = im.weight(l.name, 'kernel'); // [KH,KW,I,O]
    const pads = padsFor(c.padding, [H, W], k.shape.slice(0, 2), strides, dil);
    const w = im.constant(
      `${l.name}/kernel`,
      [k.shape[3], k.shape[0], k.shape[1], k.shape[2]],
      transposeData(k.data, k.shape, [3, 0, 1, 2], (n) => new Float32Array(n)),
    );
    return im.withActivation(
      c.activation,
      (activation) => im.add('Conv2D', l.name, [x, w, ...bias()], { strides, dilations: dil, pads, groups: 1, activation }),
      l.name,
    );
  }
  // Depthwise kernel [KH,KW,C,m] has the same memory order as the IR's [1,KH,KW,C·m].
  const k = im.weight(l.name, 'depthwise_kernel');
  const [KH, KW, C, m] = k.shape;
  const pads = padsFor(c.padding, [H, W], [KH, KW], strides, dil);
  const dw = im.constant(`${l.name}/depthwise_kernel`, [1, KH, KW, C * m], k.data);
  if (l.className === 'DepthwiseConv2D') {
    return im.withActivation(
      c.activation,
      (activation) => im.add('DepthwiseConv2D', l.name, [x, dw, ...bias()], { strides, dilations: dil, pads, multiplier: m, activation }),
      l.name,
    );
  }
  // SeparableConv2D = depthwise (no bias) then a 1×1 conv with the bias and activation.
  const mid = im.add('DepthwiseConv2D', `${l.name}/depthwise`, [x, dw], {
    strides,
    dilations: dil,
    pads,
    multiplier: m,
    activation: 'none',
  });
  const p = im.weight(l.name, 'pointwise_kernel'); // [1,1,C·m,O]
  const pw = im.constant(
    `${l.name}/pointwise_kernel`,
    [p.shape[3], 1, 1, p.shape[2]],
    transposeData(p.data, p.shape, [3, 0, 1, 2], (n) => new Float32Array(n)),
  );
  return im.withActivation(
    c.activation,
    (activation) =>
      im.add('Conv2D', l.name, [mid, pw, ...bias()], { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], groups: 1, activation }),
    l.name,
  );
}

function layer(im: TfjsImport, l: LayerSpec, ins: string[]): string {
  const c = l.config;
  const x = ins[0];
  const shape = x ? im.tensors[x].shape : [];
  switch (l.className) {
    case 'Dense': {
      if (shape.length !== 2) throw new Error(`Dense on a rank-${shape.length} input is not supported (flatten first)`);
      const k = im.weight(l.name, 'kernel'); // [in, out]
      const w = im.constant(
        `${l.name}/kernel`,
        [k.shape[1], k.shape[0]],
        transposeData(k.data, k.shape, [1, 0], (n) => new Float32Array(n)),
      );
      const b = c.use_bias !== false ? [im.constant(`${l.name}/bias`, [k.shape[1]], im.weight(l.name, 'bias').data)] : [];
      return im.withActivation(c.activation, (activation) => im.add('Dense', l.name, [x, w, ...b], { activation }), l.name);
    }
    case 'Conv2D':
    case 'DepthwiseConv2D':
    case 'SeparableConv2D':
      return convLayer(im, l, x);
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const kernel = pair(c.pool_size, 2);
      const strides = pair(c.strides ?? c.pool_size, 2);
      const pads = padsFor(c.padding ?? 'valid', shape.slice(1, 3), kernel, strides, [1, 1]);
      if (l.className === 'MaxPooling2D') return im.add('MaxPool', l.name, [x], { kernel, strides, pads, activation: 'none' });
      return im.add('AveragePool', l.name, [x], { kernel, strides, pads, countIncludePad: false, activation: 'none' });
    }
    case 'GlobalAveragePooling2D': {
      const pooled = im.add('GlobalAveragePool', l.name, [x], {}, c.keepdims ? l.name : `${l.name}/pooled`);
      return c.keepdims ? pooled : im.add('Reshape', `${l.name}/flatten`, [pooled], { shape: [shape[0], shape[3]] }, l.name);
    }
    case 'BatchNormalization': {
      const axis = c.axis ?? -1;
      if (axis !== -1 && axis !== shape.length - 1) throw new Error(`axis ${axis} is not supported (only the channel axis, last)`);
      const C = shape[shape.length - 1];
      const get = (key: string, on: boolean, dflt: number) => (on ? im.weight(l.name, key).data : new Float32Array(C).fill(dflt));
      const ps = [
        im.constant(`${l.name}/gamma`, [C], get('gamma', c.scale !== false, 1)),
        im.constant(`${l.name}/beta`, [C], get('beta', c.center !== false, 0)),
        im.constant(`${l.name}/moving_mean`, [C], im.weight(l.name, 'moving_mean').data),
        im.constant(`${l.name}/moving_variance`, [C], im.weight(l.name, 'moving_variance').data),
      ];
      return im.add('BatchNormalization', l.name, [x, ...ps], { epsilon: c.epsilon ?? 1e-3 });
    }
    case 'Flatten':
      // Keras flattens NHWC row-major, which is the IR's memory order: a plain reshape.
      return im.add('Reshape', l.name, [x], { shape: [shape[0], shape.slice(1).reduce((a, b) => a * b, 1)] });
    case 'Reshape':
      return im.add('Reshape', l.name, [x], { shape: [shape[0], ...c.target_shape] });
    case 'Activation':
      return im.withActivation(
        c.activation,
        (activation) =>
          activation === 'none'
            ? x
            : activation === 'relu'
              ? im.add('Relu', l.name, [x], {})
              : im.add('Clip', l.name, [x], { min: 0, max: 6 }),
        l.name,
      );
    case 'ReLU':
      if (c.max_value === 6) return im.add('Clip', l.name, [x], { min: 0, max: 6 });
      if (c.max_value != null) throw new Error(`ReLU max_value ${c.max_value} is not supported`);
      return im.add('Relu', l.name, [x], {});
    case 'Dropout':
    case 'SpatialDropout2D':
      return x;
    case 'Add':
      return ins
        .slice(1)
        .reduce((acc, y, i) => im.add('Add', i === ins.length - 2 ? l.name : `${l.name}/${i}`, [acc, y], { activation: 'none' }), x);
    case 'Concatenate': {
      const axis = c.axis ?? -1;
      return im.add('Concat', l.name, ins, { axis: axis < 0 ? axis + shape.length : axis });
    }
    default:
      throw new UnsupportedLayer();
  }
}

class UnsupportedLayer extends Error {}

function parseLayers(topology: Json): { layers: LayerSpec[]; inputs: string[]; outputs: string[] } {
  const cls = topology.class_name;
  const cfg = topology.config;
  if (cls === 'Sequential') {
    const list: Json[] = Array.isArray(cfg) ? cfg : cfg.layers;
    const layers: LayerSpec[] = [];
    let prev = '';
    for (const l of list) {
      const name = l.config.name;
      if (l.class_name === 'InputLayer') {
        layers.push({ name, className: 'InputLayer', config: l.config, inbound: [] });
        prev = name;
        continue;
      }
      if (!prev) {
        const inputName = `${name}_input`;
        layers.push({ name: inputName, className: 'InputLayer', config: { batch_input_shape: l.config.batch_input_shape }, inbound: [] });
        prev = inputName;
      }
      layers.push({ name, className: l.class_name, config: l.config, inbound: [prev] });
      prev = name;
    }
    return { layers, inputs: [layers[0].name], outputs: [prev] };
  }
  if (cls === 'Model' || cls === 'Functional') {
    const layers: LayerSpec[] = cfg.layers.map((l: Json) => ({
      name: l.name,
      className: l.class_name,
      config: l.config,
      inbound: (l.inbound_nodes?.[0] ?? []).map((t: unknown[]) => String(t[0])),
    }));
    return {
      layers,
      inputs: cfg.input_layers.map((t: unknown[]) => String(t[0])),
      outputs: cfg.output_layers.map((t: unknown[]) => String(t[0])),
    };
  }
  throw new Error(`model class "${cls}" is not a Sequential or functional Model`);
}

async function readWeights(file: string, manifest: Json[]): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const group of manifest) {
    // Each shard must be a regular file inside the model's folder (tfjs-check.ts), checked before anything is read.
    const shards = (group.paths as string[]).map((p) => shardPath(file, p));
    const parts = await Promise.all(shards.map((p) => fs.readFile(p)));
    const buf = Buffer.concat(parts);
    let offset = 0;
    for (const w of group.weights) {
      const n = (w.shape as number[]).reduce((a, b) => a * b, 1);
      if (w.dtype !== 'float32' || w.quantization) {
        throw new TinyforgeError(
          'unsupported-dtype',
          `weight "${w.name}" is ${w.quantization ? 'quantized' : w.dtype}; tinyforge reads float32 TF.js weights`,
          { location: { file }, hint: 'save the model without weight quantization' },
        );
      }
      if (offset + n * 4 > buf.length)
        throw new TinyforgeError('bad-model-file', `the weight shards of ${file} end before weight "${w.name}"`, {
          location: { file },
          hint: 'the shards are truncated; save the model again',
        });
      out.set(w.name, {
        shape: w.shape,
        data: new Float32Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + n * 4)),
      });
      offset += n * 4;
    }
  }
  return out;
}

/** Imports a TF.js layers model from its model.json path (weight shards are read from the same folder). */
export async function importTfjs(modelJsonPath: string): Promise<Graph> {
  let json: Json;
  try {
    json = JSON.parse(await fs.readFile(modelJsonPath, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new TinyforgeError('file-not-found', `model file ${modelJsonPath} does not exist`, {
        location: { file: modelJsonPath },
        hint: 'check the path to model.json',
      });
    throw new TinyforgeError('bad-model-file', `${modelJsonPath} is not valid JSON: ${(e as Error).message}`, {
      location: { file: modelJsonPath },
      hint: 'pass the model.json written by model.save() of a TF.js layers model',
    });
  }
  checkTfjsModelJson(json, modelJsonPath);
  const topology = json.modelTopology?.model_config ?? json.modelTopology;
  if (!topology?.class_name || !Array.isArray(json.weightsManifest)) {
    throw new TinyforgeError('bad-model-file', `${modelJsonPath} is not a TF.js layers model (no modelTopology or weightsManifest)`, {
      location: { file: modelJsonPath },
      hint:
        json.format === 'graph-model'
          ? 'TF.js graph models are not supported; convert the Keras model with tensorflowjs_converter --output_format tfjs_layers_model'
          : 'pass the model.json written by model.save() of a TF.js layers model',
    });
  }
  const im = new TfjsImport(modelJsonPath, await readWeights(modelJsonPath, json.weightsManifest));
  let spec: ReturnType<typeof parseLayers>;
  try {
    spec = parseLayers(topology);
  } catch (e) {
    throw new TinyforgeError('bad-model-file', `${modelJsonPath}: ${(e as Error).message}`, { location: { file: modelJsonPath } });
  }
  const produced = new Map<string, string>();
  const unsupported: string[] = [];
  const rejected: string[] = [];
  for (const l of spec.layers) {
    if (l.className === 'InputLayer') {
      const dims = (l.config.batch_input_shape as (number | null)[]).map((d, i) => (d == null && i === 0 ? 1 : d));
      if (dims.some((d) => d == null)) {
        throw new TinyforgeError(
          'dynamic-shape',
          `input "${l.name}" has a dynamic dimension (${JSON.stringify(l.config.batch_input_shape)})`,
          { location: { file: modelJsonPath, node: l.name }, hint: 'build the model with a fixed inputShape' },
        );
      }
      im.tensors[l.name] = { name: l.name, shape: dims as number[], dtype: 'f32' };
      produced.set(l.name, l.name);
      continue;
    }
    const ins = l.inbound.map((i) => produced.get(i));
    if (ins.some((i) => i === undefined)) continue; // after an unsupported layer, already reported
    try {
      produced.set(l.name, layer(im, l, ins as string[]));
    } catch (e) {
      if (e instanceof UnsupportedLayer) unsupported.push(`layer "${l.name}" (${l.className})`);
      else if (e instanceof TinyforgeError) throw e;
      else rejected.push(`layer "${l.name}" (${l.className}): ${(e as Error).message}`);
    }
  }
  if (unsupported.length || rejected.length) {
    throw new TinyforgeError(
      unsupported.length ? 'unsupported-op' : 'unsupported-attribute',
      `${unsupported.length + rejected.length} layer(s) of ${path.basename(modelJsonPath)} cannot be compiled by tinyforge`,
      {
        location: { file: modelJsonPath },
        notes: [...unsupported, ...rejected],
        hint: 'supported layers: Dense, Conv2D, DepthwiseConv2D, SeparableConv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, BatchNormalization, Flatten, Reshape, Activation, ReLU, Dropout, Add, Concatenate',
      },
    );
  }
  return {
    name: topology.config?.name ?? path.basename(path.dirname(modelJsonPath)),
    inputs: spec.inputs,
    outputs: spec.outputs.map((o) => produced.get(o)!),
    tensors: im.tensors,
    nodes: im.nodes,
    metadata: { source: { path: modelJsonPath, format: 'tfjs' }, inputLayout: 'NHWC', outputLayout: 'NHWC' },
  };
}
