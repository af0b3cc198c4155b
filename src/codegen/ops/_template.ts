// Template for a new op emitter: copy to src/codegen/ops/<op>.ts, add one row to index.ts, and a kernel under
// firmware/kernels/<family>/tfg_<op>_<dtype>.c with its prototype in firmware/include/tfg_kernels.h.
//
// An emitter runs at compile time (TFLM "Prepare"): it reads shapes and attributes, computes every constant the
// kernel needs (int8: call the quant helper's prepare* function so the constants are the reference's own), declares
// them with ctx.declare / ctx.int32Array, and returns one C call. Kernels trust these values and never check them.
//
// import type { Node } from '../../ir/graph.ts';
// import type { OpEmitter } from '../op-emitter.ts';
//
// export const myOp: OpEmitter<Node<'MyOp'>> = (ctx) => {
//   const x = ctx.input(0)!;
//   const io = `${ctx.ptr(ctx.node.inputs[0])}, ${ctx.ptr(ctx.node.outputs[0])}`;
//   return { kernel: 'tfg_my_op_f32', call: `tfg_my_op_f32(${x.shape.length}, ${io})` };
// };
export {};
