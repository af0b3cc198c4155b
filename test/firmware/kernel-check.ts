// Shared by the kernel tests: run one small graph through generated C on the host (ASan/UBSan) for every kernel
// variant and compare with the TS reference: int8 byte for byte, float within 1e-5 (abs) + 1e-5 (rel).
import { expect } from 'vitest';
import type { Graph, TensorData } from '../../src/ir/graph.ts';
import { product } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { maxFloatViolation, runOnHost } from '../codegen/host-run.ts';
import { randF32, randI8, rng } from '../codegen/graphs.ts';

/** Kernel sets a board can ask for; the _dsp kernels run on the host through their portable C path. */
export const VARIANTS = ['reference', 'cortex-m-dsp'] as const;

export interface CheckOptions {
  samples?: number;
  seed?: number;
  variants?: readonly string[];
  /** Extra inputs forced into the samples (edge values). */
  extra?: TensorData[];
  /** Also compare every layer's output (through the layer hook) for the first input. */
  layers?: boolean;
  /** Kernels that must appear in the generated code (proves the variant under test ran). */
  expectKernels?: Partial<Record<string, string[]>>;
  /** false: no conv + pool fusion, no banded chains (every layer on its own, e.g. to exercise in-place kernels). */
  fuse?: boolean;
}

/** Random inputs for the graph's single input (int8 over the full range, float in [−2, 2]). */
export function randomInputs(g: Graph, samples: number, seed: number): TensorData[] {
  const t = g.tensors[g.inputs[0]];
  const r = rng(seed);
  return Array.from({ length: samples }, () => (t.dtype === 'i8' ? randI8(r, product(t.shape)) : randF32(r, product(t.shape), -2, 2)));
}

export function checkAgainstReference(g: Graph, opts: CheckOptions = {}): void {
  const inputs = [...(opts.extra ?? []), ...randomInputs(g, opts.samples ?? 4, opts.seed ?? 1)];
  const refs = inputs.map((x) => runGraph(g, { [g.inputs[0]]: x }).outputs[g.outputs[0]]);
  for (const variant of opts.variants ?? ['reference']) {
    const run = runOnHost(g, inputs, { board: { kernels: variant }, layers: opts.layers, fuse: opts.fuse });
    if (opts.layers) {
      const values = runGraph(g, { [g.inputs[0]]: inputs[0] }, { collect: true }).values!;
      g.nodes.forEach((node, li) => {
        const label = `${g.name} [${variant}] layer ${li} ${node.name}`;
        // A layer fused or banded into another has no output of its own: that layer's output checks it.
        if (node.name in run.gen.fused) expect(run.layers!.get(li)!.length, label).toBe(0);
        else expectSame(run.layers!.get(li)!, values[node.outputs[0]], label);
      });
    }
    const want = opts.expectKernels?.[variant];
    if (want) for (const k of want) expect(run.gen.kernels, `${g.name} [${variant}]`).toContain(k);
    refs.forEach((ref, i) => expectSame(run.outputs[i], ref, `${g.name} [${variant}] sample ${i}`));
  }
}

/** C bytes vs a reference value: float within tolerance, int8 and int32 (indices) identical. */
function expectSame(got: Uint8Array, ref: TensorData, what: string): void {
  if (ref instanceof Float32Array) {
    const c = new Float32Array(got.buffer.slice(got.byteOffset, got.byteOffset + got.byteLength));
    expect(maxFloatViolation(c, ref), what).toBeNull();
  } else if (ref instanceof Int32Array) {
    expect(Array.from(new Int32Array(got.buffer.slice(got.byteOffset, got.byteOffset + got.byteLength))), what).toEqual(Array.from(ref));
  } else {
    expect(Array.from(new Int8Array(got.buffer, got.byteOffset, got.byteLength)), what).toEqual(Array.from(ref));
  }
}
