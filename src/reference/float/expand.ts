// Expand reference: the input broadcast to a constant shape (any dtype).
import type { Node } from '../../ir/graph.ts';
import type { Kernel } from '../kernel.ts';
import { stridedView, copyStrided } from '../strided-view.ts';

export const expand: Kernel = (node, [x]) => [copyStrided(x!.data, stridedView(node as Node<'Expand'>, x!.shape))];
