// int8 HardSwish by a 256-entry lookup table, as TFLite's LUT-based int8 activations do.
//
// Prepare: for every int8 input q, table[q + 128] = quantize(hardSwish(dequantize(q, s_in, zp_in)), s_out, zp_out)
//   (dequantize: float32(s_in · (q − zp_in)); hardSwish in float32 (float/hard-swish.ts); quantize: TFLite
//   AffineQuantize, round half away from zero, clamp to [−128, 127]).
// Per element: y = table[x + 128]. The C kernel (tfg_lut_s8) receives the same table, so C and reference agree to the bit.

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { hardSwishValue } from '../float/hard-swish.ts';
import { dequantizeValue, quantizeValue } from '../quant.ts';
import { int8Data, quantOf, requireInput } from './common.ts';

/** The lookup table: entry q + 128 is the int8 output for int8 input q. */
export function prepareHardSwish(node: Node, x: Tensor, y: Tensor): Int8Array {
  const qin = quantOf(x, node);
  const qout = quantOf(y, node);
  const table = new Int8Array(256);
  for (let q = -128; q <= 127; q++) {
    table[q + 128] = quantizeValue(hardSwishValue(dequantizeValue(q, qin.scale, qin.zeroPoint)), qout.scale, qout.zeroPoint);
  }
  return table;
}

export function hardSwishInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const xv = requireInput(node, inputs, 0);
  const x = int8Data(node, xv);
  const table = prepareHardSwish(node, xv, outputs[0]);
  const y = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = table[x[i] + 128];
  return [y];
}
