// ChannelShuffle reference: channels read as [groups, C/groups], written transposed (any dtype).
import type { Node } from '../../ir/graph.ts';
import type { Kernel } from '../kernel.ts';
import { stridedView, copyStrided } from '../strided-view.ts';

export const channelShuffle: Kernel = (node, [x]) => [copyStrided(x!.data, stridedView(node as Node<'ChannelShuffle'>, x!.shape))];
