// The fuzzed formats: ONNX, TFLite, TF.js, .tfir.json, recipe JSON, dataset folders and CLI flags. Each mixes
// mutations of real files (the shipped models, a saved tiny model) with structure-aware generated ones, lays a
// case out in its sandbox, and runs it through the real command (in process) up to the files it writes.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { SUPPORTED_ONNX_OPS } from '../../src/import/onnx.ts';
import { encodeModel, floatTensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { onnx } from '../../src/import/onnx-proto-read.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { graphToJson } from '../../src/ir/serialize.ts';
import { loadModel } from '../../src/import/index.ts';
import { passes, presets, validateRecipe } from '../../src/compress/pipeline.ts';
import { checkRecipeJson } from '../../src/compress/recipe-check.ts';
import { loadDataset } from '../../src/data/load-dataset.ts';
import { mlperfTiny } from '../mlperf-tiny.ts';
import { runCli } from './cli-run.ts';
import type { FuzzFormat } from './harness.ts';
import {
  byteMutation,
  describeBytes,
  hostileJson,
  hostileName,
  hostileNumber,
  jsonMutation,
  mutateBytes,
  mutateJson,
  mutateText,
  textMutation,
  type ByteMutation,
  type JsonMutation,
  type TextMutation,
} from './mutate.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A seeded 8 → 6 → 3 MLP: small enough that a case which imports also generates its C in milliseconds. */
export function tinyGraph(): Graph {
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.5;
  const b = new GraphBuilder('tiny');
  b.input('x', [1, 8]);
  const h = b.node(
    'Dense',
    ['x', b.constant('w1', Float32Array.from({ length: 48 }, rnd), [6, 8]), b.constant('b1', Float32Array.from({ length: 6 }, rnd), [6])],
    { activation: 'relu' },
    'hidden',
  );
  const l = b.node(
    'Dense',
    [h, b.constant('w2', Float32Array.from({ length: 18 }, rnd), [3, 6]), b.constant('b2', Float32Array.from({ length: 3 }, rnd), [3])],
    { activation: 'none' },
    'logits',
  );
  b.output(b.node('Softmax', [l], { axis: -1, beta: 1 }, 'prob'));
  b.metadata({ preprocess: { scale: 1, mean: [0], std: [1] } });
  return b.build();
}

/** A 12-row CSV dataset for the tiny model: 8 values and a label 0..2 per row. */
export function tinyCsv(): string {
  const rows = ['a,b,c,d,e,f,g,h,label'];
  for (let r = 0; r < 12; r++) rows.push([...Array.from({ length: 8 }, (_, i) => ((r * 7 + i * 3) % 10) / 10), r % 3].join(','));
  return rows.join('\n') + '\n';
}

interface Bases {
  onnx: { name: string; bytes: Uint8Array }[];
  tflite: { name: string; bytes: Uint8Array }[];
  tfir: { name: string; json: unknown }[];
  tfjs: { json: unknown; weights: Uint8Array };
  tinyOnnx: Uint8Array;
}

let bases: Bases | undefined;

/** The real files the mutations start from, read once. */
export async function loadBases(): Promise<Bases> {
  if (bases) return bases;
  const tiny = tinyGraph();
  const tinyOnnx = exportOnnx(tiny);
  const cnn = new Uint8Array(readFileSync(join(ROOT, 'examples/mnist-cnn/model.onnx')));
  const kws = new Uint8Array(readFileSync(mlperfTiny('kws01/models/kws_ref_model.tflite')));
  const kwsFloat = new Uint8Array(readFileSync(mlperfTiny('kws01/models/kws_ref_model_float32.tflite')));
  const cnnGraph = await loadModel(join(ROOT, 'examples/mnist-cnn/model.onnx'));
  // The tiny MLP as tf.io lays out a layers model: model.json (Sequential of two Dense layers) and one shard.
  const w = tiny.tensors;
  const shard = new Uint8Array(4 * (48 + 6 + 18 + 3));
  const f = new Float32Array(shard.buffer);
  let o = 0;
  for (const [name, rows, cols] of [
    ['w1', 6, 8],
    ['b1', 6, 1],
    ['w2', 3, 6],
    ['b2', 3, 1],
  ] as const) {
    const d = w[name].data as Float32Array;
    // Keras kernels are [in, out]: the transpose of the IR's [out, in].
    for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) f[o++] = cols === 1 ? d[r] : d[r * cols + c];
  }
  const tfjs = {
    format: 'layers-model',
    generatedBy: 'tinyforge fuzz',
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 'tiny',
        layers: [
          { class_name: 'Dense', config: { name: 'hidden', units: 6, activation: 'relu', use_bias: true, batch_input_shape: [null, 8] } },
          { class_name: 'Dense', config: { name: 'logits', units: 3, activation: 'softmax', use_bias: true } },
        ],
      },
    },
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'hidden/kernel', shape: [8, 6], dtype: 'float32' },
          { name: 'hidden/bias', shape: [6], dtype: 'float32' },
          { name: 'logits/kernel', shape: [6, 3], dtype: 'float32' },
          { name: 'logits/bias', shape: [3], dtype: 'float32' },
        ],
      },
    ],
  };
  bases = {
    onnx: [
      { name: 'tiny', bytes: tinyOnnx },
      { name: 'mnist-cnn', bytes: cnn },
    ],
    tflite: [
      { name: 'kws-int8', bytes: kws },
      { name: 'kws-float', bytes: kwsFloat },
    ],
    tfir: [
      { name: 'tiny', json: JSON.parse(graphToJson(tiny)) },
      { name: 'mnist-cnn', json: JSON.parse(graphToJson(cnnGraph)) },
    ],
    tfjs: { json: tfjs, weights: shard },
    tinyOnnx,
  };
  return bases;
}

