// int8 Concat (TFLite CONCATENATION). Inputs with the output's scale and zero point are copied; others are
// requantized with the integer Requantize of quantize.ts (TFLite int8 demands equal scales; its uint8 path uses
// float math, which we avoid so the C port stays integer-only):
//   y = clamp(multiplyByQuantizedMultiplier(x − zp_in, M, shift) + zp_out, −128, 127), (M, shift) from s_in / s_out.

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { int8Data, quantOf, requireInput } from './common.ts';
import { prepareRequantize, requantizeValue } from './quantize.ts';

export function concatInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const n = node as Node<'Concat'>;
  const outShape = outputs[0].shape;
  const rank = outShape.length;
  const axis = n.attrs.axis < 0 ? n.attrs.axis + rank : n.attrs.axis;
  const qout = quantOf(outputs[0], n);
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= outShape[d];
  let inner = 1;
  for (let d = axis + 1; d < rank; d++) inner *= outShape[d];
  const outAxis = outShape[axis];
  const y = new Int8Array(outer * outAxis * inner);
  let axisOffset = 0;
  for (let k = 0; k < n.inputs.length; k++) {
    const v = requireInput(n, inputs, k);
    const x = int8Data(n, v);
    const qin = quantOf(v, n);
    const same = qin.scale === qout.scale && qin.zeroPoint === qout.zeroPoint;
    const p = prepareRequantize(qin, qout);
    const chunk = v.shape[axis] * inner;
    for (let o = 0; o < outer; o++) {
      const dst = (o * outAxis + axisOffset) * inner;
      for (let i = 0; i < chunk; i++) {
        const q = x[o * chunk + i];
        y[dst + i] = same ? q : requantizeValue(q, p);
      }
    }
    axisOffset += v.shape[axis];
  }
  return [y];
}
