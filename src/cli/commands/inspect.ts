// `tinyforge inspect`: per-layer op, shapes, params, MACs and bytes of a model, and the totals.
import type { Command } from 'commander';
import { printJson, table } from '../output.ts';

export function register(program: Command): void {
  program
    .command('inspect')
    .description('show each layer of a model: op, shapes, parameters, MACs and bytes')
    .argument('<model>', 'model file: .onnx, TF.js model.json or .tflite')
    .option('--json', 'print JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ tinyforge inspect examples/mnist-lenet300/model.onnx --json')
    .action(async (modelPath: string, opts: { json?: boolean }) => {
      const { loadModel } = await import('../../import/index.ts');
      const { graphStats } = await import('../../ir/stats.ts');
      const g = await loadModel(modelPath);
      const stats = graphStats(g);
      const inputs = g.inputs.map((n) => ({ name: n, shape: g.tensors[n].shape, dtype: g.tensors[n].dtype }));
      const outputs = g.outputs.map((n) => ({ name: n, shape: g.tensors[n].shape, dtype: g.tensors[n].dtype }));
      if (opts.json) {
        printJson({ model: { name: g.name, path: modelPath, inputs, outputs }, layers: stats.layers, totals: stats.totals });
        return;
      }
      const shape = (s: readonly number[] | undefined) => (s ? `[${s.join(',')}]` : '');
      process.stdout.write(
        table(
          ['#', 'node', 'op', 'input', 'output', 'params', 'MACs', 'bytes'],
          stats.layers.map((l, i) => [
            i,
            l.node.length > 40 ? l.node.slice(0, 39) + '…' : l.node,
            l.op,
            shape(l.inputShape),
            shape(l.outputShape),
            l.params,
            l.macs,
            l.bytes,
          ]),
        ) + '\n',
      );
      process.stdout.write(
        `\n${g.name}: ${stats.totals.params.toLocaleString('en-US')} params, ${stats.totals.macs.toLocaleString('en-US')} MACs, ` +
          `${stats.totals.bytes.toLocaleString('en-US')} weight bytes; inputs ${inputs.map((i) => `${i.name}${shape(i.shape)}`).join(', ')}\n`,
      );
    });
}
