// Dense → tfg_dense_f32 / tfg_dense_s8 (or the SMLAD variant on cortex-m-dsp boards).
import { product, type Node } from '../../ir/graph.ts';
import { prepareDense } from '../../reference/int8/dense.ts';
import { hasKernel } from '../kernel-catalog.ts';
import { floatActivation } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { emitPackedDense } from '../packing/emit-packed.ts';

export const dense: OpEmitter<Node<'Dense'>> = (ctx) => {
  const packed = emitPackedDense(ctx); // int4 / f16 / binary / clustered weights
  if (packed) return packed;
  const { node } = ctx;
  const x = ctx.input(0)!;
  const w = ctx.input(1)!;
  const [outN, inN] = w.shape;
  const batch = product(x.shape) / inN; // a higher-rank x is read as [size / in, in], like TFLite
  const args = (q: string) => [batch, inN, outN, ...(q ? [q] : []), ctx.ptr(node.inputs[0]), ctx.ptr(node.inputs[1]), ctx.ptr(node.inputs[2] ?? ''), ctx.ptr(node.outputs[0])];
  if (x.dtype === 'f32') {
    const [lo, hi] = floatActivation(node.attrs.activation);
    const a = args('');
    a.splice(6, 0, lo, hi);
    return { kernel: 'tfg_dense_f32', call: `tfg_dense_f32(${a.join(', ')})` };
  }
  const p = prepareDense(node, x, w, ctx.output());
  const mult = ctx.int32Array('multiplier', p.multiplier);
  const shift = ctx.int32Array('shift', p.shift);
  const q = ctx.declare('quant', 'tfg_s8_channel_quant', `{ ${p.inputOffset}, ${p.outputOffset}, ${p.actMin}, ${p.actMax}, ${mult}, ${shift} }`);
  const kernel = ctx.kernels === 'cortex-m-dsp' && hasKernel('tfg_dense_s8_dsp') ? 'tfg_dense_s8_dsp' : 'tfg_dense_s8';
  return { kernel, call: `${kernel}(${args(`&${q}`).join(', ')})` };
};
