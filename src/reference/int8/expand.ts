// int8 Expand: moves values without arithmetic, so input and output share quantization (as TFLite requires).
import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { stridedView, copyStrided } from '../strided-view.ts';
import { int8Data, quantOf, requireInput, requireSameQuant } from './common.ts';

export function expandInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const xv = requireInput(node, inputs, 0);
  requireSameQuant(node, quantOf(xv, node), quantOf(outputs[0], node));
  return [copyStrided(int8Data(node, xv), stridedView(node as Node<'Expand'>, xv.shape))];
}
