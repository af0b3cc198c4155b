// Constant folding at import: evaluates ONNX nodes whose inputs are all known, such as the shape arithmetic PyTorch emits
// (Shape→Gather→Unsqueeze→Concat→Reshape), Constant nodes, Cast and Slice, so only real layers reach the IR.
import { ImportProblem } from './onnx-context.ts';
import { broadcastShapes, strides, transposeData } from './onnx-layout.ts';
import { Attrs, type ConstValue, readTensor } from './onnx-proto-read.ts';

type Folder = (ins: (ConstValue | undefined)[], a: Attrs, opset: number, file: string) => ConstValue[];

const num = (v: ConstValue | undefined, what: string): number[] => {
  if (!v) throw new ImportProblem(`missing ${what}`);
  return Array.from(v.data);
};
const cv = (dims: number[], data: ArrayLike<number>, isFloat: boolean): ConstValue => ({ dims, data: Float64Array.from(data), isFloat });
const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
const normAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** Numpy-broadcast elementwise op over two constants. */
export function broadcastBinary(x: ConstValue, y: ConstValue, f: (a: number, b: number) => number): ConstValue {
  const dims = broadcastShapes(x.dims, y.dims);
  if (!dims) throw new ImportProblem(`shapes [${x.dims}] and [${y.dims}] do not broadcast`);
  const r = dims.length;
  const pad = (d: number[]) => [...new Array(r - d.length).fill(1), ...d];
  const xd = pad(x.dims),
    yd = pad(y.dims);
  const xs = strides(xd).map((s, i) => (xd[i] === 1 ? 0 : s));
  const ys = strides(yd).map((s, i) => (yd[i] === 1 ? 0 : s));
  const n = size(dims);
  const out = new Float64Array(n);
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < n; o++) {
    let xi = 0,
      yi = 0;
    for (let d = 0; d < r; d++) {
      xi += idx[d] * xs[d];
      yi += idx[d] * ys[d];
    }
    out[o] = f(x.data[xi], y.data[yi]);
    for (let d = r - 1; d >= 0; d--) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
  }
  const isFloat = x.isFloat || y.isFloat;
  if (isFloat) for (let i = 0; i < n; i++) out[i] = Math.fround(out[i]);
  return { dims, data: out, isFloat };
}

/** Min or Max over any number of constants, broadcast pairwise from the left as ONNX does. */
function variadic(ins: (ConstValue | undefined)[], f: (a: number, b: number) => number): ConstValue {
  if (ins.some((v) => !v)) throw new ImportProblem('an input is empty (Min and Max take no optional inputs)');
  const xs = ins as ConstValue[];
  return xs.slice(1).reduce((acc, x) => broadcastBinary(acc, x, f), xs[0]);
}

/** ONNX Reshape's target shape: 0 copies the input dim (unless allowzero), -1 is inferred. */
export function resolveReshape(inDims: number[], shape: number[], allowZero: boolean): number[] {
  const out = shape.map((d, i) => (d === 0 && !allowZero ? inDims[i] : d));
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const total = size(inDims);
  const minus = out.indexOf(-1);
  if (minus >= 0) out[minus] = known === 0 ? 0 : total / known;
  if (size(out) !== total || out.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ImportProblem(`cannot reshape [${inDims}] to [${shape}]`);
  }
  return out;
}

export function unsqueezeDims(dims: number[], axes: number[]): number[] {
  const r = dims.length + axes.length;
  const ax = new Set(axes.map((a) => normAxis(a, r)));
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < r; i++) out.push(ax.has(i) ? 1 : dims[j++]);
  return out;
}

export function squeezeDims(dims: number[], axes: number[] | undefined): number[] {
  if (!axes) return dims.filter((d) => d !== 1);
  const ax = new Set(axes.map((a) => normAxis(a, dims.length)));
  for (const a of ax) if (dims[a] !== 1) throw new ImportProblem(`cannot squeeze axis ${a} of size ${dims[a]}`);
  return dims.filter((_, i) => !ax.has(i));
}

export function flattenDims(dims: number[], axis: number): number[] {
  const a = normAxis(axis, dims.length);
  return [size(dims.slice(0, a)), size(dims.slice(a))];
}

/** Axes given as an attribute before `inputFrom` and as input `index` from then on (Squeeze, Unsqueeze at 13, …). */
export function axesOf(ins: (ConstValue | undefined)[], a: Attrs, opset: number, inputFrom: number, index = 1): number[] | undefined {
  if (opset >= inputFrom) return ins[index] ? Array.from(ins[index]!.data) : undefined;
  return a.ints('axes');
}

