// HardSigmoid → tfg_hard_sigmoid_f32, or tfg_lut_s8 with the reference's table (src/codegen/ops/lut.ts).
import type { Node } from '../../ir/graph.ts';
import { cFloat } from '../c-literals.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { emitLut } from './lut.ts';

export const hardSigmoid: OpEmitter<Node<'HardSigmoid'>> = (ctx) =>
  emitLut(ctx, 'tfg_hard_sigmoid_f32', [cFloat(ctx.node.attrs.alpha), cFloat(ctx.node.attrs.beta)]);
