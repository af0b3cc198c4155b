// The TF.js validation layer: model.json is checked for shape (topology, layers, weights manifest: names, shapes,
// dtypes) before any weight is read, and every weight shard path must name a regular file inside the model's own
// folder, so `../../../etc/passwd`, an absolute path, a symlink out of the folder or a FIFO is refused, never read.
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import { isInside } from '../safe-write.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (typeof v === 'number' ? String(v) : (JSON.stringify(v)?.slice(0, 60) ?? 'nothing'));

/** A shard larger than this holds no microcontroller model; reading it would only exhaust memory. */
const MAX_SHARD_BYTES = 2 ** 30;
const MAX_DIM = 2 ** 31 - 1;

function bad(file: string, what: string): TinyforgeError {
  return new TinyforgeError('bad-model-file', `${file} is not a valid TF.js layers model: ${what}`, {
    location: { file },
    hint: 'pass the model.json written by model.save() of a TF.js layers model (tensorflowjs_converter --output_format tfjs_layers_model)',
  });
}

const isDims = (v: unknown, allowNull: boolean): boolean =>
  Array.isArray(v) &&
  v.length <= 8 &&
  v.every((d) => (allowNull && d === null) || (typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= MAX_DIM));
const isIntOrInts = (v: unknown): boolean =>
  (typeof v === 'number' && Number.isInteger(v) && v >= 0) ||
  (Array.isArray(v) && v.length <= 4 && v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0));

/** The types of the config keys the importer reads; other keys are not looked at. */
const CONFIG_KEYS: Readonly<Record<string, (v: unknown) => boolean>> = Object.freeze(
  Object.assign(Object.create(null), {
    name: (v: unknown) => typeof v === 'string',
    batch_input_shape: (v: unknown) => isDims(v, true),
    strides: isIntOrInts,
    dilation_rate: isIntOrInts,
    pool_size: isIntOrInts,
    kernel_size: isIntOrInts,
    padding: (v: unknown) => typeof v === 'string',
    data_format: (v: unknown) => typeof v === 'string' || v === null,
    activation: (v: unknown) => typeof v === 'string' || v === null,
    target_shape: (v: unknown) => isDims(v, false),
    axis: (v: unknown) => (typeof v === 'number' && Number.isInteger(v)) || (Array.isArray(v) && v.every((x) => Number.isInteger(x))),
    epsilon: (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
    max_value: (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v)),
    use_bias: (v: unknown) => typeof v === 'boolean',
    scale: (v: unknown) => typeof v === 'boolean',
    center: (v: unknown) => typeof v === 'boolean',
    keepdims: (v: unknown) => typeof v === 'boolean',
  }),
);

function checkLayer(l: unknown, where: string, file: string, functional: boolean): void {
  if (!isObject(l)) throw bad(file, `${where} is not an object`);
  if (typeof l.class_name !== 'string') throw bad(file, `${where} has no class_name`);
  if (!isObject(l.config)) throw bad(file, `${where} (${l.class_name}) has no config object`);
  const name = functional ? l.name : l.config.name;
  if (typeof name !== 'string' || name === '') throw bad(file, `${where} (${l.class_name}) has no name`);
  for (const [k, v] of Object.entries(l.config)) {
    if (Object.hasOwn(CONFIG_KEYS, k) && v !== undefined && !CONFIG_KEYS[k](v))
      throw bad(file, `layer "${name}" (${l.class_name}): config.${k} is ${show(v)}`);
  }
  if (l.class_name === 'InputLayer' && !isDims(l.config.batch_input_shape, true))
    throw bad(file, `input layer "${name}" has no batch_input_shape`);
  if (functional && l.inbound_nodes !== undefined) {
    const nodes = l.inbound_nodes;
    const ok = Array.isArray(nodes) && nodes.every((n) => Array.isArray(n) && n.every((t) => Array.isArray(t) && typeof t[0] === 'string'));
    if (!ok) throw bad(file, `layer "${name}" (${l.class_name}): inbound_nodes is not a list of [[layer, node, tensor], …]`);
  }
}

