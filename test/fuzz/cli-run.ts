// Runs one tinyforge command line in this process, the way `main` does but with the error thrown instead of
// printed, output silenced, and the current folder set to the case's sandbox for the run.
import { CommanderError } from 'commander';
import { setWarningSink } from '../../src/diagnostics.ts';
import { buildProgram } from '../../src/cli/main.ts';

/** Commander's own refusals (unknown flag, missing argument, bad choice) exit 2 like a TinyforgeError. */
export const isUsageError = (e: unknown): e is CommanderError => e instanceof CommanderError && e.exitCode !== 0;

export async function runCli(argv: string[], cwd: string): Promise<void> {
  const program = buildProgram();
  program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  for (const cmd of program.commands) cmd.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  const out = process.stdout.write;
  const err = process.stderr.write;
  const here = process.cwd();
  const quiet = (() => true) as typeof process.stdout.write;
  process.stdout.write = quiet;
  process.stderr.write = quiet;
  setWarningSink(() => {});
  process.chdir(cwd);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError && e.exitCode === 0) return; // --help, --version
    throw e;
  } finally {
    process.chdir(here);
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