/** Every model format: the importer with its validation layer, and for a model that loads, the output stage,
 *  `compile --lib` into the sandbox's out/ (C sources, no compiler run) through the real command line. */
async function compileToOut(input: string, sandbox: string): Promise<{ outDir: string }> {
  const outDir = join(sandbox, 'out');
  await loadModel(input);
  await runCli(['compile', input, '--board', 'host', '--quantize', 'none', '--lib', '-o', outDir], sandbox);
  return { outDir };
}

// ---------------------------------------------------------------- ONNX

interface GenTensor {
  name: string;
  dims: number[];
  length: number;
}
interface GenNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, number | number[] | string>;
  name: string;
}
interface GenOnnx {
  inputs: { name: string; dims: (number | string)[] }[];
  inits: GenTensor[];
  nodes: GenNode[];
  outputs: string[];
  opset: number;
}

const tensorName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('x', 't0', 't1', 't2', 'w', 'b', 'y') },
  { weight: 1, arbitrary: hostileName },
);
const smallDims = fc.array(fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 6 }) }, { weight: 1, arbitrary: hostileNumber }), {
  maxLength: 5,
});
const ATTR_NAMES = [
  'axis',
  'kernel_shape',
  'strides',
  'pads',
  'group',
  'alpha',
  'beta',
  'perm',
  'dilations',
  'auto_pad',
  'transB',
  'epsilon',
  'keepdims',
  'axes',
  'to',
  'mode',
  'constructor',
];
const attrValue = fc.oneof(
  hostileNumber,
  fc.array(hostileNumber, { maxLength: 6 }),
  fc.constantFrom('SAME_UPPER', 'VALID', 'NOTSET', 'constant', ''),
);

const genOnnx: fc.Arbitrary<GenOnnx> = fc.record({
  inputs: fc.array(
    fc.record({
      name: tensorName,
      dims: fc.array(fc.oneof(fc.integer({ min: 1, max: 8 }), hostileNumber, fc.constant('N')), { maxLength: 5 }),
    }),
    { minLength: 0, maxLength: 2 },
  ),
  inits: fc.array(fc.record({ name: tensorName, dims: smallDims, length: fc.oneof(fc.nat({ max: 64 }), fc.constant(-1)) }), {
    maxLength: 4,
  }),
  nodes: fc.array(
    fc.record({
      op: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...SUPPORTED_ONNX_OPS) }, { weight: 1, arbitrary: hostileName }),
      inputs: fc.array(tensorName, { maxLength: 4 }),
      outputs: fc.array(tensorName, { minLength: 0, maxLength: 2 }),
      attrs: fc.dictionary(fc.constantFrom(...ATTR_NAMES), attrValue, { maxKeys: 3 }),
      name: fc.oneof(fc.constant(''), hostileName),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  outputs: fc.array(tensorName, { minLength: 0, maxLength: 2 }),
  opset: fc.constantFrom(7, 11, 13, 17, 0, 99),
});

