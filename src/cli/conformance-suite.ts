// The ONNX node test suite (libonnx-testdata) per op: every test whose ops tinyforge imports runs on the reference
// interpreter; those it passes with one float input and one float output (the serial ABI) run again as generated C on
// each board asked for. On an emulated board only the first `perOpOnBoard` such tests of each op run (one firmware
// build and one QEMU start per test), so its part stays bounded.
import { existsSync } from 'node:fs';
import { TinyforgeError } from '../diagnostics.ts';
import { FOLDABLE_ONNX_OPS, SUPPORTED_ONNX_OPS } from '../import/onnx.ts';
import { importOnnx } from '../import/onnx.ts';
import { simplify } from '../ir/optimize.ts';
import { listNodeTests, loadNodeCase, opsOf } from '../conformance/onnx-testdata.ts';
import { compare, runNodeCase } from '../conformance/run-case.ts';
import { runOnBoard } from './run-model.ts';

/** C accumulates in float32 where the reference may use float64: the codegen kernel tests' tolerance. */
const C_REL = 1e-5;
const C_ABS = 1e-5;

export interface SuiteOptions {
  root: string;
  suites: string[];
  /** 'host' and emulated board ids; the reference always runs. */
  boards: string[];
  /** On emulated boards: how many of each op's tests run. */
  perOpOnBoard: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface Tally {
  passed: number;
  ran: number;
}

export interface OpRow {
  op: string;
  /** Tests using the op whose ops tinyforge all imports. */
  tests: number;
  reference: Tally;
  boards: Record<string, Tally>;
}

export interface SuiteResult {
  testdata: string;
  suites: string[];
  supported_ops: string[];
  foldable_ops: string[];
  tests: number;
  reference: Tally;
  boards: Record<string, Tally & { seconds: number; scope: string }>;
  reference_seconds: number;
  per_op: OpRow[];
  failures: { test: string; where: string; detail: string }[];
}

const tally = (): Tally => ({ passed: 0, ran: 0 });

export async function runNodeSuite(o: SuiteOptions): Promise<SuiteResult> {
  if (!existsSync(o.root)) {
    throw new TinyforgeError('file-not-found', `the ONNX test data folder ${o.root} does not exist`, {
      location: { field: '--testdata' },
      hint: "install Debian's libonnx-testdata (apt-get install libonnx-testdata, as setup.sh does) or pass --testdata <folder>",
    });
  }
  const known = new Set([...SUPPORTED_ONNX_OPS, ...FOLDABLE_ONNX_OPS]);
  const tests = listNodeTests(o.root, o.suites).filter((t) => opsOf(t, o.root).every((op) => known.has(op)));
  const rows = new Map<string, OpRow>();
  const rowOf = (op: string) => {
    let r = rows.get(op);
    if (!r) rows.set(op, (r = { op, tests: 0, reference: tally(), boards: Object.fromEntries(o.boards.map((b) => [b, tally()])) }));
    return r;
  };
  const failures: SuiteResult['failures'] = [];
  const reference = tally();
  const onBoard: string[] = [];
  let started = performance.now();
  tests.forEach((t, i) => {
    const ops = opsOf(t, o.root).filter((op) => SUPPORTED_ONNX_OPS.includes(op));
    const r = runNodeCase(t, simplify, o.root);
    reference.ran++;
    if (r.pass) reference.passed++;
    else failures.push({ test: t, where: 'reference', detail: r.detail });
    for (const op of ops) {
      const row = rowOf(op);
      row.tests++;
      row.reference.ran++;
      if (r.pass) row.reference.passed++;
    }
    if (r.pass && ops.length > 0 && serialCase(t, o.root)) onBoard.push(t);
    o.onProgress?.('reference', i + 1, tests.length);
  });
  const referenceSeconds = (performance.now() - started) / 1000;

  const boards: SuiteResult['boards'] = {};
  for (const board of o.boards) {
    started = performance.now();
    const emulated = board !== 'host';
    const taken = new Map<string, number>();
    const chosen = onBoard.filter((t) => {
      if (!emulated) return true;
      const ops = opsOf(t, o.root).filter((op) => SUPPORTED_ONNX_OPS.includes(op));
      if (ops.every((op) => (taken.get(op) ?? 0) >= o.perOpOnBoard)) return false;
      for (const op of ops) taken.set(op, (taken.get(op) ?? 0) + 1);
      return true;
    });
    const total = tally();
    for (const [i, t] of chosen.entries()) {
      const detail = await runOnTarget(t, board, o.root);
      total.ran++;
      if (!detail) total.passed++;
      else failures.push({ test: t, where: board, detail });
      for (const op of opsOf(t, o.root).filter((x) => SUPPORTED_ONNX_OPS.includes(x))) {
        const cell = rowOf(op).boards[board];
        cell.ran++;
        if (!detail) cell.passed++;
      }
      o.onProgress?.(board, i + 1, chosen.length);
    }
    const scope = emulated
      ? `the first ${o.perOpOnBoard} test(s) of each op that the reference passes with one float input and output`
      : 'every test the reference passes with one float input and one float output';
    boards[board] = { ...total, seconds: Math.round((performance.now() - started) / 100) / 10, scope };
  }
  return {
    testdata: o.root,
    suites: o.suites,
    supported_ops: [...SUPPORTED_ONNX_OPS],
    foldable_ops: [...FOLDABLE_ONNX_OPS],
    tests: tests.length,
    reference,
    reference_seconds: Math.round(referenceSeconds * 10) / 10,
    boards,
    per_op: [...rows.values()].sort((a, b) => a.op.localeCompare(b.op)),
    failures,
  };
}

/** One float input and one float output: what the firmware's serial protocol carries. */
function serialCase(test: string, root: string): boolean {
  try {
    const c = loadNodeCase(test, root);
    return c.inputs.length === 1 && c.outputs.length === 1 && c.outputs[0].isFloat;
  } catch {
    return false;
  }
}

/** Runs one test as generated C on `board`; undefined when it matches output_0.pb, else why not. */
async function runOnTarget(test: string, board: string, root: string): Promise<string | undefined> {
  const c = loadNodeCase(test, root);
  try {
    const g = simplify(importOnnx(c.model, test));
    const x = c.inputs[0];
    const out = await runOnBoard(g, board, { [g.inputs[0]]: { name: x.name, dims: x.dims, dtype: 'float', data: x.data } });
    const got = Object.values(out)[0];
    const want = c.outputs[0];
    if (got.dims.join(',') !== want.dims.join(',')) return `shape [${got.dims}] vs [${want.dims}]`;
    return compare(got.data as Float32Array, want.data, C_REL, C_ABS);
  } catch (e) {
    return `[${(e as { code?: string }).code ?? 'internal'}] ${(e as Error).message.split('\n')[0]}`;
  }
}