function checkTopology(t: unknown, file: string): void {
  if (!isObject(t) || typeof t.class_name !== 'string') throw bad(file, 'modelTopology has no class_name');
  const cfg = t.config;
  if (isObject(cfg) && cfg.name !== undefined && typeof cfg.name !== 'string')
    throw bad(file, `the model's name is ${show(cfg.name)}, not a string`);
  if (t.class_name === 'Sequential') {
    const layers = Array.isArray(cfg) ? cfg : isObject(cfg) ? cfg.layers : undefined;
    if (!Array.isArray(layers) || layers.length === 0) throw bad(file, 'a Sequential model needs a non-empty list of layers');
    layers.forEach((l, i) => checkLayer(l, `layer ${i}`, file, false));
    const first = layers[0] as Json;
    const shape = (first.config as Json).batch_input_shape;
    if (first.class_name !== 'InputLayer' && !isDims(shape, true))
      throw bad(file, `the first layer "${(first.config as Json).name}" has no batch_input_shape`);
    return;
  }
  if (t.class_name === 'Model' || t.class_name === 'Functional') {
    if (!isObject(cfg) || !Array.isArray(cfg.layers)) throw bad(file, `a ${t.class_name} needs config.layers`);
    cfg.layers.forEach((l, i) => checkLayer(l, `layer ${i}`, file, true));
    for (const key of ['input_layers', 'output_layers'] as const) {
      const v = cfg[key];
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => Array.isArray(x) && typeof x[0] === 'string'))
        throw bad(file, `config.${key} is not a list of [layer, node, tensor]`);
    }
  }
}

function checkManifest(m: unknown[], file: string): void {
  m.forEach((group, g) => {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights))
      throw bad(file, `weightsManifest[${g}] is not {paths: […], weights: […]}`);
    group.paths.forEach((p, i) => typeof p !== 'string' && bad(file, `weightsManifest[${g}].paths[${i}] is ${show(p)}, not a file name`));
    if (!group.paths.every((p) => typeof p === 'string'))
      throw bad(file, `weightsManifest[${g}].paths holds something other than file names`);
    group.weights.forEach((w, i) => {
      if (!isObject(w) || typeof w.name !== 'string') throw bad(file, `weightsManifest[${g}].weights[${i}] has no name`);
      if (!isDims(w.shape, false)) throw bad(file, `weight "${w.name}" has shape ${show(w.shape)}; dims are integers 0..${MAX_DIM}`);
      if (typeof w.dtype !== 'string') throw bad(file, `weight "${w.name}" has no dtype`);
    });
  });
}

/** Checks the parsed model.json; throws 'bad-model-file' naming what is wrong. */
export function checkTfjsModelJson(json: unknown, file: string): void {
  if (!isObject(json)) throw bad(file, `it holds ${show(json)}, not a model object`);
  if (json.weightsManifest !== undefined && !Array.isArray(json.weightsManifest)) throw bad(file, 'weightsManifest is not a list');
  const topology =
    isObject(json.modelTopology) && isObject(json.modelTopology.model_config) ? json.modelTopology.model_config : json.modelTopology;
  if (topology === undefined || !Array.isArray(json.weightsManifest)) return; // the importer says what kind of file it is
  checkTopology(topology, file);
  checkManifest(json.weightsManifest, file);
}

/** The path of weight shard `shard` of `modelJson`: a regular file inside the model's folder (symlinks resolved). */
export function shardPath(modelJson: string, shard: string): string {
  const dir = path.dirname(path.resolve(modelJson));
  const outside = () =>
    new TinyforgeError('bad-weights-path', `weight shard "${shard}" of ${modelJson} is outside the model's folder`, {
      location: { file: modelJson, field: 'weightsManifest.paths' },
      hint: 'a TF.js model reads its weight files from its own folder only; keep them next to model.json and name them without folders above it',
    });
  if (shard === '' || shard.includes('\0') || path.isAbsolute(shard) || /^[a-z]+:/i.test(shard)) throw outside();
  const p = path.resolve(dir, shard);
  if (!isInside(p, dir)) throw outside();
  let real: string;
  let stat;
  try {
    real = realpathSync(p);
    stat = statSync(real);
  } catch {
    throw new TinyforgeError('file-not-found', `weight shard ${shard} of ${modelJson} does not exist`, {
      location: { file: modelJson },
      hint: 'keep the weight files next to model.json, as tf.io saved them',
    });
  }
  if (!isInside(real, realpathSync(dir))) throw outside();
  if (!stat.isFile()) throw bad(modelJson, `weight shard ${shard} is not a regular file`);
  if (stat.size > MAX_SHARD_BYTES)
    throw bad(modelJson, `weight shard ${shard} has ${stat.size} bytes; no microcontroller model is that large`);
  return real;
}