function encodeGenOnnx(g: GenOnnx): Uint8Array {
  const bigOk = (d: number) => (Number.isSafeInteger(d) ? d : 2 ** 53 - 1);
  return encodeModel(
    makeModel({
      name: 'fuzz',
      opset: g.opset,
      inputs: g.inputs.map((i) =>
        valueInfo(
          i.name,
          i.dims.map((d) => (typeof d === 'number' ? bigOk(d) : d)),
        ),
      ),
      outputs: g.outputs.map((o) => valueInfo(o, [])),
      initializers: g.inits.map((t) => {
        const n =
          t.length >= 0
            ? t.length
            : Math.max(
                0,
                Math.min(
                  4096,
                  t.dims.reduce((a, b) => a * Math.max(0, b), 1),
                ),
              );
        return floatTensor(
          t.name,
          t.dims.map(bigOk),
          Float32Array.from({ length: n }, (_, i) => Math.sin(i)),
        );
      }),
      nodes: g.nodes.map((n) =>
        node(
          n.op,
          n.inputs,
          n.outputs,
          Object.fromEntries(
            Object.entries(n.attrs).map(([k, v]) => [
              k,
              typeof v === 'number' && !Number.isSafeInteger(v) && Number.isInteger(v) ? 2 ** 53 - 1 : Array.isArray(v) ? v.map(bigOk) : v,
            ]),
          ),
          n.name,
        ),
      ),
    }),
  );
}

type OnnxCase = { kind: 'mutated'; base: number; muts: ByteMutation[] } | { kind: 'generated'; model: GenOnnx; muts: ByteMutation[] };

export function onnxFormat(b: Bases): FuzzFormat<OnnxCase> {
  return {
    name: 'ONNX',
    arbitrary: fc.oneof(
      fc.record({
        kind: fc.constant('mutated' as const),
        base: fc.nat({ max: b.onnx.length - 1 }),
        muts: fc.array(byteMutation, { minLength: 1, maxLength: 6 }),
      }),
      fc.record({ kind: fc.constant('generated' as const), model: genOnnx, muts: fc.array(byteMutation, { maxLength: 1 }) }),
    ),
    setup(c, sandbox) {
      const bytes = c.kind === 'mutated' ? mutateBytes(b.onnx[c.base].bytes, c.muts) : mutateBytes(encodeGenOnnx(c.model), c.muts);
      writeFileSync(join(sandbox, 'model.onnx'), bytes);
      return join(sandbox, 'model.onnx');
    },
    run: (_c, input, sandbox) => compileToOut(input, sandbox),
    describe: (c) =>
      c.kind === 'mutated'
        ? `${b.onnx[c.base].name} with ${describeBytes(c.muts)}`
        : `generated ${JSON.stringify(c.model)} then ${describeBytes(c.muts)}`,
  };
}

// ---------------------------------------------------------------- TFLite

type TfliteCase = { base: number; muts: ByteMutation[]; aimAtStructure: boolean };

export function tfliteFormat(b: Bases): FuzzFormat<TfliteCase> {
  return {
    name: 'TFLite',
    arbitrary: fc.record({
      base: fc.nat({ max: b.tflite.length - 1 }),
      muts: fc.array(byteMutation, { minLength: 1, maxLength: 8 }),
      aimAtStructure: fc.boolean(),
    }),
    setup(c, sandbox) {
      const base = b.tflite[c.base].bytes;
      // The weight buffers fill the first half of these files; the flatbuffer tables (offsets, vector lengths,
      // tensor and operator tables) the second: half of the cases aim their mutations there.
      writeFileSync(join(sandbox, 'model.tflite'), mutateBytes(base, c.muts, c.aimAtStructure ? base.length >> 1 : 0));
      return join(sandbox, 'model.tflite');
    },
    run: (_c, input, sandbox) => compileToOut(input, sandbox),
    describe: (c) => `${b.tflite[c.base].name}${c.aimAtStructure ? ' (structure)' : ''} with ${describeBytes(c.muts)}`,
  };
}

// ---------------------------------------------------------------- TF.js

type TfjsCase = {
  json: JsonMutation[];
  text: TextMutation;
  shard: ByteMutation[];
  extra: 'none' | 'outside-file' | 'symlink-out' | 'shard-dir' | 'no-shard';
};

