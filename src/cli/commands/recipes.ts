// `tinyforge recipes`: what a compression recipe can contain — the steps with what they do, the presets with the steps
// they run, and (given a step or preset name) every parameter with its range and default, so nobody has to provoke a
// recipe error to learn them.
import type { Command } from 'commander';
import { TinyforgeError } from '../../diagnostics.ts';
import { printJson, table } from '../output.ts';

export function register(program: Command): void {
  program
    .command('recipes')
    .description("list the compression steps and presets; with a name, the step's parameters or the preset's recipe")
    .argument('[name]', 'a step (e.g. cluster) or a preset (e.g. deep-compression)')
    .option('--json', 'print JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ tinyforge recipes prune-weights')
    .action(async (name: string | undefined, opts: { json?: boolean }) => {
      const { CONV_VARIANTS, describeParam, passes, presets } = await import('../../compress/pipeline.ts');
      const { stepParams } = await import('../../compress/pass.ts');
      if (!name) {
        if (opts.json) {
          printJson({ steps: Object.values(passes).map((p) => ({ name: p.name, description: p.description })), presets });
          return;
        }
        process.stdout.write(
          `steps\n${table(
            ['step', 'what it does'],
            Object.values(passes).map((p) => [p.name, p.description]),
          )}\n`,
        );
        process.stdout.write(
          `\npresets\n${table(
            ['preset', 'steps'],
            Object.entries(presets).map(([k, r]) => [k, r.map((s) => s.step).join(' → ') || '(none)']),
          )}\n`,
        );
        process.stdout.write(
          '\nA recipe file is a JSON list of steps: [{"step": "prune-weights", "sparsity": 0.9}, {"step": "cluster"}, {"step": "huffman"}]\n',
        );
        return;
      }
      const pass = Object.hasOwn(passes, name) ? passes[name] : undefined;
      if (pass) {
        const params = { ...pass.params, ...stepParams };
        const preset = Object.hasOwn(presets, name) ? presets[name] : undefined; // some presets share their step's name (prune-weights, distill, …)
        if (opts.json) {
          printJson({ name: pass.name, description: pass.description, params, ...(preset ? { preset } : {}) });
          return;
        }
        process.stdout.write(`${pass.name}: ${pass.description}\n\n`);
        process.stdout.write(
          table(
            ['parameter', 'accepts', 'what it sets'],
            Object.entries(params).map(([k, spec]) => [k, describeParam(spec), spec.description]),
          ) + '\n',
        );
        if (preset) process.stdout.write(`\npreset ${name}: ${JSON.stringify(preset)}\n`);
        return;
      }
      const preset = Object.hasOwn(presets, name) ? presets[name] : undefined;
      if (preset) {
        const conv = CONV_VARIANTS[name];
        if (opts.json) printJson({ name, recipe: preset, ...(conv ? { convolutional_models: conv } : {}) });
        else
          process.stdout.write(
            `${name}:\n${JSON.stringify(preset, null, 2)}\n${conv ? `on a model with convolutions it runs ${conv} (tinyforge recipes ${conv})\n` : ''}`,
          );
        return;
      }
      throw new TinyforgeError('bad-argument', `"${name}" is neither a compression step nor a preset`, {
        notes: [`steps: ${Object.keys(passes).join(', ')}`, `presets: ${Object.keys(presets).join(', ')}`],
        hint: 'run tinyforge recipes without a name to list them',
      });
    });
}
