// Mul → tfg_mul_<dtype>[_bcast] through the shared binary emitter.
import type { Node } from '../../ir/graph.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { emitBinary } from './binary.ts';

export const mul: OpEmitter<Node<'Mul'>> = (ctx) => emitBinary(ctx);
