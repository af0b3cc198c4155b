// int8 Dequantize: i8 → f32 with the input's quantization (TFLite Dequantize): y = float32(double(s) · (x − zp)).

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { dequantizeValue } from '../quant.ts';
import { int8Data, quantOf, requireInput } from './common.ts';

export function dequantizeInt8(node: Node, inputs: (Value | undefined)[], _outputs: Tensor[]): TensorData[] {
  const xv = requireInput(node, inputs, 0);
  const x = int8Data(node, xv);
  const q = quantOf(xv, node);
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = dequantizeValue(x[i], q.scale, q.zeroPoint);
  return [y];
}
