// Sigmoid → tfg_sigmoid_f32.
import type { Node } from '../../ir/graph.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { emitFloatUnary } from './float-unary.ts';

export const sigmoid: OpEmitter<Node<'Sigmoid'>> = (ctx) => emitFloatUnary(ctx, 'tfg_sigmoid_f32');
