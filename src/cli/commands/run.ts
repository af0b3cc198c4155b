// `tinyforge run`: runs a model on given inputs (.pb TensorProto files) and writes each output as <output-name>.pb.
import type { Command } from 'commander';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TinyforgeError } from '../../diagnostics.ts';
import { log, printJson } from '../output.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run a model on input tensors, on the reference interpreter or generated C on a board')
    .argument('<model>', 'model file: .onnx, TF.js model.json or .tflite')
    .option('--board <id>', "'reference' (TypeScript interpreter), 'host' or an emulated board id", 'reference')
    .option('--input <name=file.pb>', 'an input tensor as an ONNX TensorProto file (repeatable)', collect, [])
    .requiredOption('--output-dir <dir>', 'where to write <output-name>.pb')
    .option('--json', 'print each output (file, dims, data type, values) as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ tinyforge run model.onnx --board host --input x=test_data_set_0/input_0.pb --output-dir out/')
    .action(async (modelPath: string, opts: { board: string; input: string[]; outputDir: string; json?: boolean }) => {
      const { loadModel } = await import('../../import/index.ts');
      const { readTensorProto, writeTensorProto } = await import('../../data/tensor-proto.ts');
      const { runOnBoard } = await import('../../device/run-model.ts');
      const g = await loadModel(modelPath);
      const given = new Map<string, string>();
      for (const spec of opts.input) {
        const eq = spec.indexOf('=');
        if (eq <= 0) throw new TinyforgeError('bad-argument', `--input "${spec}" is not of the form <name>=<file.pb>`, { hint: `inputs of this model: ${g.inputs.join(', ')}` });
        given.set(spec.slice(0, eq), spec.slice(eq + 1));
      }
      const inputs: Record<string, Uint8Array> = {};
      for (const name of g.inputs) {
        const file = given.get(name);
        if (!file) throw new TinyforgeError('missing-input', `no --input given for model input "${name}"`, { hint: `pass --input ${name}=<file.pb>` });
        inputs[name] = new Uint8Array(await readFile(file));
      }
      for (const name of given.keys())
        if (!g.inputs.includes(name)) throw new TinyforgeError('unknown-input', `the model has no input "${name}"`, { hint: `inputs of this model: ${g.inputs.join(', ')}` });
      const outputs = await runOnBoard(g, opts.board, Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, readTensorProto(v)])));
      await mkdir(opts.outputDir, { recursive: true });
      const written = [];
      for (const [name, t] of Object.entries(outputs)) {
        const file = path.join(opts.outputDir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.pb`);
        await writeFile(file, writeTensorProto(t));
        log(`wrote ${file}`);
        written.push({ name, file, dims: t.dims, dtype: t.dtype, values: Array.from(t.data, Number) });
      }
      if (opts.json) printJson({ model: modelPath, board: opts.board, outputs: written });
    });
}
