// Resize → tfg_resize_nearest_x8 (float and int8 alike, bytes), tfg_resize_bilinear_f32 or tfg_resize_bilinear_s8, with
// the reference's coordinate tables declared in flash.
import type { Node } from '../../ir/graph.ts';
import { quantOf, requireSameQuant } from '../../reference/int8/common.ts';
import { linearInt8Table, linearTable, nearestTable, resizeGeometry } from '../../reference/resize-tables.ts';
import { cFloats, cList } from '../c-literals.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const resize: OpEmitter<Node<'Resize'>> = (ctx) => {
  const { node } = ctx;
  const a = node.attrs;
  const x = ctx.input(0)!;
  const [n, h, w, oh, ow, c] = resizeGeometry(node, x.shape);
  if (x.dtype !== 'f32') requireSameQuant(node, quantOf(x, node), quantOf(ctx.output(), node));
  const geom = ctx.declare('geom', 'tfg_resize_geom', `{ ${n}, ${h}, ${w}, ${oh}, ${ow}, ${c} }`);
  const io = `${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])}`;
  if (a.mode === 'nearest') {
    const rows = ctx.int32Array('rows', nearestTable(h, oh, a.scales[0], a));
    const cols = ctx.int32Array('cols', nearestTable(w, ow, a.scales[1], a));
    const bytes = x.dtype === 'f32' ? 4 : 1;
    return { kernel: 'tfg_resize_nearest_x8', call: `tfg_resize_nearest_x8(&${geom}, ${bytes}, ${rows}, ${cols}, ${io})` };
  }
  if (x.dtype !== 'f32') {
    const rows = ctx.int32Array('rows', linearInt8Table(h, oh, a));
    const cols = ctx.int32Array('cols', linearInt8Table(w, ow, a));
    return { kernel: 'tfg_resize_bilinear_s8', call: `tfg_resize_bilinear_s8(&${geom}, ${rows}, ${cols}, ${io})` };
  }
  const rows = linearTable(h, oh, a.scales[0], a);
  const cols = linearTable(w, ow, a.scales[1], a);
  const rowIndex = ctx.int32Array('rows', rows.index);
  const colIndex = ctx.int32Array('cols', cols.index);
  const rowWeight = ctx.declare('row_w', 'float[]', `{\n${cList(cFloats(rows.weight), 8)}\n}`);
  const colWeight = ctx.declare('col_w', 'float[]', `{\n${cList(cFloats(cols.weight), 8)}\n}`);
  return {
    kernel: 'tfg_resize_bilinear_f32',
    call: `tfg_resize_bilinear_f32(&${geom}, ${rowIndex}, ${colIndex}, ${rowWeight}, ${colWeight}, ${io})`,
  };
};
