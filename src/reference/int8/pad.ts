// int8 Pad (TFLite PAD / PADV2, MIRROR_PAD for reflect; edge reads the nearest input element): copies x into the middle of y; padded cells get the pad value quantized with the
// output quant (y = clamp(round(float32(value / s)) + zp)), i.e. zp for the usual value 0. Pads use ONNX order:
// begins of every axis, then ends. Input and output share quantization.

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { quantizeValue } from '../quant.ts';
import { copyMirrorPad } from '../strided-view.ts';
import { int8Data, quantOf, requireInput, requireSameQuant } from './common.ts';

export function padInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const n = node as Node<'Pad'>;
  const xv = requireInput(n, inputs, 0);
  const x = int8Data(n, xv);
  const qout = quantOf(outputs[0], n);
  requireSameQuant(n, quantOf(xv, n), qout);
  const mode = n.attrs.mode;
  if (mode === 'reflect' || mode === 'edge') return [copyMirrorPad(x, xv.shape, outputs[0].shape, n.attrs.pads, mode)];
  const rank = xv.shape.length;
  const begins = n.attrs.pads.slice(0, rank);
  const outShape = outputs[0].shape;
  const y = new Int8Array(outShape.reduce((a, b) => a * b, 1)).fill(quantizeValue(n.attrs.value, qout.scale, qout.zeroPoint));
  const outStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) outStrides[d] = outStrides[d + 1] * outShape[d + 1];
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < x.length; i++) {
    let dst = 0;
    for (let d = 0; d < rank; d++) dst += (index[d] + begins[d]) * outStrides[d];
    y[dst] = x[i];
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < xv.shape[d]) break;
      index[d] = 0;
    }
  }
  return [y];
}
