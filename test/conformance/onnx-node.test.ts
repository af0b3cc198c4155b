// ONNX conformance: every libonnx-testdata test (node, pytorch-converted, pytorch-operator, simple) whose ops the importer
// knows runs through import + simplify + the reference interpreter and must match output_*.pb; expected failures only shrink.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FOLDABLE_ONNX_OPS, SUPPORTED_ONNX_OPS } from '../../src/import/onnx.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { EXPECTED_FAILURES } from './expected-failures.ts';
import { listNodeTests, TESTDATA_ROOT, opsOf } from '../../src/conformance/onnx-testdata.ts';
import { runNodeCase, type CaseOutcome } from '../../src/conformance/run-case.ts';

const known = new Set([...SUPPORTED_ONNX_OPS, ...FOLDABLE_ONNX_OPS]);
const all = fs.existsSync(TESTDATA_ROOT) ? listNodeTests() : [];
const candidates = all.filter((t) => opsOf(t).every((op) => known.has(op)));
const outcomes = new Map<string, CaseOutcome>();

/** Supported ops with no node test of their own that tinyforge can run; covered by test/import/onnx-import.test.ts. */
const NO_RUNNABLE_NODE_TEST: Record<string, string> = {
  Shape: 'the node tests output the shape itself (a constant); Shape feeding a Reshape is tested in onnx-import.test.ts',
  Size: 'the node tests output the size itself (a constant)',
  Expand: 'the node tests feed the shape as a runtime int64 input; Expand is tested against onnxruntime in test/ops/expand.test.ts',
  Gelu: "Debian's libonnx-testdata predates Gelu (opset 20); tested against onnxruntime in test/ops/unary-math.test.ts",
  Mish: "Debian's libonnx-testdata predates Mish (opset 18); tested against onnxruntime in test/ops/unary-math.test.ts",
  ReduceLogSumExp: 'every node test of it is float64 data; tested against onnxruntime in test/ops/reduce.test.ts',
  Gather: 'the node tests feed int64 indices at run time or gather int data; tested against onnxruntime in test/ops/gather.test.ts',
};

describe('ONNX node conformance (libonnx-testdata)', () => {
  it('finds the Debian test data', () => {
    expect(
      all.filter((t) => t.startsWith('node/')).length,
      `${TESTDATA_ROOT}/node is missing: install libonnx-testdata (setup.sh)`,
    ).toBeGreaterThan(100);
  });

  for (const name of candidates) {
    const expectedFailure = EXPECTED_FAILURES[name];
    it(`${name}${expectedFailure ? ' (expected failure)' : ''}`, () => {
      const r = runNodeCase(name, simplify);
      outcomes.set(name, r);
      if (expectedFailure) expect(r.pass, `${name} passes now: remove it from expected-failures.ts`).toBe(false);
      else expect(r.detail).toBe('');
    });
  }

  it('lists only real, known-op tests as expected failures', () => {
    const stale = Object.keys(EXPECTED_FAILURES).filter((n) => !candidates.includes(n));
    expect(stale).toEqual([]);
  });

  it('runs a node test for every supported op, and reports the pass count', () => {
    const passed = [...outcomes].filter(([, r]) => r.pass).map(([n]) => n);
    const nodePassed = passed.filter((n) => n.startsWith('node/')).length;
    const opsPassing = new Set(passed.flatMap((n) => opsOf(n)));
    const missing = SUPPORTED_ONNX_OPS.filter((op) => !opsPassing.has(op) && !(op in NO_RUNNABLE_NODE_TEST));
    console.log(
      `ONNX conformance: ${passed.length} passed of ${candidates.length} tests using known ops ` +
        `(${Object.keys(EXPECTED_FAILURES).length} expected failures, ${all.length} tests in total); ` +
        `node suite: ${nodePassed} passed of ${candidates.filter((n) => n.startsWith('node/')).length}\n` +
        `supported ops: ${SUPPORTED_ONNX_OPS.join(', ')}\nfolded when constant: ${FOLDABLE_ONNX_OPS.join(', ')}`,
    );
    expect(missing).toEqual([]);
    expect(passed.length).toBe(candidates.length - Object.keys(EXPECTED_FAILURES).length);
  });
});
