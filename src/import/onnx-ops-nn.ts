// ONNX layer ops with weights or windows (Conv, Gemm, MatMul, pools, BatchNormalization, Pad) → IR nodes, converting NCHW weights and pads to NHWC.
import type { Pads } from '../ir/graph.ts';
import { ImportProblem } from './onnx-context.ts';
import { permute, TO_NHWC, transposeData } from './onnx-layout.ts';
import { OpCall, resolvePads, windowOut } from './onnx-op-call.ts';

const f64 = (n: number) => new Float64Array(n);

/** The 2-D handlers see [N,C,H,W]; with1d (onnx-ops-1d.ts) has already lifted an [N,C,L] input to [N,C,1,L]. */
function need4d(shape: number[], op: string): void {
  if (shape.length !== 4)
    throw new ImportProblem(`${op} takes an [N,C,L] or [N,C,H,W] input; this input is [${shape}] (rank ${shape.length})`);
}

export function conv(n: OpCall): void {
  const x = n.act(0);
  need4d(x.shape, 'Conv');
  const w = n.constIn(1, 'weights');
  if (w.dims.length !== 4) throw new ImportProblem(`weights have rank ${w.dims.length}, 2-D Conv needs 4`);
  const [O, Ig, KH, KW] = w.dims;
  const [N, C, H, W] = x.shape;
  const group = n.a.int('group', 1);
  if (C !== Ig * group) throw new ImportProblem(`input has ${C} channels, weights expect ${Ig} × group ${group}`);
  const strides = n.a.ints('strides', [1, 1])!;
  const dil = n.a.ints('dilations', [1, 1])!;
  const pads = resolvePads(n.a, [H, W], [KH, KW], strides, dil);
  const bias = n.optConst(2, 'bias');
  const outShape = [N, O, windowOut(H, pads[0], pads[2], KH, strides[0], dil[0]), windowOut(W, pads[1], pads[3], KW, strides[1], dil[1])];
  const out = n.ctx.defineAct(n.outs[0], outShape);
  const b = bias ? [n.ctx.constant(n.inputName(2), [O], bias.data)] : [];
  const common = {
    strides: [strides[0], strides[1]] as [number, number],
    dilations: [dil[0], dil[1]] as [number, number],
    pads,
    activation: 'none' as const,
  };
  if (group > 1 && group === C && Ig === 1) {
    // Depthwise: ONNX output channel c*m+j reads input channel c, the same order as TFLite's [1,KH,KW,C*m].
    const wt = n.ctx.constant(n.inputName(1), [1, KH, KW, O], transposeData(w.data, w.dims, [1, 2, 3, 0], f64));
    n.ctx.addNode('DepthwiseConv2D', n.name, [x.ir, wt, ...b], [out.ir], { ...common, multiplier: O / C });
    return;
  }
  const wt = n.ctx.constant(n.inputName(1), [O, KH, KW, Ig], transposeData(w.data, w.dims, [0, 2, 3, 1], f64));
  n.ctx.addNode('Conv2D', n.name, [x.ir, wt, ...b], [out.ir], { ...common, groups: group });
}

