// TFLite tensor plumbing (CONCATENATION, PAD/PADV2, TRANSPOSE, SQUEEZE, EXPAND_DIMS, PACK, UNPACK, SPLIT, SPLIT_V,
// STRIDED_SLICE) onto the IR's Concat, Pad, Transpose, Reshape and Slice: each index is resolved at import, so the IR
// only ever sees constant, in-range windows. Multi-output ops become one node per output.
import type { Node, Tensor } from '../ir/graph.ts';
import { sliceCount } from '../ir/ops/slice.ts';
import {
  OptionsType,
  readConcatenationOptions,
  readPackOptions,
  readSplitOptions,
  readSqueezeOptions,
  readStridedSliceOptions,
  readUnpackOptions,
  type StridedSliceOptions,
} from './tflite-options.ts';
import { activation, arity, checkOptions, constInts, expectShape, tensor, type Converter, type OpContext } from './tflite-op-context.ts';
import { UnsupportedFeature } from './tflite-tensors.ts';

/** An axis in [-rank, rank) made non-negative, or a 'bad-model-file' naming the op. */
function axisOf(c: OpContext, opName: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank)
    c.tt.fail(`operator ${c.op.index} (${opName}) axis ${axis} is outside rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

/** A constant scalar (or one-element) int32 input such as SPLIT's or EXPAND_DIMS's axis. */
function constScalar(c: OpContext, i: number, opName: string, what: string): number {
  const { values } = constInts(c, i, opName, what);
  if (values.length !== 1) c.tt.fail(`operator ${c.op.index} (${opName}) ${what} holds ${values.length} values, expected one`);
  return values[0];
}

function reshapeNode(name: string, x: string, shape: number[]): Node {
  return { name, op: 'Reshape', inputs: [x], outputs: [name], attrs: { shape } };
}

function sliceNode(name: string, x: string, starts: number[], ends: number[], steps: number[]): Node {
  return { name, op: 'Slice', inputs: [x], outputs: [name], attrs: { starts, ends, steps } };
}

/** The IR name of output k, its shape checked against the one the IR will infer. */
function output(c: OpContext, opName: string, k: number, want: number[]): string {
  const name = c.tt.use(c.op.outputs[k]);
  expectShape(c, opName, c.tt.tensors[name].shape, want, name);
  return name;
}

/** A fresh intermediate with x's dtype and quantization (plumbing never changes either). */
function intermediate(c: OpContext, base: string, x: Tensor, shape: number[]): string {
  return c.tt.add(base, { shape, dtype: x.dtype, quant: x.quant });
}

export const concatenation: Converter = (c) => {
  arity(c, 1, Infinity, 'CONCATENATION');
  checkOptions(c, OptionsType.ConcatenationOptions, 'CONCATENATION');
  const o = readConcatenationOptions(c.op.options);
  if (activation(o.activation) !== 'none') throw new UnsupportedFeature('CONCATENATION with a fused activation (only NONE)');
  const xs = c.op.inputs.map((_, i) => tensor(c, i));
  const rank = xs[0].shape.length;
  const axis = axisOf(c, 'CONCATENATION', o.axis, rank);
  for (const x of xs) {
    if (x.shape.length !== rank || x.shape.some((d, k) => k !== axis && d !== xs[0].shape[k]))
      c.tt.fail(`operator ${c.op.index} (CONCATENATION) input [${x.shape}] does not match [${xs[0].shape}] outside axis ${axis}`);
  }
  const joined = xs[0].shape.map((d, k) => (k === axis ? xs.reduce((s, x) => s + x.shape[axis], 0) : d));
  expectShape(c, 'CONCATENATION', c.tt.tensors[c.name].shape, joined);
  return [{ name: c.name, op: 'Concat', inputs: xs.map((x) => x.name), outputs: [c.name], attrs: { axis } }];
};

/** PAD pads with zero (int8: the zero point); PADV2 with its constant_values input, a one-element constant. */
export function pad(opName: 'PAD' | 'PADV2'): Converter {
  return (c) => {
    arity(c, opName === 'PAD' ? 2 : 3, 3, opName);
    checkOptions(c, opName === 'PAD' ? OptionsType.PadOptions : OptionsType.PadV2Options, opName);
    const x = tensor(c, 0);
    const r = x.shape.length;
    const p = constInts(c, 1, opName, 'paddings').values;
    if (p.length !== 2 * r || p.some((v) => v < 0))
      c.tt.fail(`operator ${c.op.index} (${opName}) paddings [${p}] are not ${r} non-negative [before, after] pairs`);
    let value = 0;
    if (c.op.inputs.length === 3 && c.op.inputs[2] !== -1) {
      const v = tensor(c, 2);
      if (!v.data || v.data.length !== 1)
        throw new UnsupportedFeature(`${opName} whose constant_values "${v.name}" is not a one-element constant`);
      const q = v.quant;
      value = q ? q.scale[0] * (v.data[0] - q.zeroPoint[0]) : v.data[0];
    }
    const pads = [...x.shape.map((_, d) => p[2 * d]), ...x.shape.map((_, d) => p[2 * d + 1])];
    expectShape(
      c,
      opName,
      c.tt.tensors[c.name].shape,
      x.shape.map((d, i) => d + pads[i] + pads[i + r]),
    );
    return [{ name: c.name, op: 'Pad', inputs: [x.name], outputs: [c.name], attrs: { pads, value } }];
  };
}

export const transpose: Converter = (c) => {
  arity(c, 2, 2, 'TRANSPOSE');
  checkOptions(c, OptionsType.TransposeOptions, 'TRANSPOSE');
  const x = tensor(c, 0);
  const perm = constInts(c, 1, 'TRANSPOSE', 'perm').values;
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== x.shape.length || sorted.some((v, i) => v !== i))
    c.tt.fail(`operator ${c.op.index} (TRANSPOSE) perm [${perm}] is not a permutation of the ${x.shape.length} axes of [${x.shape}]`);
  expectShape(
    c,
    'TRANSPOSE',
    c.tt.tensors[c.name].shape,
    perm.map((a) => x.shape[a]),
  );
  return [{ name: c.name, op: 'Transpose', inputs: [x.name], outputs: [c.name], attrs: { perm } }];
};

/** SQUEEZE drops the listed size-1 axes (every size-1 axis when none are listed): a Reshape. */
export const squeeze: Converter = (c) => {
  arity(c, 1, 1, 'SQUEEZE');
  checkOptions(c, OptionsType.SqueezeOptions, 'SQUEEZE');
  const x = tensor(c, 0);
  const listed = readSqueezeOptions(c.op.options).squeezeDims.map((a) => axisOf(c, 'SQUEEZE', a, x.shape.length));
  const drop = listed.length > 0 ? new Set(listed) : new Set(x.shape.flatMap((d, k) => (d === 1 ? [k] : [])));
  for (const k of drop)
    if (x.shape[k] !== 1) c.tt.fail(`operator ${c.op.index} (SQUEEZE) axis ${k} of [${x.shape}] has size ${x.shape[k]}, not 1`);
  const shape = x.shape.filter((_, k) => !drop.has(k));
  expectShape(c, 'SQUEEZE', c.tt.tensors[c.name].shape, shape);
  return [reshapeNode(c.name, x.name, shape)];
};

/** EXPAND_DIMS inserts a size-1 axis at a constant position in [-(rank + 1), rank]: a Reshape. */
export const expandDims: Converter = (c) => {
  arity(c, 2, 2, 'EXPAND_DIMS');
  checkOptions(c, OptionsType.ExpandDimsOptions, 'EXPAND_DIMS');
  const x = tensor(c, 0);
  const axis = axisOf(c, 'EXPAND_DIMS', constScalar(c, 1, 'EXPAND_DIMS', 'axis'), x.shape.length + 1);
  const shape = [...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)];
  expectShape(c, 'EXPAND_DIMS', c.tt.tensors[c.name].shape, shape);
  return [reshapeNode(c.name, x.name, shape)];
};

/** PACK stacks equal-shaped inputs along a new axis: each gets its size-1 axis (Reshape), then one Concat. */
export const pack: Converter = (c) => {
  arity(c, 1, Infinity, 'PACK');
  checkOptions(c, OptionsType.PackOptions, 'PACK');
  const o = readPackOptions(c.op.options);
  const xs = c.op.inputs.map((_, i) => tensor(c, i));
  if (o.valuesCount !== xs.length) c.tt.fail(`operator ${c.op.index} (PACK) values_count ${o.valuesCount} but ${xs.length} inputs`);
  const shape = xs[0].shape;
  for (const x of xs) {
    if (x.shape.length !== shape.length || x.shape.some((d, k) => d !== shape[k]))
      c.tt.fail(`operator ${c.op.index} (PACK) input [${x.shape}] differs from [${shape}]`);
  }
  const axis = axisOf(c, 'PACK', o.axis, shape.length + 1);
  const lifted = [...shape.slice(0, axis), 1, ...shape.slice(axis)];
  const stacked = lifted.map((d, k) => (k === axis ? xs.length : d));
  expectShape(c, 'PACK', c.tt.tensors[c.name].shape, stacked);
  if (xs.length === 1) return [reshapeNode(c.name, xs[0].name, stacked)];
  const nodes = xs.map((x, i) => reshapeNode(intermediate(c, `${c.name}/${i}`, x, lifted), x.name, lifted));
  nodes.push({ name: c.name, op: 'Concat', inputs: nodes.map((n) => n.name), outputs: [c.name], attrs: { axis } });
  return nodes;
};

/** UNPACK splits an axis into its slices and drops it: per output one Slice and one Reshape. */
export const unpack: Converter = (c) => {
  checkOptions(c, OptionsType.UnpackOptions, 'UNPACK');
  const o = readUnpackOptions(c.op.options);
  arity(c, 1, 1, 'UNPACK', o.num);
  const x = tensor(c, 0);
  const axis = axisOf(c, 'UNPACK', o.axis, x.shape.length);
  if (o.num !== x.shape[axis])
    c.tt.fail(`operator ${c.op.index} (UNPACK) num ${o.num} but axis ${axis} of [${x.shape}] has ${x.shape[axis]}`);
  const part = x.shape.map((d, k) => (k === axis ? 1 : d));
  const dropped = x.shape.filter((_, k) => k !== axis);
  return Array.from({ length: o.num }, (_, i) => {
    const y = output(c, 'UNPACK', i, dropped);
    const sliced = intermediate(c, `${y}/slice`, x, part);
    const starts = part.map((_, k) => (k === axis ? i : 0));
    const ends = x.shape.map((d, k) => (k === axis ? i + 1 : d));
    return [
      sliceNode(
        sliced,
        x.name,
        starts,
        ends,
        part.map(() => 1),
      ),
      reshapeNode(y, sliced, dropped),
    ];
  }).flat();
};

/** Consecutive windows of `sizes` along `axis`, one Slice per output. */
function splitNodes(c: OpContext, opName: string, x: Tensor, axis: number, sizes: number[]): Node[] {
  let start = 0;
  return sizes.map((size, i) => {
    const shape = x.shape.map((d, k) => (k === axis ? size : d));
    const y = output(c, opName, i, shape);
    const starts = x.shape.map((_, k) => (k === axis ? start : 0));
    const ends = x.shape.map((d, k) => (k === axis ? start + size : d));
    start += size;
    return sliceNode(
      y,
      x.name,
      starts,
      ends,
      x.shape.map(() => 1),
    );
  });
}

/** SPLIT: inputs (axis, x), num_splits equal parts. */
export const split: Converter = (c) => {
  checkOptions(c, OptionsType.SplitOptions, 'SPLIT');
  const n = readSplitOptions(c.op.options).numSplits;
  arity(c, 2, 2, 'SPLIT', n);
  const x = tensor(c, 1);
  const axis = axisOf(c, 'SPLIT', constScalar(c, 0, 'SPLIT', 'axis'), x.shape.length);
  if (!(n >= 1) || x.shape[axis] % n !== 0) c.tt.fail(`operator ${c.op.index} (SPLIT) cannot cut ${x.shape[axis]} into ${n} equal parts`);
  return splitNodes(c, 'SPLIT', x, axis, new Array<number>(n).fill(x.shape[axis] / n));
};

/** SPLIT_V: inputs (x, size_splits, axis); one size may be −1 (the rest of the axis). */
export const splitV: Converter = (c) => {
  checkOptions(c, OptionsType.SplitVOptions, 'SPLIT_V');
  const n = readSplitOptions(c.op.options).numSplits;
  arity(c, 3, 3, 'SPLIT_V', n);
  const x = tensor(c, 0);
  const axis = axisOf(c, 'SPLIT_V', constScalar(c, 2, 'SPLIT_V', 'axis'), x.shape.length);
  const sizes = constInts(c, 1, 'SPLIT_V', 'size_splits').values;
  const free = sizes.filter((s) => s === -1).length;
  const known = sizes.reduce((s, v) => (v === -1 ? s : s + v), 0);
  const resolved = sizes.map((s) => (s === -1 ? x.shape[axis] - known : s));
  if (
    sizes.length !== n ||
    free > 1 ||
    sizes.some((s) => s < -1) ||
    resolved.reduce((a, b) => a + b, 0) !== x.shape[axis] ||
    resolved.some((s) => s < 0)
  )
    c.tt.fail(`operator ${c.op.index} (SPLIT_V) size_splits [${sizes}] do not cut axis ${axis} of [${x.shape}] into ${n} parts`);
  if (resolved.some((s) => s === 0)) throw new UnsupportedFeature('SPLIT_V with an empty output (a size of 0)');
  return splitNodes(c, 'SPLIT_V', x, axis, resolved);
};

/** One axis of the input as STRIDED_SLICE reads it once its masks are expanded (TensorFlow's dense spec). */
interface DenseAxis {
  begin: number;
  end: number;
  stride: number;
  beginMasked: boolean;
  endMasked: boolean;
  shrink: boolean;
}

/** The output after each input axis (or a new size-1 axis): TensorFlow's BuildDenseSpec for the five masks. */
export function denseSpec(rank: number, begin: number[], end: number[], strides: number[], o: StridedSliceOptions) {
  const bit = (mask: number, i: number) => ((mask >> i) & 1) === 1;
  const n = begin.length;
  const full: DenseAxis = { begin: 0, end: 0, stride: 1, beginMasked: true, endMasked: true, shrink: false };
  const axes: DenseAxis[] = [];
  /** Per output position: the input axis it comes from, or −1 for a new size-1 axis. */
  const layout: number[] = [];
  const ellipses = Array.from({ length: n }, (_, i) => i).filter((i) => bit(o.ellipsisMask, i));
  if (ellipses.length > 1) return { error: 'more than one ellipsis' };
  const newAfterEllipsis = ellipses.length
    ? Array.from({ length: n }, (_, i) => i).filter((i) => i > ellipses[0] && bit(o.newAxisMask, i)).length
    : 0;
  for (let i = 0; i < n; i++) {
    if (bit(o.ellipsisMask, i)) {
      const next = Math.min(rank - (n - i) + 1 + newAfterEllipsis, rank);
      while (axes.length < next) {
        layout.push(axes.length);
        axes.push(full);
      }
    } else if (bit(o.newAxisMask, i)) {
      layout.push(-1);
    } else {
      if (axes.length >= rank) return { error: `${n} indices for a rank-${rank} input` };
      const shrink = bit(o.shrinkAxisMask, i);
      if (!shrink) layout.push(axes.length);
      const e = o.offset ? begin[i] + end[i] : end[i];
      axes.push({ begin: begin[i], end: e, stride: strides[i], beginMasked: bit(o.beginMask, i), endMasked: bit(o.endMask, i), shrink });
    }
  }
  while (axes.length < rank) {
    layout.push(axes.length);
    axes.push(full);
  }
  return { axes, layout };
}

/** TensorFlow's canonical index: masked → the far end for the stride's direction; negative → from the end; clamped. */
function canonical(x: number, dim: number, stride: number, masked: boolean, isBegin: boolean): number {
  if (masked) return stride > 0 ? (isBegin ? 0 : dim) : isBegin ? dim - 1 : -1;
  const v = x < 0 ? x + dim : x;
  return stride > 0 ? Math.min(Math.max(v, 0), dim) : Math.min(Math.max(v, -1), dim - 1);
}

/** STRIDED_SLICE with constant begin/end/strides: one Slice over the input's axes, then a Reshape when the masks
 *  drop (shrink_axis) or add (new_axis) axes. */
export const stridedSlice: Converter = (c) => {
  arity(c, 4, 4, 'STRIDED_SLICE');
  checkOptions(c, OptionsType.StridedSliceOptions, 'STRIDED_SLICE');
  const o = readStridedSliceOptions(c.op.options);
  const x = tensor(c, 0);
  const [begin, end, strides] = (['begin', 'end', 'strides'] as const).map((w, k) => constInts(c, k + 1, 'STRIDED_SLICE', w).values);
  if (end.length !== begin.length || strides.length !== begin.length || strides.some((s) => s === 0))
    c.tt.fail(
      `operator ${c.op.index} (STRIDED_SLICE) begin [${begin}], end [${end}], strides [${strides}] differ in length or have a 0 stride`,
    );
  const spec = denseSpec(x.shape.length, begin, end, strides, o);
  if (spec.error !== undefined) throw new UnsupportedFeature(`STRIDED_SLICE with ${spec.error}`);
  const starts: number[] = [];
  const ends: number[] = [];
  const steps: number[] = [];
  spec.axes!.forEach((a, k) => {
    const dim = x.shape[k];
    if (a.shrink) {
      const at = a.begin < 0 ? a.begin + dim : a.begin;
      if (at < 0 || at >= dim) c.tt.fail(`operator ${c.op.index} (STRIDED_SLICE) index ${a.begin} is outside axis ${k} of [${x.shape}]`);
      starts.push(at);
      ends.push(at + 1);
      steps.push(1);
      return;
    }
    starts.push(canonical(a.begin, dim, a.stride, a.beginMasked, true));
    ends.push(canonical(a.end, dim, a.stride, a.endMasked, false));
    steps.push(a.stride);
  });
  const window = starts.map((s, k) => sliceCount(s, ends[k], steps[k]));
  if (window.some((d) => d === 0)) throw new UnsupportedFeature(`STRIDED_SLICE that selects nothing (an empty output) from [${x.shape}]`);
  const shape = spec.layout!.map((k) => (k === -1 ? 1 : window[k]));
  expectShape(c, 'STRIDED_SLICE', c.tt.tensors[c.name].shape, shape);
  const same = shape.length === window.length && shape.every((d, k) => d === window[k]);
  if (same) return [sliceNode(c.name, x.name, starts, ends, steps)];
  const sliced = intermediate(c, `${c.name}/slice`, x, window);
  return [sliceNode(sliced, x.name, starts, ends, steps), reshapeNode(c.name, sliced, shape)];
};