/** Slice parameters for every axis: start, end (exclusive) and step, clamped as the spec says. */
export function sliceRanges(dims: number[], starts: number[], ends: number[], axes?: number[], steps?: number[]) {
  const r = dims.map((d) => ({ start: 0, end: d, step: 1 }));
  (axes ?? starts.map((_, i) => i)).forEach((ax, i) => {
    const a = normAxis(ax, dims.length);
    const d = dims[a];
    const step = steps?.[i] ?? 1;
    if (step === 0) throw new ImportProblem('Slice step 0');
    let s = starts[i] < 0 ? starts[i] + d : starts[i];
    let e = ends[i] < 0 ? ends[i] + d : ends[i];
    if (step > 0) {
      s = Math.min(Math.max(s, 0), d);
      e = Math.min(Math.max(e, 0), d);
    } else {
      s = Math.min(Math.max(s, 0), d - 1);
      e = Math.min(Math.max(e, -1), d - 1);
    }
    r[a] = { start: s, end: e, step };
  });
  return r;
}

function sliceValue(x: ConstValue, ranges: { start: number; end: number; step: number }[]): ConstValue {
  const dims = ranges.map(({ start, end, step }) => Math.max(0, Math.ceil((end - start) / step)));
  const st = strides(x.dims);
  const out = new Float64Array(size(dims));
  const idx = new Array<number>(dims.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < dims.length; d++) src += (ranges[d].start + idx[d] * ranges[d].step) * st[d];
    out[o] = x.data[src];
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
  }
  return { dims, data: out, isFloat: x.isFloat };
}

const FLOAT_TYPES = new Set<number>([1, 10, 11, 16]);

/** How many leading inputs each folder reads without checking: a node giving fewer is refused before it folds. */
export const FOLD_INPUTS: Readonly<Record<string, number>> = {
  Shape: 1,
  Size: 1,
  Identity: 1,
  Cast: 1,
  Gather: 2,
  Unsqueeze: 1,
  Squeeze: 1,
  Flatten: 1,
  Reshape: 1,
  Concat: 1,
  Slice: 1,
  Transpose: 1,
  Neg: 1,
  Add: 2,
  Sub: 2,
  Mul: 2,
  Div: 2,
  Expand: 2,
  Min: 1,
  Max: 1,
  Pow: 2,
};

