// The command line: parses argv with commander, runs one command, renders diagnostics, returns the exit code.
import { Command, CommanderError } from 'commander';
import { TinyforgeError, formatDiagnostic, setWarningSink } from '../diagnostics.ts';
import { TOOL_VERSION } from '../package.ts';
import { commands } from './commands/index.ts';
import { exitQuietlyWhenStdoutCloses } from './output.ts';
import { stopWithParent } from './parent-watch.ts';

export function buildProgram(): Command {
  const program = new Command('tinyforge')
    .description('Deploy neural networks to microcontrollers: compress, generate C, build, flash, measure on the device.')
    .version(TOOL_VERSION, '-V, --version', 'print the version')
    .option('--verbose', 'show stack traces and tool output')
    .exitOverride()
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nExample:\n  $ tinyforge deploy examples/mnist-cnn/model.onnx --board mps2-an386 --quantize int8 --dataset mnist --samples 100',
    );
  for (const register of commands) register(program);
  return program;
}

/** Runs the CLI. User errors exit 2 with a diagnostic and no stack trace (unless --verbose). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const verbose = argv.includes('--verbose');
  stopWithParent();
  exitQuietlyWhenStdoutCloses();
  setWarningSink((d) => process.stderr.write(formatDiagnostic(d) + '\n'));
  try {
    await program.parseAsync(argv, { from: 'user' });
    // A command that ran to the end may still report a failure of what it checked (tinyforge test: exit 1).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version are "errors" to commander; they have already printed.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof TinyforgeError) {
      process.stderr.write(formatDiagnostic(err.diagnostic) + '\n');
      if (verbose && err.stack) process.stderr.write(err.stack + '\n');
      if (argv.includes('--json')) process.stdout.write(JSON.stringify({ error: err.diagnostic }, null, 2) + '\n');
      return 2;
    }
    const e = err as Error;
    process.stderr.write(
      `error[internal]: ${e?.message ?? String(err)}\n  hint: this is a bug in tinyforge; rerun with --verbose and report the stack trace\n`,
    );
    if (verbose && e?.stack) process.stderr.write(e.stack + '\n');
    return 1;
  }
}
