// Add → tfg_add_<dtype>[_bcast] through the shared binary emitter.
import type { Node } from '../../ir/graph.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { emitBinary } from './binary.ts';

export const add: OpEmitter<Node<'Add'>> = (ctx) => emitBinary(ctx);