export const FOLDERS: Record<string, Folder> = {
  Constant: (_ins, a, _o, file) => {
    const t = a.tensor('value');
    if (t) return [readTensor(t, file)];
    if (a.has('value_float')) return [cv([], [a.float('value_float', 0)], true)];
    if (a.has('value_floats')) {
      const v = a.ints('value_floats')!;
      return [cv([v.length], v, true)];
    }
    if (a.has('value_int')) return [cv([], [a.int('value_int', 0)], false)];
    if (a.has('value_ints')) {
      const v = a.ints('value_ints')!;
      return [cv([v.length], v, false)];
    }
    throw new ImportProblem('Constant without a numeric value (sparse or string constants are not supported)');
  },
  ConstantOfShape: (ins, a, _o, file) => {
    const dims = num(ins[0], 'shape');
    const t = a.tensor('value');
    const v = t ? readTensor(t, file) : cv([1], [0], true);
    return [cv(dims, new Float64Array(size(dims)).fill(v.data[0]), v.isFloat)];
  },
  Shape: (ins, a) => {
    const d = ins[0]!.dims;
    const r = d.length;
    const clamp = (x: number) => Math.min(Math.max(x < 0 ? x + r : x, 0), r);
    const s = clamp(a.int('start', 0)),
      e = clamp(a.int('end', r));
    return [cv([Math.max(0, e - s)], d.slice(s, e), false)];
  },
  Size: (ins) => [cv([], [size(ins[0]!.dims)], false)],
  Identity: (ins) => [ins[0]!],
  Cast: (ins, a) => {
    const to = a.int('to', 1);
    const x = ins[0]!;
    const isFloat = FLOAT_TYPES.has(to);
    const data = x.data.map((v) => (isFloat ? Math.fround(v) : to === 9 ? (v !== 0 ? 1 : 0) : Math.trunc(v)));
    return [{ dims: x.dims, data, isFloat }];
  },
  Gather: (ins, a) => {
    const x = ins[0]!,
      ind = ins[1]!;
    const axis = normAxis(a.int('axis', 0), x.dims.length);
    const outer = size(x.dims.slice(0, axis)),
      inner = size(x.dims.slice(axis + 1)),
      n = x.dims[axis];
    const dims = [...x.dims.slice(0, axis), ...ind.dims, ...x.dims.slice(axis + 1)];
    const out = new Float64Array(size(dims));
    let o = 0;
    for (let i = 0; i < outer; i++) {
      for (const raw of ind.data) {
        const k = raw < 0 ? raw + n : raw;
        if (k < 0 || k >= n) throw new ImportProblem(`Gather index ${raw} out of range for a dimension of ${n}`);
        for (let j = 0; j < inner; j++) out[o++] = x.data[(i * n + k) * inner + j];
      }
    }
    return [{ dims, data: out, isFloat: x.isFloat }];
  },
  Unsqueeze: (ins, a, opset) => {
    const axes = axesOf(ins, a, opset, 13);
    if (!axes) throw new ImportProblem('Unsqueeze without axes');
    return [{ ...ins[0]!, dims: unsqueezeDims(ins[0]!.dims, axes) }];
  },
  Squeeze: (ins, a, opset) => [{ ...ins[0]!, dims: squeezeDims(ins[0]!.dims, axesOf(ins, a, opset, 13)) }],
  Flatten: (ins, a) => [{ ...ins[0]!, dims: flattenDims(ins[0]!.dims, a.int('axis', 1)) }],
  Reshape: (ins, a, opset) => {
    const shape = opset >= 5 ? num(ins[1], 'shape') : a.ints('shape', [])!;
    return [{ ...ins[0]!, dims: resolveReshape(ins[0]!.dims, shape, a.int('allowzero', 0) === 1) }];
  },
  Concat: (ins, a) => {
    const xs = ins.filter((x): x is ConstValue => !!x);
    const rank = xs[0].dims.length;
    const axis = normAxis(a.int('axis', 0), rank);
    const outer = size(xs[0].dims.slice(0, axis));
    const dims = [...xs[0].dims];
    dims[axis] = xs.reduce((s, x) => s + x.dims[axis], 0);
    const out: number[] = [];
    for (let i = 0; i < outer; i++) {
      for (const x of xs) {
        const chunk = size(x.dims.slice(axis));
        for (let j = 0; j < chunk; j++) out.push(x.data[i * chunk + j]);
      }
    }
    return [
      cv(
        dims,
        out,
        xs.some((x) => x.isFloat),
      ),
    ];
  },
  Slice: (ins, a, opset) => {
    const x = ins[0]!;
    const r =
      opset >= 10
        ? sliceRanges(
            x.dims,
            num(ins[1], 'starts'),
            num(ins[2], 'ends'),
            ins[3] && Array.from(ins[3].data),
            ins[4] && Array.from(ins[4].data),
          )
        : sliceRanges(x.dims, a.ints('starts', [])!, a.ints('ends', [])!, a.ints('axes'));
    return [sliceValue(x, r)];
  },
  Transpose: (ins, a) => {
    const x = ins[0]!;
    const perm = a.ints('perm') ?? x.dims.map((_, i) => x.dims.length - 1 - i);
    return [
      { dims: perm.map((p) => x.dims[p]), data: transposeData(x.data, x.dims, perm, (n) => new Float64Array(n)), isFloat: x.isFloat },
    ];
  },
  Range: (ins) => {
    const [s, l, d] = [num(ins[0], 'start')[0], num(ins[1], 'limit')[0], num(ins[2], 'delta')[0]];
    const n = Math.max(Math.ceil((l - s) / d), 0);
    return [
      cv(
        [n],
        Array.from({ length: n }, (_, i) => s + i * d),
        ins[0]!.isFloat,
      ),
    ];
  },
  Neg: (ins) => [{ ...ins[0]!, data: ins[0]!.data.map((v) => -v) }],
  // PyTorch's initial RNN state: zeros expanded to [layers, batch, hidden].
  Expand: (ins) => {
    const shape = num(ins[1], 'shape');
    return [{ ...broadcastBinary(ins[0]!, cv(shape, new Float64Array(size(shape)), false), (x) => x), isFloat: ins[0]!.isFloat }];
  },
  Add: (ins) => [broadcastBinary(ins[0]!, ins[1]!, (x, y) => x + y)],
  Sub: (ins) => [broadcastBinary(ins[0]!, ins[1]!, (x, y) => x - y)],
  Mul: (ins) => [broadcastBinary(ins[0]!, ins[1]!, (x, y) => x * y)],
  Div: (ins) => {
    const isFloat = ins[0]!.isFloat || ins[1]!.isFloat;
    return [broadcastBinary(ins[0]!, ins[1]!, (x, y) => (isFloat ? x / y : Math.trunc(x / y)))];
  },
  Min: (ins) => [variadic(ins, Math.min)],
  Max: (ins) => [variadic(ins, Math.max)],
  // The result has the base's type (ONNX Pow, opset 12 on); an integer power truncates as onnxruntime does.
  Pow: (ins) => {
    const base = ins[0]!;
    const out = broadcastBinary(base, { ...ins[1]!, isFloat: base.isFloat }, (x, y) => Math.pow(x, y));
    if (!base.isFloat) out.data = out.data.map(Math.trunc);
    return [out];
  },
};
