// Pad → tfg_pad_f32 / tfg_pad_s8 (constant mode; int8 pads with the value quantized like the reference), or
// tfg_pad_mirror_x8 for reflect and edge.
import type { Node } from '../../ir/graph.ts';
import { requireSameQuant, quantOf } from '../../reference/int8/common.ts';
import { quantizeValue } from '../../reference/quant.ts';
import { cFloat } from '../c-literals.ts';
import { unsupported } from '../emit-support.ts';
import { TFG_MAX_DIMS } from '../kernel-catalog.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const pad: OpEmitter<Node<'Pad'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const y = ctx.output();
  const rank = x.shape.length;
  if (rank > TFG_MAX_DIMS) throw unsupported(node, `rank ${rank} is above the kernels' ${TFG_MAX_DIMS}`);
  const begin = node.attrs.pads.slice(0, rank);
  if (node.attrs.pads.some((p) => p < 0))
    throw unsupported(node, 'negative pads (cropping) are not supported', 'replace the negative pads by a slice in the model');
  const arr = (xs: readonly number[]) => `{${xs.join(', ')}}`;
  const params = ctx.declare('params', 'tfg_pad_params', `{ ${rank}, ${arr(x.shape)}, ${arr(y.shape)}, ${arr(begin)} }`);
  const io = `${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])}`;
  const mode = node.attrs.mode ?? 'constant';
  if (mode !== 'constant') {
    if (x.dtype !== 'f32') requireSameQuant(node, quantOf(x, node), quantOf(y, node));
    const reflect = mode === 'reflect' ? 1 : 0;
    return { kernel: 'tfg_pad_mirror_x8', call: `tfg_pad_mirror_x8(&${params}, ${reflect}, ${x.dtype === 'f32' ? 4 : 1}, ${io})` };
  }
  if (x.dtype === 'f32') return { kernel: 'tfg_pad_f32', call: `tfg_pad_f32(&${params}, ${cFloat(node.attrs.value)}, ${io})` };
  const qout = quantOf(y, node);
  requireSameQuant(node, quantOf(x, node), qout);
  const value = quantizeValue(node.attrs.value, qout.scale, qout.zeroPoint);
  return { kernel: 'tfg_pad_s8', call: `tfg_pad_s8(&${params}, ${value}, ${io})` };
};
