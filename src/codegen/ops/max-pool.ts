// MaxPool → tfg_maxpool_f32 / tfg_maxpool_s8 (int8: input and output share quantization, as TFLite requires).
import type { Node } from '../../ir/graph.ts';
import { requireSameQuant, quantOf } from '../../reference/int8/common.ts';
import { activationRange } from '../../reference/quant.ts';
import { floatActivation } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { poolGeom } from './pool-geom.ts';

export const maxPool: OpEmitter<Node<'MaxPool'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const geom = poolGeom(ctx);
  const io = `${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])}`;
  if (x.dtype === 'f32') {
    const [lo, hi] = floatActivation(node.attrs.activation);
    return { kernel: 'tfg_maxpool_f32', call: `tfg_maxpool_f32(&${geom}, ${lo}, ${hi}, ${io})` };
  }
  const qout = quantOf(ctx.output(), node);
  requireSameQuant(node, quantOf(x, node), qout);
  const [lo, hi] = activationRange(node.attrs.activation, qout.scale, qout.zeroPoint);
  return { kernel: 'tfg_maxpool_s8', call: `tfg_maxpool_s8(&${geom}, ${lo}, ${hi}, ${io})` };
};