/** Pool window, strides and pads; ceil_mode is honoured by growing the bottom/right pads (exact for max and for averages that skip padding). */
function poolGeometry(n: OpCall, allowCeilPads: boolean) {
  const x = n.act(0);
  need4d(x.shape, n.op);
  const [N, C, H, W] = x.shape;
  const kernel = n.a.ints('kernel_shape')!;
  if (!kernel || kernel.length !== 2) throw new ImportProblem('kernel_shape must have 2 values');
  const strides = n.a.ints('strides', [1, 1])!;
  const dil = n.a.ints('dilations', [1, 1])!;
  if (dil.some((d) => d !== 1)) throw new ImportProblem(`dilations [${dil}] are not supported for pooling`);
  if (n.a.int('storage_order', 0) !== 0) throw new ImportProblem('storage_order=1 (column major) is not supported');
  const pads: Pads = resolvePads(n.a, [H, W], kernel, strides, dil);
  const out = [0, 1].map((i) => windowOut([H, W][i], pads[i], pads[i + 2], kernel[i], strides[i], 1));
  if (n.a.int('ceil_mode', 0) === 1) {
    for (let i = 0; i < 2; i++) {
      const size = [H, W][i];
      let o = Math.ceil((size + pads[i] + pads[i + 2] - kernel[i]) / strides[i]) + 1;
      // The last window must start inside the input or the leading padding.
      if ((o - 1) * strides[i] >= size + pads[i]) o--;
      if (o !== out[i]) {
        if (!allowCeilPads) throw new ImportProblem('ceil_mode=1 with count_include_pad=1 changes the divisor; not supported');
        pads[i + 2] += (o - 1) * strides[i] + kernel[i] - (size + pads[i] + pads[i + 2]);
        out[i] = o;
      }
    }
  }
  return {
    x,
    kernel: [kernel[0], kernel[1]] as [number, number],
    strides: [strides[0], strides[1]] as [number, number],
    pads,
    outShape: [N, C, out[0], out[1]],
  };
}

export function maxPool(n: OpCall, used: Set<string>): void {
  n.onlyFirstOutputUsed(used);
  const g = poolGeometry(n, true);
  const out = n.ctx.defineAct(n.outs[0], g.outShape);
  n.ctx.addNode('MaxPool', n.name, [g.x.ir], [out.ir], { kernel: g.kernel, strides: g.strides, pads: g.pads, activation: 'none' });
}

export function averagePool(n: OpCall): void {
  const countIncludePad = n.a.int('count_include_pad', 0) === 1;
  const g = poolGeometry(n, !countIncludePad);
  const out = n.ctx.defineAct(n.outs[0], g.outShape);
  n.ctx.addNode('AveragePool', n.name, [g.x.ir], [out.ir], {
    kernel: g.kernel,
    strides: g.strides,
    pads: g.pads,
    countIncludePad,
    activation: 'none',
  });
}

export function globalAveragePool(n: OpCall): void {
  const x = n.act(0);
  need4d(x.shape, 'GlobalAveragePool');
  const out = n.ctx.defineAct(n.outs[0], [x.shape[0], x.shape[1], 1, 1]);
  n.ctx.addNode('GlobalAveragePool', n.name, [x.ir], [out.ir], {});
}

/** GlobalMaxPool is a MaxPool whose window is the whole image. */
export function globalMaxPool(n: OpCall): void {
  const x = n.act(0);
  need4d(x.shape, 'GlobalMaxPool');
  const [N, C, H, W] = x.shape;
  const out = n.ctx.defineAct(n.outs[0], [N, C, 1, 1]);
  n.ctx.addNode('MaxPool', n.name, [x.ir], [out.ir], { kernel: [H, W], strides: [1, 1], pads: [0, 0, 0, 0], activation: 'none' });
}

export function batchNormalization(n: OpCall, used: Set<string>): void {
  n.onlyFirstOutputUsed(used);
  if (n.opset < 7 && n.a.int('is_test', 0) === 0)
    throw new ImportProblem('is_test=0 (training mode, opset < 7) is not supported; export in eval mode');
  if (n.a.int('spatial', 1) === 0) throw new ImportProblem('spatial=0 (per-activation statistics, opset < 9) is not supported');
  if (n.a.int('training_mode', 0) === 1)
    throw new ImportProblem('training_mode=1 (batch statistics) is not supported; export the model in eval mode');
  const x = n.act(0);
  if (x.shape.length !== 4 && x.shape.length !== 2)
    throw new ImportProblem(`input rank ${x.shape.length}: only [N,C], [N,C,L] and [N,C,H,W] are supported`);
  const C = x.shape[1];
  const names = ['scale', 'bias', 'mean', 'var'].map((what, k) => {
    const c = n.constIn(k + 1, what);
    if (c.data.length !== C) throw new ImportProblem(`${what} has ${c.data.length} values for ${C} channels`);
    return n.ctx.constant(n.inputName(k + 1), [C], c.data);
  });
  const out = n.ctx.defineAct(n.outs[0], x.shape);
  n.ctx.addNode('BatchNormalization', n.name, [x.ir, ...names], [out.ir], { epsilon: n.a.float('epsilon', 1e-5) });
}

