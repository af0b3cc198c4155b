// int8 Reshape: the bytes are unchanged; input and output must share quantization (TFLite RESHAPE).

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { int8Data, quantOf, requireInput, requireSameQuant } from './common.ts';

export function reshapeInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const xv = requireInput(node, inputs, 0);
  requireSameQuant(node, quantOf(xv, node), quantOf(outputs[0], node));
  return [int8Data(node, xv).slice()];
}
