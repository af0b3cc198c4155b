// ONNX ConvTranspose (2-D, and 1-D through with1d; one group, no dilation) → the IR ConvTranspose on NHWC with OHWI weights; explicit pads,
// output_padding, or output_shape / auto_pad resolved into pads as the ONNX spec defines.
import { convTransposeOutSize } from '../ir/ops/conv-transpose.ts';
import { ImportProblem } from './onnx-context.ts';
import { transposeData } from './onnx-layout.ts';
import type { OpCall } from './onnx-op-call.ts';

const f64 = (n: number) => new Float64Array(n);

function pair(v: number[], what: string): [number, number] {
  if (v.length !== 2) throw new ImportProblem(`${what} has ${v.length} values, a 2-D ConvTranspose needs 2`);
  return [v[0], v[1]];
}

export function convTranspose(n: OpCall): void {
  const x = n.act(0);
  if (x.shape.length !== 4)
    throw new ImportProblem(`ConvTranspose takes an [N,C,L] or [N,C,H,W] input; this input is [${x.shape}] (rank ${x.shape.length})`);
  const w = n.constIn(1, 'weights');
  if (w.dims.length !== 4) throw new ImportProblem(`weights have rank ${w.dims.length}, 2-D ConvTranspose needs 4`);
  const [I, O, KH, KW] = w.dims;
  const [N, C, H, W] = x.shape;
  const group = n.a.int('group', 1);
  if (group !== 1) throw new ImportProblem(`group ${group} is not supported (only group 1)`);
  if (C !== I) throw new ImportProblem(`input has ${C} channels, weights expect ${I}`);
  const dil = n.a.ints('dilations', [1, 1])!;
  if (dil.some((d) => d !== 1)) throw new ImportProblem(`dilations [${dil}] are not supported (only 1)`);
  const kernel = n.a.ints('kernel_shape');
  if (kernel && (kernel.length !== 2 || kernel[0] !== KH || kernel[1] !== KW))
    throw new ImportProblem(`kernel_shape [${kernel}] does not match the weights' ${KH}×${KW}`);
  const strides = pair(n.a.ints('strides', [1, 1])!, 'strides');
  const outPad = pair(n.a.ints('output_padding', [0, 0])!, 'output_padding');
  if (strides.some((s) => s < 1) || outPad.some((p, i) => p < 0 || p >= strides[i]))
    throw new ImportProblem(`strides [${strides}] and output_padding [${outPad}] must have stride ≥ 1 and 0 ≤ output_padding < stride`);
  const outputShape = n.a.ints('output_shape');
  const autoPad = n.a.str('auto_pad', 'NOTSET');
  const pads = [0, 0, 0, 0];
  const extra = [...outPad];
  if (outputShape || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const target = outputShape ? outputShape.slice(-2) : [H * strides[0], W * strides[1]];
    if (target.length !== 2) throw new ImportProblem(`output_shape [${outputShape}] does not name an H and a W`);
    for (let i = 0; i < 2; i++) {
      const total = strides[i] * ([H, W][i] - 1) + outPad[i] + [KH, KW][i] - target[i];
      const half = Math.floor(total / 2);
      const [begin, end] = autoPad === 'SAME_UPPER' ? [half, total - half] : [total - half, half];
      if (begin < 0) throw new ImportProblem(`output_shape [${outputShape}] is larger than the transposed convolution reaches`);
      pads[i] = begin;
      pads[i + 2] = Math.max(end, 0);
      extra[i] += Math.max(-end, 0);
    }
  } else if (autoPad === 'NOTSET') {
    const p = n.a.ints('pads', [0, 0, 0, 0])!;
    if (p.length !== 4 || p.some((v) => v < 0)) throw new ImportProblem(`pads [${p}] must be four non-negative values`);
    pads.splice(0, 4, ...p);
  } else if (autoPad !== 'VALID') throw new ImportProblem(`auto_pad ${autoPad} is not an ONNX value`);
  const outH = convTransposeOutSize(H, KH, strides[0], pads[0], pads[2], extra[0]);
  const outW = convTransposeOutSize(W, KW, strides[1], pads[1], pads[3], extra[1]);
  if (outH < 1 || outW < 1) throw new ImportProblem(`pads [${pads}] leave no output`);
  const bias = n.optConst(2, 'bias');
  const wt = n.ctx.constant(n.inputName(1), [O, KH, KW, I], transposeData(w.data, w.dims, [1, 2, 3, 0], f64));
  const b = bias ? [n.ctx.constant(n.inputName(2), [O], bias.data)] : [];
  const out = n.ctx.defineAct(n.outs[0], [N, O, outH, outW]);
  n.ctx.addNode('ConvTranspose', n.name, [x.ir, wt, ...b], [out.ir], {
    strides,
    pads: [pads[0], pads[1], pads[2], pads[3]],
    outputPadding: [extra[0], extra[1]],
    activation: 'none',
  });
}