/** Dense from a 2-D activation [M,K] and W[N,K]; an extra constant or runtime addend follows as Add when it is not a per-column bias. */
function emitDense(
  n: OpCall,
  xIr: string,
  M: number,
  wName: string,
  Wt: Float64Array,
  N: number,
  K: number,
  outName: string,
  bias?: Float64Array,
) {
  const w = n.ctx.constant(wName, [N, K], Wt);
  const b = bias ? [n.ctx.constant(`${wName}_bias`, [N], bias)] : [];
  const out = n.ctx.defineAct(outName, [M, N]);
  n.ctx.addNode('Dense', n.name, [xIr, w, ...b], [out.ir], { activation: 'none' });
  return out;
}

export function gemm(n: OpCall): void {
  let A = n.act(0);
  if (A.shape.length !== 2) throw new ImportProblem(`A has rank ${A.shape.length}, Gemm needs 2`);
  if (n.a.int('transA', 0) === 1) {
    const shape = [A.shape[1], A.shape[0]];
    const t = n.ctx.scratch(`${n.outs[0]}__At`, shape);
    n.ctx.addNode('Transpose', `${n.name}/transA`, [A.ir], [t], { perm: [1, 0] });
    A = { kind: 'act', ir: t, shape };
  }
  const B = n.constIn(1, 'B (weights)');
  const alpha = n.a.float('alpha', 1),
    beta = n.a.float('beta', 1);
  const transB = n.a.int('transB', 0) === 1;
  const [M, K] = A.shape;
  const N = transB ? B.dims[0] : B.dims[1];
  if ((transB ? B.dims[1] : B.dims[0]) !== K) throw new ImportProblem(`B [${B.dims}] does not match A [${A.shape}]`);
  const Bt = transB ? B.data : transposeData(B.data, B.dims, [1, 0], f64);
  const W = Bt.map((v) => Math.fround(alpha * v));
  const C = n.ins[2];
  // A constant C that repeats per row is a Dense bias; anything else is added after the Dense.
  if (C?.kind === 'const' && C.c.data.length === N && (C.c.dims.length <= 1 || C.c.dims[C.c.dims.length - 1] === N)) {
    emitDense(
      n,
      A.ir,
      M,
      n.inputName(1),
      W,
      N,
      K,
      n.outs[0],
      C.c.data.map((v) => Math.fround(beta * v)),
    );
  } else if (C?.kind === 'const' && C.c.data.length === 1) {
    emitDense(n, A.ir, M, n.inputName(1), W, N, K, n.outs[0], new Float64Array(N).fill(Math.fround(beta * C.c.data[0])));
  } else if (!C || beta === 0) {
    emitDense(n, A.ir, M, n.inputName(1), W, N, K, n.outs[0]);
  } else {
    const mid = emitDense(n, A.ir, M, n.inputName(1), W, N, K, `${n.outs[0]}__gemm`);
    const addend =
      C.kind === 'const'
        ? n.ctx.constant(
            n.inputName(2),
            C.c.dims,
            C.c.data.map((v) => Math.fround(beta * v)),
          )
        : beta === 1
          ? n.act(2).ir
          : undefined;
    if (!addend) throw new ImportProblem('a runtime C with beta != 1 is not supported');
    const out = n.ctx.defineAct(n.outs[0], [M, N]);
    n.ctx.addNode('Add', `${n.name}/bias`, [mid.ir, addend], [out.ir], { activation: 'none' });
  }
}

