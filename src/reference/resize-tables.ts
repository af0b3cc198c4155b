// Where each output row and column of a Resize reads from, computed once at compile time: the reference kernels and
// the C kernels (through codegen) apply the same tables, so they cannot disagree on a coordinate.
// Float coordinates follow ONNX Resize as onnxruntime computes them (float32 steps); the int8 bilinear tables follow
// TFLM's RESIZE_BILINEAR integer kernel (10-bit fixed-point scale).
import type { Node, OpAttrs } from '../ir/graph.ts';

const f = Math.fround;

/** The source coordinate of output index `x` along one axis (ONNX coordinate_transformation_mode, float32 steps). */
export function sourceCoordinate(x: number, inSize: number, outSize: number, scale: number, a: OpAttrs['Resize']): number {
  switch (a.coordinateMode) {
    case 'half_pixel':
      return f(f(f(x + 0.5) / f(scale)) - 0.5);
    case 'pytorch_half_pixel':
      return outSize > 1 ? f(f(f(x + 0.5) / f(scale)) - 0.5) : 0;
    case 'align_corners':
      return outSize === 1 ? 0 : f(f(x * (inSize - 1)) / (outSize - 1));
    case 'asymmetric':
      return f(x / f(scale));
    case 'tf_half_pixel_for_nn':
      return f(f(x + 0.5) / f(scale));
  }
}

/** The pixel a fractional coordinate picks (ONNX nearest_mode), clamped into the input. */
export function nearestPixel(c: number, inSize: number, mode: OpAttrs['Resize']['nearestMode']): number {
  let i: number;
  if (mode === 'floor') i = Math.floor(c);
  else if (mode === 'ceil') i = Math.ceil(c);
  else if (c === Math.floor(c) + 0.5) i = mode === 'round_prefer_floor' ? Math.floor(c) : Math.ceil(c);
  else i = Math.round(c);
  return Math.min(Math.max(i, 0), inSize - 1);
}

/** Source rows (or columns) of nearest resizing along one axis. */
export function nearestTable(inSize: number, outSize: number, scale: number, a: OpAttrs['Resize']): Int32Array {
  return Int32Array.from({ length: outSize }, (_, x) =>
    nearestPixel(sourceCoordinate(x, inSize, outSize, scale, a), inSize, a.nearestMode),
  );
}

/** Float bilinear along one axis: per output index the two source indices (lo, hi interleaved) and their weights
 *  (w_lo, w_hi interleaved, float32). The coordinate is clamped into [0, in − 1] as onnxruntime does. */
export interface LinearTable {
  index: Int32Array;
  weight: Float32Array;
}

export function linearTable(inSize: number, outSize: number, scale: number, a: OpAttrs['Resize']): LinearTable {
  const index = new Int32Array(2 * outSize);
  const weight = new Float32Array(2 * outSize);
  for (let x = 0; x < outSize; x++) {
    const c = Math.min(Math.max(sourceCoordinate(x, inSize, outSize, scale, a), 0), inSize - 1);
    const lo = Math.floor(c);
    const hi = Math.min(lo + 1, inSize - 1);
    const frac = f(c - lo);
    index[2 * x] = lo;
    index[2 * x + 1] = hi;
    weight[2 * x] = f(1 - frac);
    weight[2 * x + 1] = frac;
  }
  return { index, weight };
}

/** int8 bilinear along one axis, as TFLM: per output index lo, hi and the 10-bit fraction of the way to hi (lo, hi,
 *  frac interleaved). The fraction may be negative at a half-pixel edge; lo then equals hi and the weights still sum
 *  to 1024. */
export function linearInt8Table(inSize: number, outSize: number, a: OpAttrs['Resize']): Int32Array {
  const alignCorners = a.coordinateMode === 'align_corners' && outSize > 1;
  const halfPixel = a.coordinateMode === 'half_pixel' || (a.coordinateMode === 'pytorch_half_pixel' && outSize > 1);
  const scale10 = alignCorners
    ? Math.trunc((1024 * (inSize - 1) + Math.trunc((outSize - 1) / 2)) / (outSize - 1))
    : Math.trunc((1024 * inSize + Math.trunc(outSize / 2)) / outSize);
  const t = new Int32Array(3 * outSize);
  for (let x = 0; x < outSize; x++) {
    const scaled = halfPixel ? x * scale10 + Math.trunc(scale10 / 2) - 512 : x * scale10;
    // TFLM truncates toward zero; lo is also kept inside the input, where TFLM would read past it for huge outputs.
    const lo = Math.min(Math.max(Math.trunc(scaled / 1024), 0), inSize - 1);
    const hi = Math.min(Math.trunc((scaled + 1023) / 1024), inSize - 1);
    t[3 * x] = lo;
    t[3 * x + 1] = Math.max(hi, lo);
    t[3 * x + 2] = scaled - 1024 * lo;
  }
  return t;
}

/** The NHWC geometry of a Resize node: [batch, inH, inW, outH, outW, channels]. */
export function resizeGeometry(node: Node<'Resize'>, inShape: readonly number[]): [number, number, number, number, number, number] {
  const [n, h, w, c] = inShape;
  return [n, h, w, node.attrs.size[0], node.attrs.size[1], c];
}
