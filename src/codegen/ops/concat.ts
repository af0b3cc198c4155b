// Concat → tfg_concat_f32 / tfg_concat_s8 as [outer, axis_k·inner] row copies (int8 requantizes foreign inputs).
import type { Node } from '../../ir/graph.ts';
import { product } from '../../ir/graph.ts';
import { quantOf } from '../../reference/int8/common.ts';
import { normAxis } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { requantInit } from './requant-init.ts';

export const concat: OpEmitter<Node<'Concat'>> = (ctx) => {
  const { node } = ctx;
  const y = ctx.output();
  const axis = normAxis(node.attrs.axis, y.shape.length);
  const outer = product(y.shape.slice(0, axis));
  const inner = product(y.shape.slice(axis + 1));
  const ins = node.inputs.map((_, i) => ctx.input(i)!);
  const rows = ctx.int32Array(
    'row_elems',
    ins.map((t) => t.shape[axis] * inner),
  );
  const ctype = y.dtype === 'f32' ? 'float' : 'int8_t';
  // A compound literal, because the graph input pointer is only known at run time.
  const ptrs = `(const ${ctype} *const[]){ ${node.inputs.map((n) => ctx.ptr(n)).join(', ')} }`;
  const out = ctx.ptr(node.outputs[0]);
  if (y.dtype === 'f32') return { kernel: 'tfg_concat_f32', call: `tfg_concat_f32(${outer}, ${ins.length}, ${ptrs}, ${rows}, ${out})` };
  const qout = quantOf(y, node);
  const req = ctx.declare('requant', 'tfg_requant_params[]', `{ ${ins.map((t) => requantInit(quantOf(t, node), qout)).join(', ')} }`);
  return { kernel: 'tfg_concat_s8', call: `tfg_concat_s8(${outer}, ${ins.length}, ${ptrs}, ${rows}, ${req}, ${out})` };
};
