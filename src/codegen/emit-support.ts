// Helpers shared by the op emitters: float activation bounds, NHWC dims, broadcast collapsing, unsupported errors.
import { TinyforgeError } from '../diagnostics.ts';
import { product, type Activation, type Node, type Tensor } from '../ir/graph.ts';
import { cFloat } from './c-literals.ts';
import { TFG_MAX_DIMS } from './kernel-catalog.ts';

/** The float clamp of a fused activation as C literals [lo, hi]. */
export function floatActivation(act: Activation): [string, string] {
  if (act === 'relu') return ['0.0f', 'FLT_MAX'];
  if (act === 'relu6') return ['0.0f', cFloat(6)];
  return ['-FLT_MAX', 'FLT_MAX'];
}

/** [N, H, W, C] of a 4-D activation. */
export function nhwcOf(t: Tensor): [number, number, number, number] {
  const [n, h, w, c] = t.shape;
  return [n, h, w, c];
}

export function unsupported(node: Node, why: string, hint?: string): TinyforgeError {
  return new TinyforgeError('unsupported-op', `node "${node.name}" (${node.op}): ${why}`, {
    location: { node: node.name, op: node.op },
    hint: hint ?? 'run the model in float, or change this layer',
  });
}

export interface CollapsedBroadcast {
  dims: number[];
  aStrides: number[];
  bStrides: number[];
}

/** NumPy broadcasting of shapes a and b to `out`, with adjacent dims of the same broadcast pattern merged, so
 *  same-shape becomes 1-D, per-channel 2-D and scalar 1-D with stride 0. Throws past TFG_MAX_DIMS. */
export function collapseBroadcast(node: Node, a: readonly number[], b: readonly number[], out: readonly number[]): CollapsedBroadcast {
  const pad = (s: readonly number[]) => [...new Array<number>(out.length - s.length).fill(1), ...s];
  const [pa, pb] = [pad(a), pad(b)];
  const dims: number[] = [];
  const aBc: boolean[] = [];
  const bBc: boolean[] = [];
  for (let d = 0; d < out.length; d++) {
    if (out[d] === 1) continue; // size-1 dims change no offset
    const ab = pa[d] === 1;
    const bb = pb[d] === 1;
    const last = dims.length - 1;
    if (last >= 0 && aBc[last] === ab && bBc[last] === bb) dims[last] *= out[d];
    else {
      dims.push(out[d]);
      aBc.push(ab);
      bBc.push(bb);
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    aBc.push(false);
    bBc.push(false);
  }
  if (dims.length > TFG_MAX_DIMS) throw unsupported(node, `broadcasting needs ${dims.length} dims, the kernels take ${TFG_MAX_DIMS}`);
  const strides = (bc: boolean[]) => {
    const s = new Array<number>(dims.length).fill(0);
    let acc = 1;
    for (let d = dims.length - 1; d >= 0; d--) {
      s[d] = bc[d] ? 0 : acc;
      if (!bc[d]) acc *= dims[d];
    }
    return s;
  };
  return { dims, aStrides: strides(aBc), bStrides: strides(bBc) };
}

/** C initializer of a tfg_bcast. */
export function bcastInit(c: CollapsedBroadcast): string {
  const arr = (xs: number[]) => `{${xs.join(', ')}}`;
  return `{ ${c.dims.length}, ${arr(c.dims)}, ${arr(c.aStrides)}, ${arr(c.bStrides)} }`;
}

export const sameShape = (a: Tensor, b: Tensor, out: Tensor): boolean =>
  product(a.shape) === product(out.shape) && product(b.shape) === product(out.shape);

/** Axis normalised to [0, rank). */
export const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);
