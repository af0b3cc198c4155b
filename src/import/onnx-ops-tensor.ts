// ONNX elementwise, activation and shape ops → IR nodes; 4-D operands are NHWC in the IR, so axes and constants are remapped here.
import type { Activation, OpAttrs, OpType } from '../ir/graph.ts';
import { type Act, ImportProblem } from './onnx-context.ts';
import { axesOf, flattenDims, resolveReshape, squeezeDims, unsqueezeDims } from './onnx-fold.ts';
import { broadcastShapes, composePerms, irAxis, TO_NCHW, TO_NHWC } from './onnx-layout.ts';
import { OpCall } from './onnx-op-call.ts';
import { type ConstValue, dtypeName, onnx } from './onnx-proto-read.ts';

const FLT_MAX = 3.4028234663852886e38;

export function binary(n: OpCall): void {
  const op = n.op as 'Add' | 'Sub' | 'Mul' | 'Div' | 'Min' | 'Max' | 'Pow';
  const [x, y] = [n.ins[0], n.ins[1]];
  if (!x || !y) throw new ImportProblem('needs two inputs');
  // Before opset 7, broadcast=1 with an axis aligned B at that axis instead of at the end (not numpy).
  if (n.opset < 7 && n.a.int('broadcast', 0) === 1 && n.a.has('axis'))
    throw new ImportProblem('legacy broadcasting with an axis (opset < 7) is not supported; convert the model to opset 13');
  let irIns: string[];
  let shape: number[] | undefined;
  if (x.kind === 'act' && y.kind === 'act') {
    // Numpy aligns ranks by prepending 1s; do it with a Reshape so both IR operands share one layout.
    const r = Math.max(x.shape.length, y.shape.length);
    const [xl, yl] = [liftRank(n, x, r), liftRank(n, y, r)];
    shape = broadcastShapes(xl.shape, yl.shape);
    irIns = [xl.ir, yl.ir];
  } else if (x.kind !== 'act' && y.kind !== 'act') {
    // Add/Sub/Mul/Div of two constants fold before this; the ops that do not fold (Min, Max, Pow) land here.
    throw new ImportProblem('both inputs are constants; tinyforge computes only values that depend on a runtime input');
  } else {
    const a = (x.kind === 'act' ? x : y) as Act;
    const c = x.kind === 'const' ? x.c : (y as { c: ConstValue }).c;
    if (c.dims.length > a.shape.length) throw new ImportProblem(`constant of rank ${c.dims.length} widens a rank-${a.shape.length} tensor`);
    shape = broadcastShapes(a.shape, c.dims);
    const cIr = n.ctx.constOperand(n.inputName(x.kind === 'const' ? 0 : 1), c, a.shape.length === 4);
    irIns = x.kind === 'act' ? [a.ir, cIr] : [cIr, a.ir];
  }
  if (!shape) throw new ImportProblem('operand shapes do not broadcast');
  const out = n.ctx.defineAct(n.outs[0], shape);
  if (op === 'Div' || op === 'Min' || op === 'Max' || op === 'Pow') n.ctx.addNode(op, n.name, irIns, [out.ir], {});
  else n.ctx.addNode(op, n.name, irIns, [out.ir], { activation: 'none' as Activation });
}

/** ONNX Min / Max of any number of inputs: one input is itself, more fold pairwise left to right into binary nodes. */
export function variadicMinMax(n: OpCall): void {
  const count = n.ins.length;
  if (count === 0 || n.ins.some((v) => !v)) throw new ImportProblem('needs one or more inputs');
  if (count === 1) {
    n.ctx.values.set(n.outs[0], n.act(0));
    return;
  }
  let acc = { name: n.inputName(0), value: n.ins[0]! };
  for (let k = 1; k < count; k++) {
    const outName = k === count - 1 ? n.outs[0] : `${n.outs[0]}__${n.op.toLowerCase()}${k}`;
    const step = new OpCall(
      n.ctx,
      { ...n.node, input: [acc.name, n.inputName(k)], output: [outName] } as typeof n.node,
      k === count - 1 ? n.name : `${n.name}/${k}`,
      n.a,
      [acc.value, n.ins[k]],
    );
    binary(step);
    acc = { name: outName, value: n.ctx.values.get(outName)! };
  }
}

