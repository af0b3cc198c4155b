// ONNX Resize (opsets 10–21) and Upsample (7–9) → the IR Resize over H and W of an NCHW input: scales or sizes given as
// constants, nearest or linear, with the coordinate transforms and nearest modes onnxruntime computes.
import type { OpAttrs, ResizeCoordinateMode, ResizeNearestMode } from '../ir/graph.ts';
import { ImportProblem } from './onnx-context.ts';
import type { OpCall } from './onnx-op-call.ts';

const COORDINATE_MODES: readonly string[] = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn'];
const NEAREST_MODES: readonly string[] = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

/** The scales or sizes input as numbers; an empty tensor (the exporters' placeholder) counts as absent. */
function optionalVector(n: OpCall, i: number, what: string): number[] | undefined {
  const c = n.optConst(i, what);
  return c && c.data.length > 0 ? Array.from(c.data) : undefined;
}

/** A vector given for `axes` only, spread over all four NCHW axes (`fill(axis)` for the others). */
function onAllAxes(v: number[], axes: number[] | undefined, what: string, fill: (axis: number) => number): number[] {
  if (!axes) {
    if (v.length !== 4) throw new ImportProblem(`${what} has ${v.length} values; a 4-D input needs 4`);
    return v;
  }
  if (v.length !== axes.length) throw new ImportProblem(`${what} has ${v.length} values for ${axes.length} axes`);
  const full = [0, 1, 2, 3].map(fill);
  axes.forEach((a, k) => {
    const axis = a < 0 ? a + 4 : a;
    if (axis < 0 || axis > 3) throw new ImportProblem(`axes value ${a} is out of range for a 4-D input`);
    full[axis] = v[k];
  });
  return full;
}

function modeOf(n: OpCall): OpAttrs['Resize']['mode'] {
  const mode = n.a.str('mode', 'nearest');
  if (mode === 'nearest') return 'nearest';
  if (mode === 'linear' || mode === 'bilinear') return 'linear';
  throw new ImportProblem(`mode ${mode} is not supported (only nearest and linear)`);
}

export function resize(n: OpCall): void {
  const x = n.act(0);
  if (x.shape.length !== 4)
    throw new ImportProblem(`${n.op} is supported on 4-D NCHW inputs (resizing H and W); this input is [${x.shape}]`);
  const [N, C, H, W] = x.shape;
  const legacy = n.op === 'Upsample' || n.opset < 11;
  const mode = modeOf(n);
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  const axes = n.a.ints('axes');
  if (n.op === 'Upsample' && n.opset < 9) scales = n.a.ints('scales');
  else if (legacy) scales = optionalVector(n, 1, 'scales');
  else {
    scales = optionalVector(n, 2, 'scales');
    sizes = optionalVector(n, 3, 'sizes');
  }
  if (!scales && !sizes) throw new ImportProblem('neither scales nor sizes is given');
  if (scales && sizes) throw new ImportProblem('both scales and sizes are given; ONNX allows only one');
  if (n.a.str('keep_aspect_ratio_policy', 'stretch') !== 'stretch')
    throw new ImportProblem(`keep_aspect_ratio_policy ${n.a.str('keep_aspect_ratio_policy', '')} is not supported (only stretch)`);

  const inDims = [N, C, H, W];
  let outHW: [number, number];
  let scaleHW: [number, number];
  if (scales) {
    const s = onAllAxes(scales, axes, 'scales', () => 1);
    if (s[0] !== 1 || s[1] !== 1) throw new ImportProblem(`scales [${s}] resize the batch or channel axis; only H and W can be resized`);
    if (!s.every((v) => Number.isFinite(v) && v > 0)) throw new ImportProblem(`scales [${s}] must be positive`);
    // onnxruntime: output size = (int64)(float scale · input size).
    outHW = [Math.floor(Math.fround(Math.fround(s[2]) * H)), Math.floor(Math.fround(Math.fround(s[3]) * W))];
    scaleHW = [Math.fround(s[2]), Math.fround(s[3])];
  } else {
    const s = onAllAxes(sizes!, axes, 'sizes', (a) => inDims[a]);
    if (s[0] !== N || s[1] !== C) throw new ImportProblem(`sizes [${s}] change the batch or channel axis; only H and W can be resized`);
    outHW = [s[2], s[3]];
    scaleHW = [s[2] / H, s[3] / W];
  }
  if (!outHW.every((v) => Number.isInteger(v) && v >= 1))
    throw new ImportProblem(`the output would be ${outHW[0]}×${outHW[1]}, not a positive size`);
  if (n.a.int('antialias', 0) !== 0 && mode === 'linear' && (outHW[0] < H || outHW[1] < W))
    throw new ImportProblem('antialias=1 when downscaling is not supported');

  let coordinateMode: ResizeCoordinateMode = 'asymmetric';
  let nearestMode: ResizeNearestMode;
  if (legacy) {
    // Before opset 11 onnxruntime truncates the coordinate when upsampling and rounds it up when downsampling.
    const down = outHW.map((o, i) => o < [H, W][i]);
    if (mode === 'nearest' && down[0] !== down[1] && outHW[0] !== H && outHW[1] !== W)
      throw new ImportProblem('nearest upsampling on one axis and downsampling on the other is not supported before opset 11');
    nearestMode = down.some((d) => d) ? 'ceil' : 'floor';
  } else {
    const ctm = n.a.str('coordinate_transformation_mode', 'half_pixel');
    if (!COORDINATE_MODES.includes(ctm))
      throw new ImportProblem(`coordinate_transformation_mode ${ctm} is not supported (${COORDINATE_MODES.join(', ')})`);
    if (ctm === 'tf_half_pixel_for_nn' && mode !== 'nearest') throw new ImportProblem('tf_half_pixel_for_nn is defined for nearest only');
    coordinateMode = ctm as ResizeCoordinateMode;
    const nm = n.a.str('nearest_mode', 'round_prefer_floor');
    if (!NEAREST_MODES.includes(nm)) throw new ImportProblem(`nearest_mode ${nm} is not an ONNX value`);
    nearestMode = nm as ResizeNearestMode;
  }
  const out = n.ctx.defineAct(n.outs[0], [N, C, outHW[0], outHW[1]]);
  n.ctx.addNode('Resize', n.name, [x.ir], [out.ir], { mode, coordinateMode, nearestMode, size: outHW, scales: scaleHW });
}
