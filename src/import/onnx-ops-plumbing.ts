// ONNX Slice, Split, Gather and Expand on runtime tensors → IR Slice / Gather / Expand. A 4-D activation is NHWC in the IR,
// so per-axis parameters are permuted to it; a Gather that changes the rank works on the ONNX memory order instead.
import { type Act, ImportProblem } from './onnx-context.ts';
import { sliceRanges } from './onnx-fold.ts';
import { broadcastShapes, irAxis, irShape, permute, TO_NHWC } from './onnx-layout.ts';
import { OpCall } from './onnx-op-call.ts';
import { liftRank } from './onnx-ops-tensor.ts';

type Range = { start: number; end: number; step: number };

const count = ({ start, end, step }: Range) => Math.max(0, Math.ceil((end - start) / step));

/** Output `outName` = x sliced by `ranges` (ONNX axis order); nothing when the slice keeps everything. */
function addSlice(n: OpCall, x: Act, ranges: Range[], outName: string, nodeName: string): void {
  const shape = ranges.map(count);
  const empty = shape.findIndex((d) => d === 0);
  if (empty >= 0)
    throw new ImportProblem(`output "${outName}" would be empty on axis ${empty}; tinyforge tensors hold at least one element`);
  if (ranges.every((r, d) => r.start === 0 && r.step === 1 && shape[d] === x.shape[d])) {
    n.ctx.values.set(outName, { kind: 'act', ir: x.ir, shape });
    return;
  }
  const ir = x.shape.length === 4 ? permute(ranges, TO_NHWC) : ranges;
  const out = n.ctx.defineAct(outName, shape);
  n.ctx.addNode('Slice', nodeName, [x.ir], [out.ir], {
    starts: ir.map((r) => r.start),
    ends: ir.map((r) => r.end),
    steps: ir.map((r) => r.step),
  });
}

export function slice(n: OpCall): void {
  const x = n.act(0);
  const ints = (i: number, what: string) => (n.ins[i] ? Array.from(n.constIn(i, what).data) : undefined);
  const ranges =
    n.opset >= 10
      ? sliceRanges(x.shape, ints(1, 'starts')!, ints(2, 'ends')!, ints(3, 'axes'), ints(4, 'steps'))
      : sliceRanges(x.shape, n.a.ints('starts', [])!, n.a.ints('ends', [])!, n.a.ints('axes'));
  addSlice(n, x, ranges, n.outs[0], n.name);
}

/** Split: one Slice per output along the axis; sizes from the split input (opset 13+), the attribute (before), or
 *  equal parts (num_outputs in opset 18, the last part smaller when the axis does not divide). */
export function split(n: OpCall): void {
  const x = n.act(0);
  const r = x.shape.length;
  const axis = n.a.int('axis', 0);
  const a = axis < 0 ? axis + r : axis;
  if (a < 0 || a >= r) throw new ImportProblem(`axis ${axis} is out of range for rank ${r}`);
  const dim = x.shape[a];
  const outs = n.outs;
  let sizes: number[];
  if (n.opset >= 13 && n.ins[1]) sizes = Array.from(n.constIn(1, 'split').data);
  else if (n.opset < 13 && n.a.has('split')) sizes = n.a.ints('split')!;
  else {
    const parts = outs.length;
    const each = n.opset >= 18 ? Math.ceil(dim / parts) : dim / parts;
    if (!Number.isInteger(each)) throw new ImportProblem(`axis ${a} (size ${dim}) does not split into ${parts} equal parts`);
    sizes = outs.map((_, k) => Math.max(0, Math.min(each, dim - k * each)));
  }
  if (sizes.length !== outs.length) throw new ImportProblem(`split gives ${sizes.length} sizes for ${outs.length} outputs`);
  if (sizes.reduce((s, v) => s + v, 0) !== dim || sizes.some((s) => s < 0))
    throw new ImportProblem(`split sizes [${sizes}] do not add up to axis ${a}'s size ${dim}`);
  let start = 0;
  outs.forEach((o, k) => {
    const ranges = x.shape.map((d, i) => (i === a ? { start, end: start + sizes[k], step: 1 } : { start: 0, end: d, step: 1 }));
    start += sizes[k];
    if (o) addSlice(n, x, ranges, o, `${n.name}/${k}`);
  });
}

/** Gather with constant indices (negative ones count from the end). */
export function gather(n: OpCall): void {
  const x = n.act(0);
  const c = n.constIn(1, 'indices');
  const r = x.shape.length;
  const axis = n.a.int('axis', 0);
  const a = axis < 0 ? axis + r : axis;
  if (a < 0 || a >= r) throw new ImportProblem(`axis ${axis} is out of range for rank ${r}`);
  const dim = x.shape[a];
  const indices = Array.from(c.data, (v) => (v < 0 ? v + dim : v));
  const bad = indices.findIndex((k) => k < 0 || k >= dim);
  if (bad >= 0) throw new ImportProblem(`index ${c.data[bad]} is out of range for axis ${a} of size ${dim}`);
  if (indices.length === 0) throw new ImportProblem('indices are empty; tinyforge tensors hold at least one element');
  const shape = [...x.shape.slice(0, a), ...c.dims, ...x.shape.slice(a + 1)];
  if (r === 4 && c.dims.length === 1) {
    const out = n.ctx.defineAct(n.outs[0], shape);
    n.ctx.addNode('Gather', n.name, [x.ir], [out.ir], { axis: irAxis(a, 4), indices, indicesShape: [...c.dims] });
    return;
  }
  const src = n.ctx.inOnnxOrder(x, n.name);
  // A scalar index drops the axis: the IR Gather takes it with a one-element indices shape, a Reshape removes it.
  const indicesShape = c.dims.length === 0 ? [1] : [...c.dims];
  n.ctx.fromOnnxOrder(
    n.outs[0],
    shape,
    (o) => {
      const gathered = [...x.shape.slice(0, a), ...indicesShape, ...x.shape.slice(a + 1)];
      if (c.dims.length > 0) {
        n.ctx.addNode('Gather', n.name, [src], [o], { axis: a, indices, indicesShape });
        return;
      }
      const tmp = n.ctx.scratch(`${n.outs[0]}__gathered`, gathered);
      n.ctx.addNode('Gather', n.name, [src], [tmp], { axis: a, indices, indicesShape });
      n.ctx.addNode('Reshape', `${n.name}/drop_axis`, [tmp], [o], { shape: n.ctx.tensors[o].shape });
    },
    n.name,
  );
}

/** Expand: numpy broadcasting of the input against a constant shape (either side may hold the 1s). */
export function expand(n: OpCall): void {
  const x = n.act(0);
  const target = Array.from(n.constIn(1, 'shape').data);
  const shape = broadcastShapes(x.shape, target);
  if (!shape) throw new ImportProblem(`input [${x.shape}] does not broadcast to [${target}]`);
  const lifted = liftRank(n, x, shape.length);
  if (shape.every((d, i) => d === lifted.shape[i])) {
    n.ctx.values.set(n.outs[0], lifted);
    return;
  }
  const out = n.ctx.defineAct(n.outs[0], shape);
  n.ctx.addNode('Expand', n.name, [lifted.ir], [out.ir], { shape: irShape(shape) });
}