/** `a` with leading 1s up to rank r (a Reshape, plus a layout Transpose when it becomes 4-D). */
export function liftRank(n: OpCall, a: Act, r: number): Act {
  if (a.shape.length === r) return a;
  const dims = [...new Array(r - a.shape.length).fill(1), ...a.shape];
  return n.ctx.fromOnnxOrder(
    `${a.ir}__rank${r}`,
    dims,
    (o) => n.ctx.addNode('Reshape', `${n.name}/rank${r}`, [a.ir], [o], { shape: n.ctx.tensors[o].shape }),
    n.name,
  );
}

/** Neg is Mul by -1 (exact in float). */
export function neg(n: OpCall): void {
  const x = n.act(0);
  const out = n.ctx.defineAct(n.outs[0], x.shape);
  const minusOne = n.ctx.constant(`${n.name}/minus_one`, [1], [-1]);
  n.ctx.addNode('Mul', n.name, [x.ir, minusOne], [out.ir], { activation: 'none' });
}

/** IR ops without attributes. */
type AttrFreeOp = { [K in OpType]: OpAttrs[K] extends Record<string, never> ? K : never }[OpType];

/** An ONNX op that is IR op `op` on one input, without attributes (Relu, Sigmoid, Tanh…): same shape in and out. */
export function elementwise(op: AttrFreeOp): (n: OpCall) => void {
  return (n) => {
    const x = n.act(0);
    const out = n.ctx.defineAct(n.outs[0], x.shape);
    n.ctx.addNode(op, n.name, [x.ir], [out.ir], {});
  };
}

/** LeakyRelu, Clip, HardSigmoid, Elu, Selu, Celu, ThresholdedRelu, Gelu: same shape in, same shape out, attributes mapped. */
export function unary(n: OpCall): void {
  const x = n.act(0);
  const out = n.ctx.defineAct(n.outs[0], x.shape);
  switch (n.op) {
    case 'LeakyRelu':
      n.ctx.addNode('LeakyRelu', n.name, [x.ir], [out.ir], { alpha: n.a.float('alpha', 0.01) });
      break;
    case 'Clip': {
      // Opset 11 moved min/max from attributes to optional inputs.
      const min = n.opset >= 11 ? (n.ins[1] ? n.constIn(1, 'min').data[0] : -FLT_MAX) : n.a.float('min', -FLT_MAX);
      const max = n.opset >= 11 ? (n.ins[2] ? n.constIn(2, 'max').data[0] : FLT_MAX) : n.a.float('max', FLT_MAX);
      n.ctx.addNode('Clip', n.name, [x.ir], [out.ir], { min, max });
      break;
    }
    case 'HardSigmoid':
      n.ctx.addNode('HardSigmoid', n.name, [x.ir], [out.ir], { alpha: n.a.float('alpha', 0.2), beta: n.a.float('beta', 0.5) });
      break;
    case 'Elu':
      n.ctx.addNode('Elu', n.name, [x.ir], [out.ir], { alpha: n.a.float('alpha', 1) });
      break;
    case 'Selu':
      n.ctx.addNode('Selu', n.name, [x.ir], [out.ir], {
        alpha: n.a.float('alpha', 1.6732631921768188),
        gamma: n.a.float('gamma', 1.0507010221481323),
      });
      break;
    case 'Celu':
      n.ctx.addNode('Celu', n.name, [x.ir], [out.ir], { alpha: n.a.float('alpha', 1) });
      break;
    case 'ThresholdedRelu':
      n.ctx.addNode('ThresholdedRelu', n.name, [x.ir], [out.ir], { alpha: n.a.float('alpha', 1) });
      break;
    case 'Gelu': {
      const approximate = n.a.str('approximate', 'none');
      if (approximate !== 'none' && approximate !== 'tanh') throw new ImportProblem(`approximate '${approximate}' is not 'none' or 'tanh'`);
      n.ctx.addNode('Gelu', n.name, [x.ir], [out.ir], { approximate });
      break;
    }
    default:
      throw new ImportProblem(`no unary mapping for ${n.op}`);
  }
}

