// The tfg_conv_geom initializer shared by Conv2D and DepthwiseConv2D (and the 16-bit tfg_conv_geom16 of the _dsp kernels).
import type { Node } from '../../ir/graph.ts';
import { nhwcOf } from '../emit-support.ts';
import type { EmitContext, NodeContext } from '../op-emitter.ts';

function geomFields(ctx: NodeContext<Node<'Conv2D' | 'DepthwiseConv2D'>>, kH: number, kW: number): [string, number][] {
  const a = ctx.node.attrs;
  const [n, inH, inW, inC] = nhwcOf(ctx.input(0)!);
  const [, outH, outW, outC] = nhwcOf(ctx.output());
  return [
    ['batch', n],
    ['in_h', inH],
    ['in_w', inW],
    ['in_c', inC],
    ['out_h', outH],
    ['out_w', outW],
    ['out_c', outC],
    ['k_h', kH],
    ['k_w', kW],
    ['stride_h', a.strides[0]],
    ['stride_w', a.strides[1]],
    ['dil_h', a.dilations[0]],
    ['dil_w', a.dilations[1]],
    ['pad_top', a.pads[0]],
    ['pad_left', a.pads[1]],
  ];
}

/** True when every geometry value fits the int16 fields of tfg_conv_geom16 (the _dsp conv kernels). */
export function fitsGeom16(ctx: NodeContext<Node<'Conv2D' | 'DepthwiseConv2D'>>, kH: number, kW: number): boolean {
  return geomFields(ctx, kH, kW).every(([, v]) => v >= -32768 && v <= 32767);
}

/** The tfg_conv_geom16 initializer of the _dsp conv kernels (callers check fitsGeom16 first). */
export function convGeom16(ctx: EmitContext<Node<'Conv2D' | 'DepthwiseConv2D'>>, kH: number, kW: number): string {
  const fields = geomFields(ctx, kH, kW);
  return ctx.declare('geom16', 'tfg_conv_geom16', `{ ${fields.map(([k, v]) => `.${k} = ${v}`).join(', ')} }`);
}

export function convGeom(ctx: EmitContext<Node<'Conv2D' | 'DepthwiseConv2D'>>, kH: number, kW: number): string {
  const a = ctx.node.attrs;
  const fields: [string, number][] = [
    ...geomFields(ctx, kH, kW),
    ['groups', 'groups' in a ? a.groups : 1],
    ['depth_multiplier', 'multiplier' in a ? a.multiplier : 1],
  ];
  return ctx.declare('geom', 'tfg_conv_geom', `{ ${fields.map(([k, v]) => `.${k} = ${v}`).join(', ')} }`);
}
