// GlobalAveragePool → tfg_global_avgpool_f32 / tfg_global_avgpool_s8 (int8 as TFLite's quantized Mean).
import type { Node } from '../../ir/graph.ts';
import { prepareGlobalAveragePool } from '../../reference/int8/global-average-pool.ts';
import { nhwcOf } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const globalAveragePool: OpEmitter<Node<'GlobalAveragePool'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const [n, h, w, c] = nhwcOf(x);
  const io = `${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])}`;
  if (x.dtype === 'f32') return { kernel: 'tfg_global_avgpool_f32', call: `tfg_global_avgpool_f32(${n}, ${h * w}, ${c}, ${io})` };
  const p = prepareGlobalAveragePool(node, x, ctx.output());
  const args = [n, h * w, c, p.inputZeroPoint, p.outputZeroPoint, p.multiplier, p.shift];
  return { kernel: 'tfg_global_avgpool_s8', call: `tfg_global_avgpool_s8(${args.join(', ')}, ${io})` };
};