/** PRelu with a constant slope, broadcast to x the ONNX way (unidirectionally) and laid out as x is. */
export function prelu(n: OpCall): void {
  const x = n.act(0);
  let slope = n.constIn(1, 'slope');
  // Before opset 7 a 1-D slope of C values ran along the channel axis (1), not the last one.
  if (n.opset < 7 && slope.dims.length === 1 && x.shape.length > 2 && slope.dims[0] === x.shape[1] && slope.dims[0] > 1)
    slope = { ...slope, dims: [slope.dims[0], ...new Array<number>(x.shape.length - 2).fill(1)] };
  if (slope.dims.length > x.shape.length || broadcastShapes(x.shape, slope.dims)?.join(',') !== x.shape.join(','))
    throw new ImportProblem(`slope [${slope.dims}] does not broadcast to the input [${x.shape}]`);
  const s = n.ctx.constOperand(n.inputName(1), slope, x.shape.length === 4);
  const out = n.ctx.defineAct(n.outs[0], x.shape);
  n.ctx.addNode('PRelu', n.name, [x.ir, s], [out.ir], {});
}

/** Softmax and LogSoftmax (the same axis rules). */
export function softmax(n: OpCall): void {
  const x = n.act(0);
  const r = x.shape.length;
  const axis = n.a.int('axis', n.opset >= 13 ? -1 : 1);
  const a = axis < 0 ? axis + r : axis;
  if (n.opset >= 13 || a === r - 1) {
    const out = n.ctx.defineAct(n.outs[0], x.shape);
    if (n.op === 'LogSoftmax') n.ctx.addNode('LogSoftmax', n.name, [x.ir], [out.ir], { axis: irAxis(a, r) });
    else n.ctx.addNode('Softmax', n.name, [x.ir], [out.ir], { axis: irAxis(a, r), beta: 1 });
    return;
  }
  // Before opset 13, Softmax normalises over all axes from `axis` on: a 2-D softmax on the flattened tensor.
  const flat = flattenDims(x.shape, a);
  const src = n.ctx.inOnnxOrder(x, n.name);
  const f = n.ctx.scratch(`${n.outs[0]}__flat`, flat);
  n.ctx.addNode('Reshape', `${n.name}/flatten`, [src], [f], { shape: flat });
  const s = n.ctx.scratch(`${n.outs[0]}__softmax`, flat);
  if (n.op === 'LogSoftmax') n.ctx.addNode('LogSoftmax', n.name, [f], [s], { axis: 1 });
  else n.ctx.addNode('Softmax', n.name, [f], [s], { axis: 1, beta: 1 });
  n.ctx.fromOnnxOrder(
    n.outs[0],
    x.shape,
    (o) => n.ctx.addNode('Reshape', `${n.name}/unflatten`, [s], [o], { shape: n.ctx.tensors[o].shape }),
    n.name,
  );
}

export function concat(n: OpCall): void {
  const present = n.ins.filter((v) => v !== undefined);
  const acts = present.filter((v): v is Act => v.kind === 'act');
  const r = acts[0].shape.length;
  const axis = n.a.int('axis', n.opset < 4 ? 1 : 0); // Concat-1 defaulted to the channel axis
  const a = axis < 0 ? axis + r : axis;
  const irIns: string[] = [];
  const shape = [...acts[0].shape];
  shape[a] = 0;
  present.forEach((v, i) => {
    const dims = v.kind === 'act' ? v.shape : v.kind === 'const' ? v.c.dims : [];
    if (dims.length !== r) throw new ImportProblem(`inputs have different ranks (${dims.length} and ${r})`);
    shape[a] += dims[a];
    irIns.push(v.kind === 'act' ? v.ir : n.ctx.constOperand(n.inputName(i), (v as { c: ConstValue }).c, r === 4));
  });
  const out = n.ctx.defineAct(n.outs[0], shape);
  n.ctx.addNode('Concat', n.name, irIns, [out.ir], { axis: irAxis(a, r) });
}

