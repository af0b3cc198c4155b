// Each family of bad input the 739-case CLI probe found, re-tried by name: what the command line does with it now.
// `npm run fuzz` prints them under the fuzz table; test/fuzz/families.test.ts asserts every one ends as expected.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { encodeModel, floatTensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { onnx } from '../../src/import/onnx-proto-read.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { graphToJson } from '../../src/ir/serialize.ts';
import { runCli } from './cli-run.ts';
import { tinyCsv, tinyGraph } from './formats.ts';
import type { FuzzFormat } from './harness.ts';

export interface Family {
  name: string;
  /** 'clean': a TinyforgeError (or usage error) is the right answer; 'result': the command must succeed. */
  expect: 'clean' | 'result';
  /** Extra files of the case (relative path → content); a path ending in / is a folder. */
  files?: Record<string, string | Uint8Array>;
  argv: string[];
  /** The output folder the command may write in (relative); nothing else may change. */
  out?: string;
}

const onnxOf = (nodes: ReturnType<typeof node>[], inits: ReturnType<typeof floatTensor>[] = [], input = 'x', output = 'y') =>
  encodeModel(
    makeModel({ name: 'f', inputs: [valueInfo(input, [1, 8])], outputs: [valueInfo(output, [1, 8])], initializers: inits, nodes }),
  );

function namedInputModel(name: string): Uint8Array {
  const b = new GraphBuilder('named');
  b.input(name, [1, 8]);
  b.output(b.node('Relu', [name], {}, 'y'));
  return exportOnnx(b.build());
}

function namedNodeModel(nodeName: string): Uint8Array {
  return onnxOf([node('Relu', ['x'], ['y'], {}, nodeName)]);
}

function tfirWith(edit: (text: string) => string): string {
  return edit(graphToJson(tinyGraph()));
}

const pb = onnx.TensorProto.encode(floatTensor('x', [1, 8], [1, 2, 3, 4, 5, 6, 7, 8])).finish();
const COMPILE = ['--board', 'host', '--quantize', 'none', '--lib'];

