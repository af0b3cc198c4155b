// _template: copy this file to add an op. (Not registered; kept as the starting point, as onnx2c's src/nodes/TEMPLATE.)
//
// 1. Add the op and its attrs to `OpAttrs` in ../graph.ts (and to OP_TYPES).
// 2. Copy this file to `<op-in-kebab-case>.ts`, rename `template`, and fill in the four parts below.
// 3. Add one row to `opDefs` in ./index.ts — the `satisfies Record<OpType, OpDef>` check fails until you do.
// 4. Add a float kernel in src/reference/float/<op>.ts and its row in src/reference/float/index.ts.
import type { OpDef } from './op-def.ts';
import { requireInput, sameShape } from './op-def.ts';

export const template: OpDef<'Relu'> = {
  op: 'Relu', // ← your op
  inputs: { min: 1, max: 1 }, // how many input names a node may list ('' marks an absent optional one)
  defaults: {}, // attribute values GraphBuilder fills in
  // The facts later stages read (op-def.ts OpFacts says what each means).
  inPlace: true,
  perElement: true,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'free',
  // Every problem, in the user's terms, with the numbers: "weights [8,3,3,2] expect 2 input channels but …".
  validate: (inputs) => requireInput(inputs),
  // One shape per output; may assume validate() returned [].
  inferShapes: sameShape,
  // outputDtype: (inputs) => 'i8', // only when the output dtype differs from input 0's
};
