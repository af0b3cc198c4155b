// Runs one ONNX node test (libonnx-testdata) through importOnnx + validateGraph + simplify + runGraph and compares it
// with its output_*.pb; shared by the conformance tests and `tinyforge conformance`.
import { importOnnx } from '../import/onnx.ts';
import { TO_NCHW, TO_NHWC, transposeData, permute } from '../import/onnx-layout.ts';
import type { Graph } from '../ir/graph.ts';
import { validateGraph } from '../ir/validate.ts';
import { runGraph } from '../reference/interpreter.ts';
import { loadNodeCase } from './onnx-testdata.ts';

/** Oracle tolerance for float results: |got - want| <= ABS + REL·|want|. */
export const REL_TOL = 1e-5;
export const ABS_TOL = 1e-6;

export interface CaseOutcome {
  pass: boolean;
  /** Why it failed: the error code and message, or the first mismatching element. */
  detail: string;
}

const f32 = (n: number) => new Float32Array(n);

/** Feeds inputs NHWC when the graph says its 4-D tensors were NCHW in the file; returns outputs in file layout. */
export function runInFileLayout(g: Graph, inputs: { name: string; dims: number[]; data: Float32Array }[]): Float32Array[] {
  const nchw = g.metadata.inputLayout === 'NCHW';
  const feed: Record<string, Float32Array> = {};
  g.inputs.forEach((name, i) => {
    const x = inputs[i];
    feed[name] = nchw && x.dims.length === 4 ? transposeData(x.data, x.dims, TO_NHWC, f32) : x.data;
  });
  const { outputs } = runGraph(g, feed);
  return g.outputs.map((name) => {
    const shape = g.tensors[name].shape;
    const data = outputs[name] as Float32Array;
    return g.metadata.outputLayout === 'NCHW' && shape.length === 4 ? transposeData(data, shape, TO_NCHW, f32) : data;
  });
}

export function compare(got: ArrayLike<number>, want: ArrayLike<number>, rel = REL_TOL, abs = ABS_TOL): string | undefined {
  if (got.length !== want.length) return `${got.length} values, expected ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const [a, e] = [got[i], want[i]];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue; // also covers ±Infinity
    if (!(Math.abs(a - e) <= abs + rel * Math.abs(e))) return `element ${i}: got ${a}, expected ${e}`;
  }
  return undefined;
}

export function runNodeCase(name: string, simplify: (g: Graph) => Graph = (g) => g, root?: string): CaseOutcome {
  let c;
  try {
    c = loadNodeCase(name, root);
  } catch (e) {
    return { pass: false, detail: `test data unreadable: ${(e as Error).message}` };
  }
  let g: Graph;
  try {
    g = importOnnx(c.model, `${name}/model.onnx`);
    validateGraph(g, name);
    g = simplify(g);
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'internal';
    const notes = (e as { diagnostic?: { notes?: string[] } }).diagnostic?.notes ?? [];
    return { pass: false, detail: `[${code}] ${(e as Error).message}${notes.length ? ': ' + notes.join('; ') : ''}` };
  }
  const got = runInFileLayout(g, c.inputs);
  for (let k = 0; k < c.outputs.length; k++) {
    const want = c.outputs[k];
    const shape = g.tensors[g.outputs[k]].shape;
    const fileShape = g.metadata.outputLayout === 'NCHW' && shape.length === 4 ? permute(shape, TO_NCHW) : shape;
    if (fileShape.join(',') !== want.dims.join(','))
      return { pass: false, detail: `output ${k} has shape [${fileShape}], expected [${want.dims}]` };
    const bad = compare(got[k], want.data);
    if (bad) return { pass: false, detail: `output ${k} ("${want.name}"): ${bad}` };
  }
  return { pass: true, detail: '' };
}