export function transpose(n: OpCall): void {
  const x = n.act(0);
  const r = x.shape.length;
  const perm = (n.a.ints('perm') ?? x.shape.map((_, i) => r - 1 - i)).map((p) => (p < 0 ? p + r : p));
  const outShape = perm.map((p) => x.shape[p]);
  // In IR terms: NHWC → NCHW, the ONNX perm, then NCHW → NHWC.
  const irPerm = r === 4 ? composePerms(composePerms(TO_NCHW, perm), TO_NHWC) : perm;
  if (irPerm.every((p, i) => p === i)) {
    n.ctx.values.set(n.outs[0], { kind: 'act', ir: x.ir, shape: outShape });
    return;
  }
  const out = n.ctx.defineAct(n.outs[0], outShape);
  n.ctx.addNode('Transpose', n.name, [x.ir], [out.ir], { perm: irPerm });
}

/** Reshape, Flatten, Squeeze, Unsqueeze: a Reshape on ONNX memory order, with layout transposes where 4-D tensors meet it. */
export function reshapeLike(n: OpCall): void {
  const x = n.act(0);
  let dims: number[];
  if (n.op === 'Flatten') dims = flattenDims(x.shape, n.a.int('axis', 1));
  else if (n.op === 'Squeeze') dims = squeezeDims(x.shape, axesOf(n.ins.map(constOf), n.a, n.opset, 13));
  else if (n.op === 'Unsqueeze') {
    const axes = axesOf(n.ins.map(constOf), n.a, n.opset, 13);
    if (!axes) throw new ImportProblem('axes must be a constant');
    dims = unsqueezeDims(x.shape, axes);
  } else {
    const shape = n.opset >= 5 ? Array.from(n.constIn(1, 'shape').data) : n.a.ints('shape', [])!;
    dims = resolveReshape(x.shape, shape, n.a.int('allowzero', 0) === 1);
  }
  if (n.ins.slice(1).some((v) => v?.kind === 'act')) throw new ImportProblem('shape/axes must be constants');
  const src = n.ctx.inOnnxOrder(x, n.name);
  n.ctx.fromOnnxOrder(n.outs[0], dims, (o) => n.ctx.addNode('Reshape', n.name, [src], [o], { shape: n.ctx.tensors[o].shape }), n.name);
}

function constOf(v: { kind: string; c?: ConstValue } | undefined): ConstValue | undefined {
  return v?.kind === 'const' ? v.c : undefined;
}

/** Identity and inference-mode Dropout pass their input through; no IR node. */
export function passThrough(n: OpCall, used: Set<string>): void {
  n.onlyFirstOutputUsed(used);
  if (n.op === 'Dropout' && n.opset >= 12 && n.ins[2]) {
    const training = n.constIn(2, 'training_mode').data[0];
    if (training) throw new ImportProblem('training_mode=true makes Dropout random; export in eval mode');
  }
  n.ctx.values.set(n.outs[0], n.act(0));
}

/** Runtime tensors are float32 (graph inputs must be), so a Cast to float32 leaves the tensor as it is. */
export function castPassThrough(n: OpCall): void {
  const to = n.a.int('to', 0);
  const DT = onnx.TensorProto.DataType;
  // ArgMax's indices are int32 in the IR: a cast between integer index types leaves them as they are.
  const integerIndex = n.ctx.tensors[n.act(0).ir].dtype === 'i32' && (to === DT.INT32 || to === DT.INT64);
  if (to !== DT.FLOAT && !integerIndex)
    throw new ImportProblem(
      `Cast of a runtime tensor to ${dtypeName(to)}: tinyforge computes runtime tensors in float32 and casts only constants; remove the Cast or cast to float32`,
    );
  n.ctx.values.set(n.outs[0], n.act(0));
}

/** Shapes are static, so Size of a runtime tensor is a constant. */
export function sizeOf(n: OpCall): void {
  const x = n.act(0);
  n.ctx.values.set(n.outs[0], {
    kind: 'const',
    c: { dims: [], data: Float64Array.of(x.shape.reduce((p, d) => p * d, 1)), isFloat: false },
  });
}

/** Shapes are static, so Shape of a runtime tensor is a constant (in ONNX dims). */
export function shapeOf(n: OpCall): void {
  const x = n.act(0);
  const r = x.shape.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const s = clamp(n.a.int('start', 0)),
    e = clamp(n.a.int('end', r));
  const dims = x.shape.slice(s, e);
  n.ctx.values.set(n.outs[0], { kind: 'const', c: { dims: [dims.length], data: Float64Array.from(dims), isFloat: false } });
}