export function tfjsFormat(b: Bases): FuzzFormat<TfjsCase> {
  const pathValue = fc.constantFrom(
    '../secret.bin',
    '../../../etc/passwd',
    '/etc/passwd',
    'link.bin',
    'sub',
    'missing.bin',
    '',
    '.',
    'weights.bin/..',
    'constructor',
  );
  return {
    name: 'TF.js',
    arbitrary: fc.record({
      json: fc.array(
        fc.oneof(
          { weight: 4, arbitrary: jsonMutation },
          // Weight paths aimed at: weightsManifest[0].paths[0].
          {
            weight: 1,
            arbitrary: fc.record({
              kind: fc.constant('replace' as const),
              path: fc.constant([1000, 0, 0, 0] as number[]),
              value: pathValue,
            }) as fc.Arbitrary<JsonMutation>,
          },
        ),
        { maxLength: 4 },
      ),
      text: textMutation,
      shard: fc.array(byteMutation, { maxLength: 2 }),
      extra: fc.constantFrom('none', 'none', 'outside-file', 'symlink-out', 'shard-dir', 'no-shard'),
    }),
    setup(c, sandbox) {
      const dir = join(sandbox, 'm');
      mkdirSync(dir);
      let json = structuredClone(b.tfjs.json) as Record<string, unknown>;
      // [1000, …] picks the last key at the top level: weightsManifest.
      for (const m of c.json) json = mutateJson(json, m) as Record<string, unknown>;
      writeFileSync(join(dir, 'model.json'), mutateText(JSON.stringify(json), c.text));
      if (c.extra !== 'no-shard') writeFileSync(join(dir, 'weights.bin'), mutateBytes(b.tfjs.weights, c.shard));
      writeFileSync(join(sandbox, 'secret.bin'), new Uint8Array(400).fill(7));
      if (c.extra === 'symlink-out') symlinkSync(join(sandbox, 'secret.bin'), join(dir, 'link.bin'));
      if (c.extra === 'shard-dir') mkdirSync(join(dir, 'sub'));
      return join(dir, 'model.json');
    },
    run: (_c, input, sandbox) => compileToOut(input, sandbox),
    describe: (c) => JSON.stringify({ ...c, shard: describeBytes(c.shard) }),
  };
}

// ---------------------------------------------------------------- .tfir.json

type TfirCase = { base: number; json: JsonMutation[]; text: TextMutation };

export function tfirFormat(b: Bases): FuzzFormat<TfirCase> {
  return {
    name: '.tfir.json',
    arbitrary: fc.record({
      base: fc.nat({ max: b.tfir.length - 1 }),
      json: fc.array(jsonMutation, { minLength: 1, maxLength: 4 }),
      text: textMutation,
    }),
    setup(c, sandbox) {
      let json = structuredClone(b.tfir[c.base].json);
      for (const m of c.json) json = mutateJson(json, m);
      writeFileSync(join(sandbox, 'model.tfir.json'), mutateText(JSON.stringify(json), c.text));
      return join(sandbox, 'model.tfir.json');
    },
    run: (_c, input, sandbox) => compileToOut(input, sandbox),
    describe: (c) => `${b.tfir[c.base].name} with ${JSON.stringify(c.json)} ${JSON.stringify(c.text)}`,
  };
}

// ---------------------------------------------------------------- recipe JSON

const STEP_NAMES = Object.keys(passes);
const PARAM_NAMES = [...new Set(Object.values(passes).flatMap((p) => Object.keys(p.params)))];
/** Steps that run in milliseconds on the tiny model; a recipe with others is checked but not run (they train). */
const QUICK_STEPS = new Set(['quantize-int8', 'prune-weights', 'cluster', 'huffman', 'fp16', 'int4']);
const isQuick = (recipe: { step: string }[]) =>
  recipe.length <= 4 &&
  recipe.every(
    (s) =>
      QUICK_STEPS.has(s.step) &&
      Object.entries(s).every(([k, v]: [string, unknown]) => !/epoch|fine|retrain|iter/i.test(k) || v === 0 || v === false),
  );

type RecipeCase = { recipe: unknown; json: JsonMutation[]; text: TextMutation };