export const FAMILIES: Family[] = [
  // Files lost
  { name: "compile -o ''", expect: 'clean', argv: ['compile', 'model.onnx', ...COMPILE, '-o', ''] },
  {
    name: 'compile --lib -o ""',
    expect: 'clean',
    argv: ['compile', 'model.onnx', '--board', 'host', '--quantize', 'none', '--lib', '-o', ''],
  },
  {
    name: 'recompile into a project holding my_main.c',
    expect: 'result',
    out: 'proj',
    argv: ['compile', 'model.onnx', ...COMPILE, '-o', 'proj'],
  },
  { name: 'compile -o . --force (the input inside)', expect: 'clean', argv: ['compile', 'model.onnx', ...COMPILE, '-o', '.', '--force'] },
  {
    name: 'compress --force -o <the input model>',
    expect: 'clean',
    argv: ['compress', 'model.onnx', '--recipe', 'fp16', '--dataset', 'data.csv', '--force', '-o', 'model.onnx'],
  },
  { name: 'compile -o an existing file', expect: 'clean', argv: ['compile', 'model.onnx', ...COMPILE, '-o', 'file.txt'] },
  {
    name: 'compress -o into a missing folder',
    expect: 'result',
    out: 'missing',
    argv: ['compress', 'model.onnx', '--recipe', 'fp16', '--dataset', 'data.csv', '-o', 'missing/deeper/m.tfir.json'],
  },
  {
    name: 'compress -o onto a folder',
    expect: 'clean',
    argv: ['compress', 'model.onnx', '--recipe', 'fp16', '--dataset', 'data.csv', '-o', 'user'],
  },
  { name: 'run --output-dir a file', expect: 'clean', argv: ['run', 'model.onnx', '--input', 'input.pb', '--output-dir', 'file.txt'] },
  {
    name: 'compress -o a name over 255 characters',
    expect: 'clean',
    argv: ['compress', 'model.onnx', '--recipe', 'fp16', '--dataset', 'data.csv', '-o', `${'n'.repeat(300)}.tfir.json`],
  },
  { name: 'compile -o a name over 255 characters', expect: 'clean', argv: ['compile', 'model.onnx', ...COMPILE, '-o', 'n'.repeat(300)] },
  // Hangs (a bad option is refused before any board starts)
  { name: 'deploy --dataset nosuch', expect: 'clean', argv: ['deploy', 'model.onnx', '--board', 'mps2-an386', '--dataset', 'nosuch'] },
  {
    name: 'deploy --samples abc',
    expect: 'clean',
    argv: ['deploy', 'model.onnx', '--board', 'mps2-an386', '--dataset', 'data.csv', '--samples', 'abc'],
  },
  {
    name: 'deploy --samples -3',
    expect: 'clean',
    argv: ['deploy', 'model.onnx', '--board', 'mps2-an386', '--dataset', 'data.csv', '--samples', '-3'],
  },
  {
    name: 'deploy --samples 0',
    expect: 'clean',
    argv: ['deploy', 'model.onnx', '--board', 'mps2-an386', '--dataset', 'data.csv', '--samples', '0'],
  },
  {
    name: 'deploy --dataset an empty folder',
    expect: 'clean',
    files: { 'empty/': '' },
    argv: ['deploy', 'model.onnx', '--board', 'mps2-an386', '--dataset', 'empty'],
  },
  // Crashes
  ...[-1, 2 ** 31, 2 ** 53 - 1].map((d): Family => ({
    name: `initializer dims [${d}, 8]`,
    expect: 'clean',
    files: { 'bad.onnx': onnxOf([node('MatMul', ['x', 'w'], ['y'])], [floatTensor('w', [d, 8], [1, 2, 3])]) },
    argv: ['compile', 'bad.onnx', ...COMPILE, '-o', 'out'],
  })),
  ...['constructor', 'toString', 'hasOwnProperty', '__proto__'].map((op): Family => ({
    name: `an op named ${op}`,
    expect: 'clean',
    files: { 'bad.onnx': onnxOf([node(op, ['x'], ['y'])]) },
    argv: ['compile', 'bad.onnx', ...COMPILE, '-o', 'out'],
  })),
  ...['constructor', '__proto__'].map((p): Family => ({
    name: `--compress ${p} (a preset name)`,
    expect: 'clean',
    argv: ['compile', 'model.onnx', '--board', 'host', '--lib', '--dataset', 'data.csv', '--compress', p, '-o', 'out'],
  })),
  {
    name: 'a recipe step named constructor',
    expect: 'clean',
    files: { 'r.json': '[{"step":"constructor"}]' },
    argv: ['compress', 'model.onnx', '--recipe', 'r.json', '--dataset', 'data.csv', '-o', 'out/m.tfir.json'],
  },
  ...[
    ['{}', '{}'],
    ['42', '42'],
    ['"x"', '"x"'],
    ['nested 20,000 deep', '['.repeat(20000) + ']'.repeat(20000)],
  ].map(([what, text]): Family => ({
    name: `recipe file ${what}`,
    expect: 'clean',
    files: { 'r.json': text },
    argv: ['compress', 'model.onnx', '--recipe', 'r.json', '--dataset', 'data.csv', '-o', 'out/m.tfir.json'],
  })),
  ...['nodes', 'inputs', 'shape', 'attrs'].map((key): Family => ({
    name: `.tfir.json missing "${key}"`,
    expect: 'clean',
    files: {
      'bad.tfir.json': tfirWith((t) => {
        const j = JSON.parse(t);
        if (key in j) delete j[key];
        else if (key === 'shape') delete j.tensors.x.shape;
        else delete j.nodes[0].attrs;
        return JSON.stringify(j);
      }),
    },
    argv: ['compile', 'bad.tfir.json', ...COMPILE, '-o', 'out'],
  })),
  { name: 'y_labels.csv a folder', expect: 'clean', files: { 'ds/y_labels.csv/': '' }, argv: ['eval', 'model.onnx', '--dataset', 'ds'] },
  // Escapes
  {
    name: 'TF.js weights path ../../../etc/passwd',
    expect: 'clean',
    files: {
      'm/model.json': JSON.stringify({
        format: 'layers-model',
        modelTopology: {
          class_name: 'Sequential',
          config: { layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 8] } }] },
        },
        weightsManifest: [
          {
            paths: ['../../../etc/passwd'],
            weights: [
              { name: 'd/kernel', shape: [8, 2], dtype: 'float32' },
              { name: 'd/bias', shape: [2], dtype: 'float32' },
            ],
          },
        ],
      }),
    },
    argv: ['compile', 'm/model.json', ...COMPILE, '-o', 'out'],
  },
  ...['constructor', '__proto__'].map((n): Family => ({
    name: `a model input named ${n}`,
    expect: 'result',
    out: 'out',
    files: { 'named.onnx': namedInputModel(n) },
    argv: ['compile', 'named.onnx', ...COMPILE, '-o', 'out'],
  })),
  {
    name: "run --input with a name holding '='",
    expect: 'result',
    out: 'res',
    files: { 'eq.onnx': namedInputModel('a=b') },
    argv: ['run', 'eq.onnx', '--input', 'a=b=input.pb', '--output-dir', 'res'],
  },
  // C that did not build
  ...['a/*b', 'x\u202ey'].map((n): Family => ({
    name: `a node named ${JSON.stringify(n)}`,
    expect: 'result',
    out: 'out',
    files: { 'named.onnx': namedNodeModel(n) },
    argv: ['compile', 'named.onnx', ...COMPILE, '-o', 'out'],
  })),
  // Silently wrong
  ...['1e999', 'NaN'].map((v): Family => ({
    name: `preprocess scale ${v}`,
    expect: 'clean',
    files: { 'pre.tfir.json': tfirWith((t) => t.replace('"scale":1', `"scale":${v}`)) },
    argv: ['compile', 'pre.tfir.json', ...COMPILE, '-o', 'out'],
  })),
  {
    name: 'preprocess std [0]',
    expect: 'clean',
    files: { 'pre.tfir.json': tfirWith((t) => t.replace('"std":[1]', '"std":[0]')) },
    argv: ['compile', 'pre.tfir.json', ...COMPILE, '-o', 'out'],
  },
  {
    name: 'preprocess mean ["abc"]',
    expect: 'clean',
    files: { 'pre.tfir.json': tfirWith((t) => t.replace('"mean":[0]', '"mean":["abc"]')) },
    argv: ['compile', 'pre.tfir.json', ...COMPILE, '-o', 'out'],
  },
  { name: 'eval --limit 0', expect: 'clean', argv: ['eval', 'model.onnx', '--dataset', 'data.csv', '--limit', '0'] },
  {
    name: '.tfir.json null weights',
    expect: 'clean',
    files: {
      'null.tfir.json': tfirWith((t) => {
        const j = JSON.parse(t);
        j.tensors.w1.data.values = j.tensors.w1.data.values.map(() => null);
        return JSON.stringify(j);
      }),
    },
    argv: ['compile', 'null.tfir.json', ...COMPILE, '-o', 'out'],
  },
  {
    name: 'a graph cycle',
    expect: 'clean',
    files: { 'cycle.onnx': onnxOf([node('Relu', ['y'], ['a']), node('Relu', ['a'], ['y'])]) },
    argv: ['compile', 'cycle.onnx', ...COMPILE, '-o', 'out'],
  },
  {
    name: 'an input no node produces',
    expect: 'clean',
    files: { 'ghost.onnx': onnxOf([node('Add', ['x', 'ghost'], ['y'])]) },
    argv: ['compile', 'ghost.onnx', ...COMPILE, '-o', 'out'],
  },
];

