// The tfg_pool_geom initializer shared by MaxPool and AveragePool.
import type { Node } from '../../ir/graph.ts';
import { nhwcOf } from '../emit-support.ts';
import type { EmitContext } from '../op-emitter.ts';

export function poolGeom(ctx: EmitContext<Node<'MaxPool' | 'AveragePool'>>): string {
  const a = ctx.node.attrs;
  const [n, inH, inW, c] = nhwcOf(ctx.input(0)!);
  const [, outH, outW] = nhwcOf(ctx.output());
  const fields: [string, number][] = [
    ['batch', n],
    ['in_h', inH],
    ['in_w', inW],
    ['channels', c],
    ['out_h', outH],
    ['out_w', outW],
    ['k_h', a.kernel[0]],
    ['k_w', a.kernel[1]],
    ['stride_h', a.strides[0]],
    ['stride_w', a.strides[1]],
    ['pad_top', a.pads[0]],
    ['pad_left', a.pads[1]],
    ['pad_bottom', a.pads[2]],
    ['pad_right', a.pads[3]],
  ];
  return ctx.declare('geom', 'tfg_pool_geom', `{ ${fields.map(([k, v]) => `.${k} = ${v}`).join(', ')} }`);
}
