// ONNX DepthToSpace, SpaceToDepth and Tile (constant repeats) → the IR's value-moving ops on the tensor in ONNX order:
// Reshape, Transpose (≤ 6-D) and Expand. They only move values, so int8 passes the input's quantization through.
import { ImportProblem } from './onnx-context.ts';
import type { OpCall } from './onnx-op-call.ts';

/** Runs reshape → transpose → reshape on the ONNX-ordered input and defines the output (ONNX shape `outShape`). */
function regroup(n: OpCall, grouped: number[], perm: number[], outShape: number[]): void {
  const x = n.act(0);
  const src = n.ctx.inOnnxOrder(x, n.name);
  const a = n.ctx.scratch(`${n.outs[0]}__grouped`, grouped);
  n.ctx.addNode('Reshape', `${n.name}/group`, [src], [a], { shape: grouped });
  const moved = perm.map((p) => grouped[p]);
  const b = n.ctx.scratch(`${n.outs[0]}__moved`, moved);
  n.ctx.addNode('Transpose', n.name, [a], [b], { perm });
  n.ctx.fromOnnxOrder(n.outs[0], outShape, (o) => n.ctx.addNode('Reshape', `${n.name}/ungroup`, [b], [o], { shape: outShape }), n.name);
}

function blockOf(n: OpCall): [number, number, number, number, number] {
  const x = n.act(0);
  if (x.shape.length !== 4) throw new ImportProblem(`${n.op} takes an [N,C,H,W] input; this input is [${x.shape}]`);
  const b = n.a.int('blocksize', 0);
  if (!Number.isInteger(b) || b < 1) throw new ImportProblem(`blocksize ${b} must be a positive integer`);
  const [N, C, H, W] = x.shape;
  return [b, N, C, H, W];
}

export function depthToSpace(n: OpCall): void {
  const [b, N, C, H, W] = blockOf(n);
  if (C % (b * b) !== 0) throw new ImportProblem(`${C} channels do not divide by blocksize² ${b * b}`);
  const c = C / (b * b);
  const mode = n.a.str('mode', 'DCR');
  if (mode === 'DCR') regroup(n, [N, b, b, c, H, W], [0, 3, 4, 1, 5, 2], [N, c, H * b, W * b]);
  else if (mode === 'CRD') regroup(n, [N, c, b, b, H, W], [0, 1, 4, 2, 5, 3], [N, c, H * b, W * b]);
  else throw new ImportProblem(`mode ${mode} is not an ONNX DepthToSpace mode (DCR, CRD)`);
}

export function spaceToDepth(n: OpCall): void {
  const [b, N, C, H, W] = blockOf(n);
  if (H % b !== 0 || W % b !== 0) throw new ImportProblem(`${H}×${W} does not divide by blocksize ${b}`);
  regroup(n, [N, C, H / b, b, W / b, b], [0, 3, 5, 1, 2, 4], [N, C * b * b, H / b, W / b]);
}

/** Tile as Expands, one repeated axis at a time: the axis d becomes [repeats, d] from [1, d] (a new axis before it),
 *  then the two merge (a rank-r input needs rank r + 1 ≤ 6 on the way). */
export function tile(n: OpCall): void {
  const x = n.act(0);
  const repeats = Array.from(n.constIn(1, 'repeats').data);
  if (repeats.length !== x.shape.length) throw new ImportProblem(`repeats has ${repeats.length} values for a rank-${x.shape.length} input`);
  if (repeats.some((r) => !Number.isInteger(r) || r < 1)) throw new ImportProblem(`repeats [${repeats}] must be positive integers`);
  if (x.shape.length > 5) throw new ImportProblem(`Tile of a rank-${x.shape.length} input is not supported (at most rank 5)`);
  const axes = repeats.flatMap((r, i) => (r > 1 ? [i] : []));
  if (axes.length === 0) {
    n.ctx.values.set(n.outs[0], x);
    return;
  }
  let cur = n.ctx.inOnnxOrder(x, n.name);
  let shape = [...x.shape];
  axes.forEach((axis, k) => {
    const lifted = [...shape.slice(0, axis), 1, ...shape.slice(axis)];
    const expanded = [...shape.slice(0, axis), repeats[axis], ...shape.slice(axis)];
    const a = n.ctx.scratch(`${n.outs[0]}__lift${axis}`, lifted);
    n.ctx.addNode('Reshape', `${n.name}/lift${axis}`, [cur], [a], { shape: lifted });
    const b = n.ctx.scratch(`${n.outs[0]}__tile${axis}`, expanded);
    n.ctx.addNode('Expand', `${n.name}/axis${axis}`, [a], [b], { shape: expanded });
    shape = shape.map((d, i) => (i === axis ? d * repeats[axis] : d));
    const merged = shape;
    const src = b;
    if (k === axes.length - 1) {
      n.ctx.fromOnnxOrder(
        n.outs[0],
        merged,
        (o) => n.ctx.addNode('Reshape', `${n.name}/merge${axis}`, [src], [o], { shape: merged }),
        n.name,
      );
      return;
    }
    cur = n.ctx.scratch(`${n.outs[0]}__merged${axis}`, merged);
    n.ctx.addNode('Reshape', `${n.name}/merge${axis}`, [src], [cur], { shape: merged });
  });
}
