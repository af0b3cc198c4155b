// Every command explains itself with --help and an example; preprocessing flags reach the evaluation.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { buildProgram } from '../../src/cli/main.ts';

function cli(...args: string[]) {
  const r = spawnSync('node', ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli', () => {
  it('stops quietly with exit 0 when the reader of its output has gone (`tinyforge … | head`)', async () => {
    for (const args of [
      ['deploy', '--help'],
      ['recipes', '--json'],
    ]) {
      const child = spawn('node', ['bin/tinyforge.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy(); // closed before the first write: that write fails with EPIPE
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
      const code = await new Promise<number | null>((done) => child.on('close', done));
      expect(stderr, args.join(' ')).not.toMatch(/EPIPE|Unhandled/);
      expect(code, args.join(' ')).toBe(0);
    }
  });

  it('prints help with an example', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: tinyforge');
    expect(r.stdout).toContain('Example:');
  });

  it('every command has --help with an example that names the command', () => {
    const commands = buildProgram().commands;
    expect(commands.map((c) => c.name())).toEqual(
      expect.arrayContaining(['deploy', 'compile', 'flash', 'eval', 'boards', 'inspect', 'run', 'compress']),
    );
    for (const c of commands) {
      let text = '';
      c.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
      c.outputHelp(); // in-process: the same text `tinyforge <cmd> --help` prints, including the example
      expect(text, c.name()).toContain(`Usage: tinyforge ${c.name()}`);
      expect(text, c.name()).toMatch(new RegExp(`Example:\\n\\s+\\$ tinyforge ${c.name()}`));
    }
  });

  it('--mean/--std override the model file preprocessing (and change what the model sees)', () => {
    const base = JSON.parse(cli('eval', 'examples/mnist-lenet300/model.onnx', '--dataset', 'mnist', '--limit', '100', '--json').stdout);
    const norm = JSON.parse(
      cli('eval', 'examples/mnist-lenet300/model.onnx', '--dataset', 'mnist', '--limit', '100', '--json', '--mean', '0.5', '--std', '0.25')
        .stdout,
    );
    expect(base.reference_top1).toBeGreaterThan(0.95);
    expect(base.onnxruntime_top1).toBe(base.reference_top1);
    expect(norm.reference_top1).not.toBe(base.reference_top1);
    const bad = cli('eval', 'examples/mnist-lenet300/model.onnx', '--dataset', 'mnist', '--std', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error[bad-preprocess]');
  });
});
