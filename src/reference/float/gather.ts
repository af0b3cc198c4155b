// Gather reference: rows of the input at constant indices along one axis (any dtype).
import type { Node } from '../../ir/graph.ts';
import type { Kernel } from '../kernel.ts';
import { gatherRows, copyGather } from '../strided-view.ts';

export const gather: Kernel = (node, [x]) => [copyGather(x!.data, gatherRows(node as Node<'Gather'>, x!.shape))];
