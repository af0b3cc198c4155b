// Div → tfg_div_<dtype>[_bcast] through the shared binary emitter.
import type { Node } from '../../ir/graph.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { emitBinary } from './binary.ts';

export const div: OpEmitter<Node<'Div'>> = (ctx) => emitBinary(ctx);
