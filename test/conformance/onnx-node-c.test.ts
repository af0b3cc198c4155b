// The ONNX node tests again, through the generated C instead of the interpreter: on the host (gcc + ASan/UBSan)
// for every case the reference passes with one input and one output, and on QEMU mps2-an386 for a sample of ops.
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/import/onnx.ts';
import { TO_NCHW, TO_NHWC, transposeData, permute } from '../../src/import/onnx-layout.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { runOnBoard } from '../../src/cli/run-model.ts';
import { runOnHost } from '../codegen/host-run.ts';
import { EXPECTED_FAILURES } from './expected-failures.ts';
import { listNodeTests, loadNodeCase, opsOf } from '../../src/conformance/onnx-testdata.ts';
import { compare, runNodeCase } from '../../src/conformance/run-case.ts';

// C accumulates in float32 where the interpreter uses float64: the codegen kernel tests' tolerance.
const REL = 1e-5;
const ABS = 1e-5;
const f32 = (n: number) => new Float32Array(n);

/** Node tests the reference passes whose graph has one float input and one float output (the serial ABI). */
function eligible(): { name: string; g: Graph }[] {
  const out: { name: string; g: Graph }[] = [];
  for (const name of listNodeTests().filter((n) => n.startsWith('node/'))) {
    if ((EXPECTED_FAILURES as Record<string, unknown>)[name]) continue;
    let ops: string[];
    try {
      ops = opsOf(name);
    } catch {
      continue;
    }
    if (ops.length === 0) continue;
    let c;
    try {
      c = loadNodeCase(name); // test data of types we never import (strings, bools) cannot load: not a C case
    } catch {
      continue;
    }
    if (c.inputs.length !== 1 || c.outputs.length !== 1 || !c.outputs[0].isFloat) continue;
    if (!runNodeCase(name, simplify).pass) continue;
    out.push({ name, g: simplify(importOnnx(c.model, name)) });
  }
  return out;
}

function check(name: string, g: Graph, got: Float32Array): string | undefined {
  const want = loadNodeCase(name).outputs[0];
  const shape = g.tensors[g.outputs[0]].shape;
  const fileShape = g.metadata.outputLayout === 'NCHW' && shape.length === 4 ? permute(shape, TO_NCHW) : shape;
  const data = g.metadata.outputLayout === 'NCHW' && shape.length === 4 ? transposeData(got, shape, TO_NCHW, f32) : got;
  if (fileShape.join(',') !== want.dims.join(',')) return `shape [${fileShape}] vs [${want.dims}]`;
  return compare(data, want.data, REL, ABS);
}

function nhwcInput(name: string, g: Graph): Float32Array {
  const x = loadNodeCase(name).inputs[0];
  return g.metadata.inputLayout === 'NCHW' && x.dims.length === 4 ? transposeData(x.data, x.dims, TO_NHWC, f32) : x.data;
}

const cases = eligible();

describe('ONNX node tests through the generated C', () => {
  it('on the host: every eligible case matches output_0.pb', { timeout: 900_000 }, () => {
    expect(cases.length).toBeGreaterThan(40);
    const failed: string[] = [];
    for (const { name, g } of cases) {
      try {
        const run = runOnHost(g, [nhwcInput(name, g)]);
        const b = run.outputs[0];
        const bad = check(name, g, new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
        if (bad) failed.push(`${name}: ${bad}`);
      } catch (e) {
        failed.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    console.log(`ONNX node tests through C on the host: ${cases.length - failed.length}/${cases.length} pass`);
    expect(failed).toEqual([]);
  });

  it('on QEMU mps2-an386: a sample of ops matches output_0.pb', { timeout: 600_000 }, async () => {
    const wanted = [
      'node/test_conv_with_strides_padding',
      'node/test_maxpool_2d_pads',
      'node/test_averagepool_2d_pads',
      'node/test_softmax_axis_1',
      'node/test_relu',
      'node/test_globalaveragepool',
    ];
    const sample = cases.filter((c) => wanted.includes(c.name));
    expect(sample.length).toBeGreaterThanOrEqual(4);
    for (const { name, g } of sample) {
      const x = loadNodeCase(name).inputs[0];
      const out = await runOnBoard(g, 'mps2-an386', { [g.inputs[0]]: { name: x.name, dims: x.dims, dtype: 'float', data: x.data } });
      const got = Object.values(out)[0];
      const want = loadNodeCase(name).outputs[0];
      expect(got.dims, name).toEqual(want.dims);
      expect(compare(got.data as Float32Array, want.data, REL, ABS), name).toBeUndefined();
    }
  });
});
