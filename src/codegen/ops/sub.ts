// Sub → tfg_sub_<dtype>[_bcast] through the shared binary emitter.
import type { Node } from '../../ir/graph.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { emitBinary } from './binary.ts';

export const sub: OpEmitter<Node<'Sub'>> = (ctx) => emitBinary(ctx);
