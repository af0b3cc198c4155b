// The bench's plumbing: every row's command is a command the CLI accepts, the CLI runner reads its JSON, and the
// README figures table round-trips and is compared by command.
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.ts';
import { argvOf, CLI_PREFIX, runCli } from '../../bench/cli.ts';
import { compareWithReadme, readReadmeRows, writeReadmeRows, type ReadmeRow } from '../../bench/readme.ts';
import { ROWS } from '../../bench/rows.ts';

/** The CLI with every action replaced by a no-op: parsing checks the command, its options and required values. */
function parseOnly(): Command {
  const program = buildProgram();
  const silence = (c: Command) => {
    c.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    if (c.commands.length === 0) c.action(() => {});
    c.commands.forEach(silence);
  };
  silence(program);
  return program;
}

describe('bench rows', () => {
  it('have unique ids, and every command parses as a tinyforge command (with the --json the bench adds)', async () => {
    expect(new Set(ROWS.map((r) => r.id)).size).toBe(ROWS.length);
    for (const row of ROWS) {
      for (const c of row.commands) {
        await expect(parseOnly().parseAsync([...argvOf(c), '--json'], { from: 'user' }), `${row.id}: ${c}`).resolves.toBeDefined();
      }
    }
  });

  it('a misspelt option is caught by the same parse', async () => {
    await expect(parseOnly().parseAsync(['deploy', 'm.onnx', '--board', 'host', '--sample', '3'], { from: 'user' })).rejects.toThrow(
      /unknown option/,
    );
  });
});

describe('runCli', () => {
  it('runs the real CLI with --json and parses its output', { timeout: 60_000 }, async () => {
    const r = await runCli('boards');
    expect(r.exitCode).toBe(0);
    expect(r.command).toBe(`${CLI_PREFIX} boards`);
    expect((r.json as { id: string }[]).map((b) => b.id)).toContain('mps2-an386');
  });

  it('reports a failing command with its exit code and the diagnostic from stderr', { timeout: 60_000 }, async () => {
    const r = await runCli('inspect no-such-model.onnx');
    expect(r.exitCode).toBe(2);
    expect(r.stderrTail).toMatch(/error\[/);
  });
});

describe('README figures table', () => {
  const rows: ReadmeRow[] = [
    { what: 'LeNet | int8', figures: '1 instructions · 2 B flash', command: 'node bin/tinyforge.js deploy a.onnx --board host' },
    { what: 'CNN', figures: '3 B arena', command: 'node bin/tinyforge.js compress b.onnx --recipe x -o y && node bin/tinyforge.js eval y' },
  ];

  it('writes and reads back the same rows, keeping the text around it', () => {
    const readme = writeReadmeRows('# title\n\nintro\n', rows);
    expect(readReadmeRows(readme)).toEqual(rows);
    const again = writeReadmeRows(readme.replace('intro', 'intro text'), [rows[1]]);
    expect(again).toContain('intro text');
    expect(readReadmeRows(again)).toEqual([rows[1]]);
  });

  it('compares a measured row with the README row of the same command', () => {
    const readme = readReadmeRows(writeReadmeRows('', rows));
    expect(compareWithReadme(rows[0], readme).status).toBe('same');
    expect(compareWithReadme({ ...rows[0], figures: '9 instructions' }, readme)).toEqual({ status: 'differs', readme: rows[0].figures });
    expect(compareWithReadme({ ...rows[0], command: 'other' }, readme).status).toBe('not-in-readme');
    expect(readReadmeRows('no table here')).toBeUndefined();
  });
});
