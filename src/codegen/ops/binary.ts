// Shared emitter of the element-wise binary ops: same-shape kernels, or the _bcast variant with collapsed strides.
import type { Node } from '../../ir/graph.ts';
import { prepareAdd } from '../../reference/int8/add.ts';
import { prepareMul } from '../../reference/int8/mul.ts';
import { bcastInit, collapseBroadcast, floatActivation, sameShape, unsupported } from '../emit-support.ts';
import { product } from '../../ir/graph.ts';
import type { EmitContext, OpEmission } from '../op-emitter.ts';

type BinaryNode = Node<'Add' | 'Sub' | 'Mul' | 'Div'>;

export function emitBinary(ctx: EmitContext<BinaryNode>): OpEmission {
  const { node } = ctx;
  const a = ctx.input(0)!;
  const b = ctx.input(1)!;
  const y = ctx.output();
  const op = node.op.toLowerCase();
  const same = sameShape(a, b, y);
  const dtype = a.dtype === 'f32' ? 'f32' : 's8';
  const kernel = `tfg_${op}_${dtype}${same ? '' : '_bcast'}`;
  const shapeArg = same
    ? String(product(y.shape))
    : `&${ctx.declare('bcast', 'tfg_bcast', bcastInit(collapseBroadcast(node, a.shape, b.shape, y.shape)))}`;
  const io = `${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.inputs[1])}, ${ctx.ptr(node.outputs[0])}`;
  if (dtype === 'f32') {
    if (node.op === 'Div') return { kernel, call: `${kernel}(${shapeArg}, ${io})` };
    const [lo, hi] = floatActivation((node as Node<'Add' | 'Sub' | 'Mul'>).attrs.activation);
    const [pa, pb, po] = io.split(', ');
    return { kernel, call: `${kernel}(${shapeArg}, ${pa}, ${pb}, ${lo}, ${hi}, ${po})` };
  }
  let params: string;
  if (node.op === 'Add' || node.op === 'Sub') {
    const p = prepareAdd(node as Node<'Add' | 'Sub'>, a, b, y);
    params = ctx.declare(
      'params',
      'tfg_add_s8_params',
      `{ ${[p.input1Offset, p.input2Offset, p.outputOffset, p.leftShift, p.input1Multiplier, p.input1Shift, p.input2Multiplier, p.input2Shift, p.outputMultiplier, p.outputShift, p.actMin, p.actMax].join(', ')} }`,
    );
  } else if (node.op === 'Mul') {
    const p = prepareMul(node as Node<'Mul'>, a, b, y);
    params = ctx.declare(
      'params',
      'tfg_mul_s8_params',
      `{ ${[p.input1Offset, p.input2Offset, p.outputOffset, p.outputMultiplier, p.outputShift, p.actMin, p.actMax].join(', ')} }`,
    );
  } else {
    throw unsupported(node, 'int8 Div has no kernel (TFLite has none either)', 'keep Div in float: exclude it from int8 quantization');
  }
  return { kernel, call: `${kernel}(${shapeArg}, &${params}, ${io})` };
}
