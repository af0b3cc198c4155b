// Slice reference: a strided window of the input (any dtype).
import type { Node } from '../../ir/graph.ts';
import type { Kernel } from '../kernel.ts';
import { stridedView, copyStrided } from '../strided-view.ts';

export const slice: Kernel = (node, [x]) => [copyStrided(x!.data, stridedView(node as Node<'Slice'>, x!.shape))];