export function matMul(n: OpCall): void {
  const A = n.act(0);
  const B = n.constIn(1, 'B (weights)');
  if (B.dims.length !== 2) throw new ImportProblem(`B has rank ${B.dims.length}; only a 2-D constant B (a Dense layer) is supported`);
  const [K, N] = B.dims;
  if (A.shape.length < 2 || A.shape[A.shape.length - 1] !== K) throw new ImportProblem(`A [${A.shape}] does not match B [${B.dims}]`);
  const W = transposeData(B.data, B.dims, [1, 0], f64);
  if (A.shape.length === 2) {
    emitDense(n, A.ir, A.shape[0], n.inputName(1), W, N, K, n.outs[0]);
    return;
  }
  // Batched A: fold leading dims into rows, run the Dense, and restore them (in ONNX memory order).
  const lead = A.shape.slice(0, -1);
  const M = lead.reduce((p, d) => p * d, 1);
  const src = n.ctx.inOnnxOrder(A, n.name);
  const rows = n.ctx.scratch(`${n.outs[0]}__rows`, [M, K]);
  n.ctx.addNode('Reshape', `${n.name}/rows`, [src], [rows], { shape: [M, K] });
  const dense = emitDense(n, rows, M, n.inputName(1), W, N, K, `${n.outs[0]}__dense`);
  n.ctx.fromOnnxOrder(
    n.outs[0],
    [...lead, N],
    (o) => n.ctx.addNode('Reshape', `${n.name}/unrows`, [dense.ir], [o], { shape: n.ctx.tensors[o].shape }),
    n.name,
  );
}

export function pad(n: OpCall): void {
  const x = n.act(0);
  const mode = n.a.str('mode', 'constant');
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge')
    throw new ImportProblem(`mode "${mode}" is not supported (constant, reflect and edge are)`);
  const r = x.shape.length;
  let pads: number[];
  let value: number;
  if (n.opset >= 11) {
    pads = Array.from(n.constIn(1, 'pads').data);
    value = n.ins[2] ? n.constIn(2, 'constant_value').data[0] : 0;
    if (n.ins[3]) {
      // opset 18 axes: expand to every axis.
      const axes = Array.from(n.constIn(3, 'axes').data).map((a) => (a < 0 ? a + r : a));
      const full = new Array<number>(2 * r).fill(0);
      axes.forEach((ax, i) => {
        full[ax] = pads[i];
        full[ax + r] = pads[i + axes.length];
      });
      pads = full;
    }
  } else {
    pads = n.a.ints('pads', [])!;
    value = n.a.float('value', 0);
  }
  if (pads.length !== 2 * r) throw new ImportProblem(`pads has ${pads.length} values for rank ${r}`);
  if (pads.some((p) => p < 0)) throw new ImportProblem(`negative pads [${pads}] (cropping) are not supported`);
  const begin = pads.slice(0, r),
    end = pads.slice(r);
  const outShape = x.shape.map((d, i) => d + begin[i] + end[i]);
  const out = n.ctx.defineAct(n.outs[0], outShape);
  const irPads = r === 4 ? [...permute(begin, TO_NHWC), ...permute(end, TO_NHWC)] : pads;
  const limit = (d: number) => (mode === 'reflect' ? d - 1 : mode === 'edge' && d === 0 ? 0 : Infinity);
  const tooWide = x.shape.findIndex((d, i) => Math.max(begin[i], end[i]) > limit(d));
  if (tooWide >= 0)
    throw new ImportProblem(
      `${mode} pad of ${Math.max(begin[tooWide], end[tooWide])} on axis ${tooWide} of size ${x.shape[tooWide]} reaches past the input`,
    );
  n.ctx.addNode('Pad', n.name, [x.ir], [out.ir], mode === 'constant' ? { pads: irPads, value } : { pads: irPads, value, mode });
}
