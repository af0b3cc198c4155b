// How the int8 PTQ pass picks quantization parameters: asymmetric activations from a calibrated range,
// per-channel symmetric weights, int32 biases (TFLite quantization spec). Scales are float32 (Math.fround) so the
// IR holds exactly the floats a .tflite file or the C side would.

import { TinyforgeError } from '../diagnostics.ts';
import type { QuantParams, Storage } from '../ir/graph.ts';
import { clamp, quantizeValue, roundHalfAway } from '../reference/quant.ts';
import type { TensorRange } from './calibrate.ts';

/** Asymmetric int8 for an activation range: the range is widened to contain 0 (so real 0, e.g. padding, is exact),
 *  scale = (max − min) / 255, zero point = round(−128 − min / scale) clamped to [−128, 127]. */
export function activationQuant(range: TensorRange): QuantParams {
  const min = Math.min(0, range.min);
  const max = Math.max(0, range.max);
  if (!(max - min > 0) || !Number.isFinite(max - min)) return { scale: [1], zeroPoint: [0] };
  const scale = Math.fround((max - min) / 255);
  const zeroPoint = clamp(roundHalfAway(-128 - min / scale), -128, 127);
  return { scale: [scale], zeroPoint: [zeroPoint] };
}

/** Range of a float array. */
export function rangeOf(data: Float32Array): TensorRange {
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Per-channel symmetric int8 along `axis`: scale[c] = max|w_c| / 127, q = clamp(round(w / scale[c]), −127, 127).
 *  A channel of zeros gets scale 1. Zero points are 0 (TFLite: weights are symmetric, range ±127). */
export function quantizeWeightsPerChannel(
  w: Float32Array,
  shape: readonly number[],
  axis: number,
): { data: Int8Array; quant: QuantParams } {
  const channels = shape[axis];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < w.length; i++) maxAbs[channelOf(i)] = Math.max(maxAbs[channelOf(i)], Math.abs(w[i]));
  const scale = Array.from(maxAbs, (m) => (m > 0 ? Math.fround(m / 127) : 1));
  const data = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) data[i] = clamp(roundHalfAway(w[i] / scale[channelOf(i)]), -127, 127);
  return { data, quant: { scale, zeroPoint: scale.map(() => 0), axis } };
}

/** Per-tensor symmetric int8 (one scale = max|w| / 127, zero point 0), for comparison with per-channel. */
export function quantizeWeightsPerTensor(w: Float32Array): { data: Int8Array; quant: QuantParams } {
  let maxAbs = 0;
  for (const v of w) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs > 0 ? Math.fround(maxAbs / 127) : 1;
  const data = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) data[i] = clamp(roundHalfAway(w[i] / scale), -127, 127);
  return { data, quant: { scale: [scale], zeroPoint: [0] } };
}

/** int32 bias with scale s_in · s_w[c] and zero point 0 (TFLite), one scale per output channel. */
export function quantizeBias(
  b: Float32Array,
  inputScale: number,
  weightScales: readonly number[],
): { data: Int32Array; quant: QuantParams } {
  const scales = Array.from(b, (_, c) => inputScale * (weightScales.length === 1 ? weightScales[0] : weightScales[c]));
  const data = new Int32Array(b.length);
  for (let c = 0; c < b.length; c++) data[c] = clamp(roundHalfAway(b[c] / scales[c]), -2147483648, 2147483647);
  return { data, quant: { scale: scales.map((s) => Math.fround(s)), zeroPoint: scales.map(() => 0), axis: 0 } };
}

/** A float constant used as an activation-like operand (Add/Mul/Concat input): per-tensor asymmetric int8. */
export function quantizeConstantPerTensor(x: Float32Array): { data: Int8Array; quant: QuantParams } {
  const quant = activationQuant(rangeOf(x));
  const data = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) data[i] = quantizeValue(x[i], quant.scale[0], quant.zeroPoint[0]);
  return { data, quant };
}

type Clustered = Extract<Storage, { kind: 'clustered' }>;

/** Clustered float weights → clustered int8 weights with one shared codebook: one symmetric scale for the tensor
 *  (max |used centroid| / 127), the codebook becomes int8 codes (clamp(round(c / scale), −127, 127)) and each weight the
 *  code of its cluster (pruned weights of a sparse layer stay 0). Per-channel scales would need one codebook per channel. */
export function quantizeClusteredWeights(w: Float32Array, s: Clustered): { data: Int8Array; quant: QuantParams; storage: Clustered } {
  const pruned = (i: number) => s.sparse === true && w[i] === 0;
  let maxAbs = 0;
  for (let i = 0; i < w.length; i++) {
    if (pruned(i)) continue;
    const c = s.codebook[s.indices[i]];
    if (c === undefined || Math.fround(c) !== w[i]) {
      throw new TinyforgeError(
        'storage-mismatch',
        `weight ${i} = ${w[i]} is not its cluster's value ${c}: the clustered storage is stale`,
        {
          hint: 'a step after cluster changed the weights; put cluster (and huffman) after the steps that train or prune',
        },
      );
    }
    maxAbs = Math.max(maxAbs, Math.abs(c));
  }
  const scale = maxAbs > 0 ? Math.fround(maxAbs / 127) : 1;
  const codebook = s.codebook.map((c) => clamp(roundHalfAway(c / scale), -127, 127));
  const data = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) data[i] = pruned(i) ? 0 : codebook[s.indices[i]];
  const { half: _half, ...rest } = s; // an int8 codebook has no half form
  return { data, quant: { scale: [scale], zeroPoint: [0] }, storage: { ...rest, codebook } };
}