const stepArb = fc
  .record({
    step: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...STEP_NAMES) }, { weight: 1, arbitrary: hostileName }),
    params: fc.dictionary(
      fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PARAM_NAMES) }, { weight: 1, arbitrary: hostileName }),
      fc.oneof(
        { weight: 4, arbitrary: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 16 }), fc.boolean()) },
        { weight: 1, arbitrary: hostileJson },
      ),
      { maxKeys: 3 },
    ),
  })
  .map(({ step, params }) => ({ step, ...params }));

export function recipeFormat(b: Bases): FuzzFormat<RecipeCase> {
  return {
    name: 'recipe JSON',
    arbitrary: fc.record({
      recipe: fc.oneof(
        { weight: 6, arbitrary: fc.array(stepArb, { maxLength: 4 }) },
        { weight: 1, arbitrary: fc.array(stepArb, { maxLength: 3 }).map((steps) => ({ steps })) },
        { weight: 1, arbitrary: fc.constantFrom(...Object.keys(presets)).map((p) => structuredClone(presets[p])) },
        { weight: 1, arbitrary: hostileJson },
      ),
      json: fc.array(jsonMutation, { maxLength: 2 }),
      text: textMutation,
    }),
    setup(c, sandbox) {
      let json = structuredClone(c.recipe);
      for (const m of c.json) json = mutateJson(json, m);
      writeFileSync(join(sandbox, 'recipe.json'), mutateText(JSON.stringify(json) ?? 'null', c.text));
      writeFileSync(join(sandbox, 'model.onnx'), b.tinyOnnx);
      writeFileSync(join(sandbox, 'data.csv'), tinyCsv());
      return join(sandbox, 'recipe.json');
    },
    async run(_c, input, sandbox) {
      // A recipe that passes the checks and only names quick steps is run for real; one with training steps is
      // checked exactly as `compress` checks it (the file's JSON, then every step and parameter), then stops.
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(input, 'utf8'));
      } catch {
        parsed = undefined;
      }
      if (parsed !== undefined) {
        let quick = true;
        try {
          const steps = checkRecipeJson(parsed, input);
          validateRecipe(steps);
          quick = isQuick(steps);
        } catch {
          quick = true; // a refusal comes from the real command below
        }
        if (!quick) {
          validateRecipe(checkRecipeJson(parsed, input));
          return;
        }
      }
      const out = join(sandbox, 'out');
      await runCli(
        [
          'compress',
          'model.onnx',
          '--recipe',
          input,
          '--dataset',
          'data.csv',
          '--calibration-samples',
          '4',
          '-o',
          join(out, 'model.tfir.json'),
        ],
        sandbox,
      );
      return { outDir: out };
    },
    describe: (c) => JSON.stringify(c).slice(0, 2000),
  };
}

// ---------------------------------------------------------------- dataset folders

type FileSpec = {
  name: string;
  content:
    | { kind: 'csv'; rows: string[][] }
    | { kind: 'bytes'; bytes: Uint8Array }
    | { kind: 'npy'; descr: string; shape: number[]; data: number; order: string; junk: ByteMutation[] }
    | { kind: 'png'; w: number; h: number; muts: ByteMutation[] }
    | { kind: 'dir' };
};
type DatasetCase = {
  layout: 'mlperf' | 'npy' | 'csv' | 'images' | 'split' | 'random';
  files: FileSpec[];
  encoding?: string;
  limit?: number;
  labelColumn?: string;
};

function npyBytes(descr: string, shape: number[], data: number, order: string, junk: ByteMutation[]): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${order}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((header.length + 10) % 64)) + '\n';
  const head = new Uint8Array(10 + header.length);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(head.buffer).setUint16(8, header.length, true);
  head.set(new TextEncoder().encode(header), 10);
  const body = new Uint8Array(Math.max(0, Math.min(data, 1 << 16)));
  for (let i = 0; i < body.length; i++) body[i] = (i * 37) & 0x3f;
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return mutateBytes(out, junk);
}

function pngBytes(w: number, h: number, muts: ByteMutation[]): Uint8Array {
  const png = new PNG({ width: w, height: h });
  for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 13) & 0xff;
  return mutateBytes(new Uint8Array(PNG.sync.write(png)), muts);
}

