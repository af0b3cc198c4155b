// Clip → the Relu emitter with the node's [min, max] bounds.
import type { Node } from '../../ir/graph.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { relu } from './relu.ts';

export const clip: OpEmitter<Node<'Clip'>> = (ctx) => relu(ctx);
