// Resize over H and W of an NHWC tensor, nearest or bilinear, with ONNX's coordinate transforms (ONNX Resize and
// Upsample, TFLite RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR). Both int8 kernels keep the input's quantization.
import type { OpDef } from './op-def.ts';
import { MOVES_VALUES, requirePositivePair, requireRank } from './op-def.ts';

const COORDINATE_MODES = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn'];
const NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

export const resize: OpDef<'Resize'> = {
  op: 'Resize',
  ...MOVES_VALUES,
  defaults: { mode: 'nearest', coordinateMode: 'half_pixel', nearestMode: 'round_prefer_floor', size: [1, 1], scales: [1, 1] },
  validate(inputs, a) {
    const problems = [...requireRank('input', inputs[0], 4), ...requirePositivePair('size', a.size)];
    if (a.mode !== 'nearest' && a.mode !== 'linear') problems.push(`mode must be 'nearest' or 'linear', got ${JSON.stringify(a.mode)}`);
    if (!COORDINATE_MODES.includes(a.coordinateMode))
      problems.push(`coordinateMode must be one of ${COORDINATE_MODES.join(', ')}, got ${JSON.stringify(a.coordinateMode)}`);
    else if (a.mode === 'linear' && a.coordinateMode === 'tf_half_pixel_for_nn')
      problems.push('coordinateMode tf_half_pixel_for_nn is defined for nearest only');
    if (!NEAREST_MODES.includes(a.nearestMode))
      problems.push(`nearestMode must be one of ${NEAREST_MODES.join(', ')}, got ${JSON.stringify(a.nearestMode)}`);
    if (!Array.isArray(a.scales) || a.scales.length !== 2 || !a.scales.every((s) => Number.isFinite(s) && s > 0))
      problems.push(`scales must be two positive numbers, got ${JSON.stringify(a.scales)}`);
    return problems;
  },
  inferShapes(inputs, a) {
    const [n, , , c] = inputs[0]!.shape;
    return [[n, a.size[0], a.size[1], c]];
  },
};
