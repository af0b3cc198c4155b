// Tanh → tfg_tanh_f32.
import type { Node } from '../../ir/graph.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { emitFloatUnary } from './float-unary.ts';

export const tanh: OpEmitter<Node<'Tanh'>> = (ctx) => emitFloatUnary(ctx, 'tfg_tanh_f32');