/** The families as a format whose cases are their indexes, so the same sandbox and file checks apply. */
export function familiesFormat(tinyOnnx: Uint8Array): FuzzFormat<number> & { family: (i: number) => Family } {
  return {
    name: 'families',
    family: (i) => FAMILIES[i],
    arbitrary: undefined as never,
    setup(i, sandbox) {
      writeFileSync(join(sandbox, 'model.onnx'), tinyOnnx);
      writeFileSync(join(sandbox, 'data.csv'), tinyCsv());
      writeFileSync(join(sandbox, 'file.txt'), 'a file of the user\n');
      writeFileSync(join(sandbox, 'input.pb'), pb);
      mkdirSync(join(sandbox, 'user'));
      writeFileSync(join(sandbox, 'user', 'notes.txt'), 'the user wrote this\n');
      mkdirSync(join(sandbox, 'proj'));
      writeFileSync(join(sandbox, 'proj', 'tinyforge.json'), JSON.stringify({ tool: 'tinyforge', files: ['model.c', 'tinyforge.json'] }));
      writeFileSync(join(sandbox, 'proj', 'model.c'), '/* old */\n');
      writeFileSync(join(sandbox, 'proj', 'my_main.c'), 'int main(void) { return 0; }\n');
      for (const [rel, content] of Object.entries(FAMILIES[i].files ?? {})) {
        const p = join(sandbox, rel);
        mkdirSync(rel.endsWith('/') ? p : join(p, '..'), { recursive: true });
        if (!rel.endsWith('/')) writeFileSync(p, content);
      }
      return sandbox;
    },
    async run(i, sandbox) {
      const f = FAMILIES[i];
      await runCli(f.argv, sandbox);
      return { outDir: join(sandbox, f.out ?? 'out') };
    },
    describe: (i) =>
      `${FAMILIES[i].name}: tinyforge ${FAMILIES[i].argv.map((a) => (a.length > 40 ? `${a.slice(0, 12)}…(${a.length})` : a)).join(' ')}`,
  };
}