const cell = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 9 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('abc', '-1', '1e999', 'NaN', '', '2.5', '99', ' ', '"x', 'constructor') },
);
const fileName = (ext: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 4 }).map((i) => `s${i}${ext}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(`../escape${ext}`, `sub/s0${ext}`, `.hidden${ext}`, `a*/b${ext}`, ext, `${'n'.repeat(300)}${ext}`),
    },
  );
const binFile: fc.Arbitrary<FileSpec> = fc.record({
  name: fileName('.bin'),
  content: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 40 }) }),
});
const csvRows = (cols: number) => fc.array(fc.array(cell, { minLength: Math.max(0, cols - 1), maxLength: cols + 1 }), { maxLength: 8 });

const datasetArb: fc.Arbitrary<DatasetCase> = fc.oneof(
  fc.record({
    layout: fc.constant('mlperf' as const),
    files: fc
      .tuple(
        fc.oneof(
          fc
            .array(fc.tuple(fileName('.bin'), cell, cell), { maxLength: 6 })
            .map((rows) => ({ name: 'y_labels.csv', content: { kind: 'csv' as const, rows: rows.map((r) => [...r]) } })),
          fc.constant({ name: 'y_labels.csv', content: { kind: 'dir' as const } }),
        ),
        fc.array(binFile, { maxLength: 5 }),
      )
      .map(([labels, bins]) => [labels as FileSpec, ...bins]),
    encoding: fc.option(fc.constantFrom('int8', 'uint8', 'float32', 'int4'), { nil: undefined }),
    limit: fc.option(fc.integer({ min: -1, max: 10 }), { nil: undefined }),
  }),
  fc.record({
    layout: fc.constant('npy' as const),
    files: fc
      .tuple(
        fc.record({
          descr: fc.constantFrom('<f4', '<f4', '|u1', '<i8', '>f4', '<f8', '|O', 'x'),
          shape: fc.array(fc.oneof(fc.integer({ min: 0, max: 12 }), hostileNumber), { maxLength: 4 }),
          data: fc.nat({ max: 600 }),
          order: fc.constantFrom('False', 'True', 'None'),
          junk: fc.array(byteMutation, { maxLength: 1 }),
        }),
        fc.record({
          descr: fc.constantFrom('<i8', '<i4', '|u1', '<f4', '<f8'),
          shape: fc.array(fc.oneof(fc.integer({ min: 0, max: 12 }), hostileNumber), { maxLength: 2 }),
          data: fc.nat({ max: 120 }),
          order: fc.constantFrom('False', 'True'),
          junk: fc.array(byteMutation, { maxLength: 1 }),
        }),
      )
      .map(([x, y]) => [
        { name: 'x.npy', content: { kind: 'npy' as const, ...x } },
        { name: 'y.npy', content: { kind: 'npy' as const, ...y } },
      ]),
    limit: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
  }),
  fc.record({
    layout: fc.constant('csv' as const),
    files: csvRows(9).map((rows) => [
      { name: 'data.csv', content: { kind: 'csv' as const, rows: [['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'label'], ...rows] } },
    ]),
    labelColumn: fc.option(fc.constantFrom('label', '0', '8', '9', '-1', 'constructor', 'nosuch', ''), { nil: undefined }),
    limit: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
  }),
  fc.record({
    layout: fc.constant('images' as const),
    files: fc.array(
      fc.record({
        name: fc.tuple(fc.constantFrom('cat', 'dog', 'constructor', '__proto__', '0'), fileName('.png')).map(([d, f]) => `${d}/${f}`),
        content: fc.record({
          kind: fc.constant('png' as const),
          w: fc.integer({ min: 1, max: 6 }),
          h: fc.integer({ min: 1, max: 6 }),
          muts: fc.array(byteMutation, { maxLength: 2 }),
        }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
  }),
  fc.record({
    layout: fc.constant('random' as const),
    files: fc.array(
      fc.oneof(
        binFile,
        fc.record({
          name: fc.constantFrom('train', 'test', 'x.npy', 'y.npy', 'a.csv', 'b.csv', 'cls', 'y_labels.csv'),
          content: fc.constant({ kind: 'dir' as const }),
        }),
        fc.record({
          name: fc.constantFrom('a.csv', 'test/a.csv', 'train/y_labels.csv', 'test/x.npy', 'cls/img.jpg', 'cls/img.png'),
          content: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
        }),
      ),
      { maxLength: 5 },
    ),
  }),
);

export function datasetFormat(): FuzzFormat<DatasetCase> {
  const input = tinyGraph().tensors.x;
  const imageInput = { ...input, shape: [1, 4, 4, 1] };
  return {
    name: 'dataset folder',
    arbitrary: datasetArb,
    setup(c, sandbox) {
      const dir = join(sandbox, 'data');
      mkdirSync(dir);
      for (const f of c.files) {
        const p = join(dir, f.name);
        if (!p.startsWith(dir)) continue; // a name with ../ stays a name the labels file gives, never a file made outside
        try {
          mkdirSync(join(p, '..'), { recursive: true });
          if (f.content.kind === 'dir') mkdirSync(p, { recursive: true });
          else if (f.content.kind === 'csv') writeFileSync(p, f.content.rows.map((r) => r.join(',')).join('\n') + '\n');
          else if (f.content.kind === 'bytes') writeFileSync(p, f.content.bytes);
          else if (f.content.kind === 'npy')
            writeFileSync(p, npyBytes(f.content.descr, f.content.shape, f.content.data, f.content.order, f.content.junk));
          else writeFileSync(p, pngBytes(f.content.w, f.content.h, f.content.muts));
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code !== 'EEXIST' && code !== 'ENOTDIR' && code !== 'EISDIR' && code !== 'ENAMETOOLONG') throw e;
        }
      }
      return dir;
    },
    async run(c, dir) {
      const ds = await loadDataset(c.layout === 'csv' ? join(dir, 'data.csv') : dir, {
        split: 'test',
        input: c.layout === 'images' ? imageInput : input,
        limit: c.limit,
        labelColumn: c.labelColumn,
        encoding: c.encoding as 'int8' | undefined,
      });
      for (let i = 0; i < ds.size; i++) ds.get(i);
    },
    describe: (c) => JSON.stringify(c, (_, v) => (v instanceof Uint8Array ? Array.from(v) : v)).slice(0, 2000),
  };
}

// ---------------------------------------------------------------- CLI flags

/** What a flag is given: good values, hostile ones, and paths that point at the case's own files. */
const flagValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('1', '4', '100', '0', '-3', 'abc', '1e999', 'NaN', '1.5', '', ' ', '0x10', '99999999999') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'model.onnx',
      'data.csv',
      'recipe.json',
      'input.pb',
      'x=input.pb',
      'x==input.pb',
      '=input.pb',
      'nosuch',
      'user',
      'proj',
      'file.txt',
      '.',
      'out',
      'out/a/b',
      'file.txt/sub',
      'a'.repeat(300),
      'out/model.tfir.json',
      'out/m.onnx',
      'user/m.tfir.json',
      'proj/m.tfir.json',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'host',
      'reference',
      'mps2-an386',
      'nosuch-board',
      'int8',
      'none',
      'int4',
      'deep-compression',
      'constructor',
      '__proto__',
      'toString',
      'mnist',
      'float32',
      'uint8',
    ),
  },
  { weight: 1, arbitrary: hostileName },
);

const COMMAND_FLAGS: Record<string, string[]> = {
  compile: [
    '-o',
    '--board',
    '--quantize',
    '--compress',
    '--dataset',
    '--calibration-samples',
    '--stack-bytes',
    '--input-scale',
    '--mean',
    '--std',
    '--label-column',
    '--dataset-encoding',
  ],
  compress: ['-o', '--recipe', '--dataset', '--calibration-samples', '--input-scale', '--mean', '--std', '--label-column'],
  eval: ['--dataset', '--limit', '--samples', '--label-column', '--input-scale', '--mean', '--std', '--dataset-encoding'],
  run: ['--input', '--output-dir', '--board'],
  inspect: [],
  recipes: [],
  deploy: ['-o', '--board', '--samples', '--dataset', '--quantize', '--calibration-samples', '--stack-bytes'],
  defend: ['-o', '--epochs', '--samples', '--eps', '--dataset'],
};
/** Flags that are always switches. */
const SWITCHES = ['--force', '--json', '--lib', '--verbose', '--help', '--profile-layers', '--nosuch'];
/** Commands that start a board or train when every flag is good: a case always gives them one flag no parser takes. */
const HEAVY: Record<string, [string, string][]> = {
  deploy: [
    ['--samples', 'abc'],
    ['--samples', '-3'],
    ['--samples', '0'],
    ['--dataset', 'nosuch'],
    ['--board', 'nosuch-board'],
    ['-o', ''],
    ['--quantize', 'int4'],
    ['--stack-bytes', 'abc'],
  ],
  defend: [
    ['--samples', 'abc'],
    ['--epochs', 'x'],
    ['-o', ''],
    ['-o', 'model.onnx'],
    ['--dataset', 'nosuch'],
  ],
};

type CliCase = {
  command: string;
  positional: string | undefined;
  flags: [string, string | undefined][];
  poison: number;
  compileLib: boolean;
};

const cliArb: fc.Arbitrary<CliCase> = fc.constantFrom(...Object.keys(COMMAND_FLAGS)).chain((command) =>
  fc.record({
    command: fc.constant(command),
    positional: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('model.onnx', 'tiny.tfir.json') },
      { weight: 1, arbitrary: fc.option(flagValue, { nil: undefined }) },
    ),
    flags: fc.array(
      fc.oneof(
        { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...COMMAND_FLAGS[command], '--nosuch'), flagValue) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SWITCHES), fc.constant(undefined)) },
      ),
      { maxLength: 5 },
    ),
    poison: fc.nat({ max: 100 }),
    compileLib: fc.boolean(),
  }),
);

export function cliFormat(b: Bases): FuzzFormat<CliCase> {
  return {
    name: 'CLI flags',
    arbitrary: cliArb,
    setup(_c, sandbox) {
      writeFileSync(join(sandbox, 'model.onnx'), b.tinyOnnx);
      writeFileSync(join(sandbox, 'tiny.tfir.json'), graphToJson(tinyGraph()));
      writeFileSync(join(sandbox, 'data.csv'), tinyCsv());
      writeFileSync(join(sandbox, 'recipe.json'), JSON.stringify([{ step: 'prune-weights', sparsity: 0.5 }]));
      writeFileSync(join(sandbox, 'file.txt'), 'a file of the user\n');
      // input.pb: an 8-float TensorProto for run --input.
      writeFileSync(join(sandbox, 'input.pb'), encodeTensor());
      mkdirSync(join(sandbox, 'user'));
      writeFileSync(join(sandbox, 'user', 'notes.txt'), 'the user wrote this\n');
      // An earlier project: its manifest lists model.c; my_main.c is the user's and must survive a recompile.
      mkdirSync(join(sandbox, 'proj'));
      writeFileSync(join(sandbox, 'proj', 'tinyforge.json'), JSON.stringify({ tool: 'tinyforge', files: ['model.c', 'tinyforge.json'] }));
      writeFileSync(join(sandbox, 'proj', 'model.c'), '/* old */\n');
      writeFileSync(join(sandbox, 'proj', 'my_main.c'), 'int main(void) { return 0; }\n');
      return sandbox;
    },
    async run(c, sandbox) {
      const argv = [...c.command.split(' ')];
      if (c.positional !== undefined && c.command !== 'recipes') argv.push(c.positional);
      for (const [flag, value] of c.flags) argv.push(flag, ...(value === undefined ? [] : [value]));
      const heavy = HEAVY[c.command];
      if (heavy) argv.push(...heavy[c.poison % heavy.length]);
      // compile without --lib plans the stack with the cross compiler: a fifth of the cases keep that path.
      if (c.command === 'compile' && (c.compileLib || c.poison % 5 !== 0) && !argv.includes('--lib')) argv.push('--lib');
      if (c.command === 'compile' && !argv.includes('--board')) argv.push('--board', 'host');
      // The output folder: the -o a case gave, else the default (out/…) inside the sandbox.
      const at = argv.lastIndexOf('-o');
      const outFlag = argv.lastIndexOf('--output-dir');
      const given = at >= 0 ? argv[at + 1] : outFlag >= 0 ? argv[outFlag + 1] : undefined;
      const outDir =
        given === undefined || given.startsWith('-')
          ? join(sandbox, 'out')
          : join(sandbox, c.command === 'compress' ? join(given, '..') : given);
      await runCli(argv, sandbox);
      return { outDir };
    },
    describe: (c) => JSON.stringify(c),
  };
}

function encodeTensor(): Uint8Array {
  return onnx.TensorProto.encode(floatTensor('x', [1, 8], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])).finish();
}

export async function allFormats(): Promise<FuzzFormat<unknown>[]> {
  const b = await loadBases();
  return [
    onnxFormat(b),
    tfliteFormat(b),
    tfjsFormat(b),
    tfirFormat(b),
    recipeFormat(b),
    datasetFormat(),
    cliFormat(b),
  ] as FuzzFormat<unknown>[];
}
