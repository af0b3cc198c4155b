// AveragePool → tfg_avgpool_f32 / tfg_avgpool_s8 (ONNX count_include_pad supported; int8 pads with the zero point).
import type { Node } from '../../ir/graph.ts';
import { requireSameQuant, quantOf } from '../../reference/int8/common.ts';
import { activationRange } from '../../reference/quant.ts';
import { floatActivation } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { poolGeom } from './pool-geom.ts';

export const averagePool: OpEmitter<Node<'AveragePool'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const geom = poolGeom(ctx);
  const include = node.attrs.countIncludePad ? 1 : 0;
  const io = `${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])}`;
  if (x.dtype === 'f32') {
    const [lo, hi] = floatActivation(node.attrs.activation);
    return { kernel: 'tfg_avgpool_f32', call: `tfg_avgpool_f32(&${geom}, ${include}, ${lo}, ${hi}, ${io})` };
  }
  const qout = quantOf(ctx.output(), node);
  requireSameQuant(node, quantOf(x, node), qout);
  const [lo, hi] = activationRange(node.attrs.activation, qout.scale, qout.zeroPoint);
  return { kernel: 'tfg_avgpool_s8', call: `tfg_avgpool_s8(&${geom}, ${include}, ${qout.zeroPoint}, ${lo}, ${hi}, ${io})` };
};
