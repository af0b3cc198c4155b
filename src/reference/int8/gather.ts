// int8 Gather: moves values without arithmetic, so input and output share quantization (as TFLite requires).
import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { gatherRows, copyGather } from '../strided-view.ts';
import { int8Data, quantOf, requireInput, requireSameQuant } from './common.ts';

export function gatherInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const xv = requireInput(node, inputs, 0);
  requireSameQuant(node, quantOf(xv, node), quantOf(outputs[0], node));
  return [copyGather(int8Data(node, xv), gatherRows(node as Node<'Gather'>, xv.shape))];
}
