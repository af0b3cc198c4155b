// `tinyforge conformance` through the real CLI on a small copy of libonnx-testdata: per-op tallies on the reference
// and host C, a failing test counted as failed, and a missing test-data folder as a clear error.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SuiteResult } from '../../src/cli/conformance-suite.ts';
import { TESTDATA_ROOT } from '../../src/conformance/onnx-testdata.ts';

function cli(...args: string[]) {
  const r = spawnSync('node', ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tinyforge conformance', () => {
  it('tallies each op on the reference and host C; a test tinyforge cannot run counts as failed', () => {
    const root = mkdtempSync(join(tmpdir(), 'tfg-conformance-'));
    mkdirSync(join(root, 'node'));
    for (const t of ['test_relu', 'test_reduce_sum_keepdims_example', 'test_add_uint8', 'test_add'])
      cpSync(join(TESTDATA_ROOT, 'node', t), join(root, 'node', t), { recursive: true });
    const r = cli('conformance', '--testdata', root, '--board', 'host', '--json');
    expect(r.stderr).not.toContain('error[');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as SuiteResult;
    expect(out.tests).toBe(4);
    const byOp = Object.fromEntries(out.per_op.map((o) => [o.op, o]));
    expect(byOp.Relu.reference).toEqual({ passed: 1, ran: 1 });
    expect(byOp.Relu.boards.host).toEqual({ passed: 1, ran: 1 });
    expect(byOp.ReduceSum.reference).toEqual({ passed: 1, ran: 1 });
    // test_add has two runtime inputs: the reference runs it, the one-input serial protocol does not.
    expect(byOp.Add.reference).toEqual({ passed: 1, ran: 2 });
    expect(byOp.Add.boards.host).toEqual({ passed: 0, ran: 0 });
    expect(out.failures.map((f) => f.test)).toEqual(['node/test_add_uint8']);
    expect(out.supported_ops).toContain('ReduceMean');
  });

  it('a missing test-data folder is an error that says how to get it', () => {
    const r = cli('conformance', '--testdata', '/nonexistent/onnx-testdata');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[file-not-found]');
    expect(r.stderr).toContain('libonnx-testdata');
  });
});
