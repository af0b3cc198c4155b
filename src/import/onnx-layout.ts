// NCHW ⇄ NHWC bookkeeping: ONNX 4-D tensors are NCHW, tinyforge's IR is NHWC; these helpers move shapes, axes and data between them.

/** nhwc[i] = nchw[TO_NHWC[i]] */
export const TO_NHWC = [0, 2, 3, 1];
/** nchw[i] = nhwc[TO_NCHW[i]] */
export const TO_NCHW = [0, 3, 1, 2];

export function permute<T>(xs: readonly T[], perm: readonly number[]): T[] {
  return perm.map((p) => xs[p]);
}

/** The IR shape of an ONNX activation: 4-D tensors become NHWC, others keep their shape. */
export function irShape(onnxShape: readonly number[]): number[] {
  return onnxShape.length === 4 ? permute(onnxShape, TO_NHWC) : [...onnxShape];
}

/** Where ONNX axis `axis` (of a tensor of rank `rank`, negative allowed) sits in the IR tensor. */
export function irAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  return rank === 4 ? TO_NHWC.indexOf(a) : a;
}

export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** out = transpose(data of `shape`, perm): out dim i is input dim perm[i] (numpy semantics). */
export function transposeData<T extends { length: number; [i: number]: number }>(
  data: T,
  shape: readonly number[],
  perm: readonly number[],
  make: (n: number) => T,
): T {
  const outShape = permute(shape, perm);
  const inStrides = strides(shape);
  const srcStride = perm.map((p) => inStrides[p]);
  const out = make(data.length);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let d = 0; d < idx.length; d++) src += idx[d] * srcStride[d];
    out[o] = data[src];
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** A transpose whose non-unit dims keep their order only renames dims: the bytes stay where they are. */
export function isMemoryNoop(shape: readonly number[], perm: readonly number[]): boolean {
  const moved = perm.filter((p) => shape[p] !== 1);
  return moved.every((p, i) => i === 0 || moved[i - 1] < p);
}

/** perm q with transpose(transpose(x, a), b) = transpose(x, q). */
export function composePerms(a: readonly number[], b: readonly number[]): number[] {
  return b.map((i) => a[i]);
}

/** Numpy broadcasting of two shapes, or undefined when they do not broadcast. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | undefined {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}
