// LeakyRelu → tfg_leaky_relu_f32.
import type { Node } from '../../ir/graph.ts';
import { cFloat } from '../c-literals.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { emitFloatUnary } from './float-unary.ts';

export const leakyRelu: OpEmitter<Node<'LeakyRelu'>> = (ctx) => emitFloatUnary(ctx, 'tfg_leaky_relu_f32', [cFloat(ctx.node.attrs.alpha)]);
