// `tinyforge run`: runs a model on given inputs (.pb TensorProto files) and writes each output as <output-name>.pb.
import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TinyforgeError } from '../../diagnostics.ts';
import type { TensorProtoValue } from '../../data/tensor-proto.ts';
import { checkOutputPath, writeFileAtomically } from '../../safe-write.ts';
import { log, printJson } from '../output.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Which model input a `--input` spec names: `<name>=<file>` with the name exactly as the model has it ('=' and all:
 *  the longest input name the spec starts with, followed by '=', wins), or a bare `<file>` for a one-input model. */
export function parseInputSpec(spec: string, inputNames: readonly string[]): { name: string; file: string } {
  const named = inputNames.filter((n) => spec.startsWith(`${n}=`)).sort((a, b) => b.length - a.length)[0];
  if (named !== undefined) return { name: named, file: spec.slice(named.length + 1) };
  if (inputNames.length === 1 && !spec.includes('=')) return { name: inputNames[0], file: spec };
  const eq = spec.indexOf('=');
  throw new TinyforgeError(
    eq > 0 ? 'unknown-input' : 'bad-argument',
    eq > 0 ? `--input "${spec}" names no input of the model` : `--input "${spec}" is not of the form <name>=<file.pb>`,
    {
      location: { field: '--input' },
      notes: [`inputs of this model: ${inputNames.map((n) => JSON.stringify(n)).join(', ')}`],
      hint: `pass --input ${inputNames[0] ?? 'x'}=<file.pb> (the name as \`tinyforge inspect\` shows it, even when it holds '=')`,
    },
  );
}

/** A file name for an output tensor: its name with what file systems refuse replaced, short enough for any of them. */
export function outputFileName(name: string, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_') || 'output';
  if (base.length > 100) base = `${base.slice(0, 80)}_${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
  let file = `${base}.pb`;
  for (let k = 2; taken.has(file.toLowerCase()); k++) file = `${base}_${k}.pb`;
  taken.add(file.toLowerCase());
  return file;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run a model on input tensors, on the reference interpreter or generated C on a board')
    .argument('<model>', 'model file: .onnx, TF.js model.json or .tflite')
    .option('--board <id>', "'reference' (TypeScript interpreter), 'host' or an emulated board id", 'reference')
    .option(
      '--input <name=file.pb>',
      "an input tensor as an ONNX TensorProto file (repeatable); the name as the model has it, '=' included; a one-input model also takes the bare file",
      collect,
      [],
    )
    .requiredOption('--output-dir <dir>', 'where to write <output-name>.pb')
    .option('--force', 'replace <output-name>.pb files already in --output-dir')
    .option('--json', 'print each output (file, dims, data type, values) as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ tinyforge run model.onnx --board host --input x=test_data_set_0/input_0.pb --output-dir out/')
    .action(async (modelPath: string, opts: { board: string; input: string[]; outputDir: string; force?: boolean; json?: boolean }) => {
      const { loadModel } = await import('../../import/index.ts');
      const { readTensorProto, writeTensorProto } = await import('../../data/tensor-proto.ts');
      const { runOnBoard } = await import('../run-model.ts');
      const { loadBoard } = await import('../../build/boards.ts');
      // Everything is checked before the model runs (or a board starts): the output folder, the board, every input.
      checkOutputPath(opts.outputDir, 'folder', {
        flag: '--output-dir',
        inputs: [modelPath, ...opts.input.map((s) => s.slice(s.lastIndexOf('=') + 1))],
      });
      if (opts.board !== 'reference') loadBoard(opts.board);
      const g = await loadModel(modelPath);
      const given = new Map<string, string>();
      for (const spec of opts.input) {
        const { name, file } = parseInputSpec(spec, g.inputs);
        if (given.has(name))
          throw new TinyforgeError('bad-argument', `--input gives model input "${name}" twice`, { location: { field: '--input' } });
        given.set(name, file);
      }
      const inputs: Record<string, TensorProtoValue> = Object.create(null);
      for (const name of g.inputs) {
        const file = given.get(name);
        if (file === undefined)
          throw new TinyforgeError('missing-input', `no --input given for model input "${name}"`, {
            hint: `pass --input ${name}=<file.pb>`,
          });
        checkOutputPath(opts.outputDir, 'folder', { flag: '--output-dir', inputs: [file] });
        inputs[name] = readTensorProto(await readInputFile(file), file);
      }
      const taken = new Set<string>();
      const files = g.outputs.map((name) => join(opts.outputDir, outputFileName(name, taken)));
      const existing = files.filter((f) => existsSync(f));
      if (existing.length > 0 && !opts.force) {
        throw new TinyforgeError(
          'output-exists',
          `${existing.length} output file${existing.length > 1 ? 's are' : ' is'} in ${opts.outputDir} already`,
          {
            location: { file: opts.outputDir, field: '--output-dir' },
            notes: existing,
            hint: 'choose another --output-dir, or pass --force to replace them',
          },
        );
      }
      const outputs = await runOnBoard(g, opts.board, inputs);
      const written = [];
      for (const [i, name] of g.outputs.entries()) {
        if (!Object.hasOwn(outputs, name)) continue;
        const t = outputs[name];
        writeFileAtomically(files[i], writeTensorProto(t), '--output-dir');
        log(`wrote ${files[i]}`);
        written.push({ name, file: files[i], dims: t.dims, dtype: t.dtype, values: Array.from(t.data, Number) });
      }
      if (opts.json) printJson({ model: modelPath, board: opts.board, outputs: written });
    });
}

async function readInputFile(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TinyforgeError(
      'file-not-found',
      code === 'EISDIR'
        ? `--input ${file} is a folder, not a .pb file`
        : `--input file ${file} cannot be read (${code ?? (e as Error).message})`,
      {
        location: { file, field: '--input' },
        hint: 'give a serialized onnx.TensorProto file, e.g. test_data_set_0/input_0.pb',
      },
    );
  }
}
