// Shared helpers of the int8 reference kernels: quant lookups, per-channel multipliers, broadcasting, checks.
// The `prepare*` functions here and in each kernel file are the compile-time half of a kernel (TFLM "Prepare"):
// codegen calls the same functions to get the constants it emits, so the C side never recomputes a multiplier.

import type { Activation, Node, Tensor } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { TinyforgeError } from '../../diagnostics.ts';
import { activationRange, quantizeMultiplier, tensorQuant } from '../quant.ts';

export interface Quant1 {
  scale: number;
  zeroPoint: number;
}

/** Scale and zero point of a per-tensor quantized int8 tensor (throws 'missing-quant'). */
export function quantOf(t: Tensor, node: Node): Quant1 {
  return tensorQuant(t, node);
}

/** The input at `i`, or a clear error when a required input is absent. */
export function requireInput(node: Node, inputs: (Value | undefined)[], i: number): Value {
  const v = inputs[i];
  if (!v) {
    throw new TinyforgeError('dangling-tensor', `node "${node.name}" (${node.op}) has no value for input ${i}`, {
      location: { node: node.name, op: node.op },
    });
  }
  return v;
}

/** The data of an int8 value, checked. */
export function int8Data(node: Node, v: Value): Int8Array {
  if (!(v.data instanceof Int8Array)) {
    throw new TinyforgeError('bad-dtype', `node "${node.name}" (${node.op}): tensor "${v.name}" is ${v.dtype}, the int8 kernel needs i8`, {
      location: { node: node.name, op: node.op },
    });
  }
  return v.data;
}

/** TFLite requires some ops (pools, reshape, pad, transpose…) to keep input and output quantization identical. */
export function requireSameQuant(node: Node, a: Quant1, b: Quant1): void {
  if (a.scale !== b.scale || a.zeroPoint !== b.zeroPoint) {
    throw new TinyforgeError(
      'quant-mismatch',
      `node "${node.name}" (${node.op}): int8 input and output must share scale and zero point ` +
        `(input ${a.scale}/${a.zeroPoint}, output ${b.scale}/${b.zeroPoint})`,
      { location: { node: node.name, op: node.op }, hint: 'the quantize-int8 pass gives these ops their input quantization' },
    );
  }
}

export interface ChannelMultipliers {
  multiplier: Int32Array;
  shift: Int32Array;
}

/** TFLite PopulateConvolutionQuantizationParams: effective scale per output channel
 *  = double(s_in) · double(s_w[c]) / double(s_out), each quantized with QuantizeMultiplier.
 *  A per-tensor weight scale (one entry) is used for every channel. */
export function channelMultipliers(
  inputScale: number,
  weightScales: readonly number[],
  outputScale: number,
  channels: number,
): ChannelMultipliers {
  const multiplier = new Int32Array(channels);
  const shift = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    const ws = weightScales.length === 1 ? weightScales[0] : weightScales[c];
    const q = quantizeMultiplier((inputScale * ws) / outputScale);
    multiplier[c] = q.multiplier;
    shift[c] = q.shift;
  }
  return { multiplier, shift };
}

/** The compile-time constants of an int8 layer with per-channel weights (Conv2D, DepthwiseConv2D, ConvTranspose,
 *  Dense): each output channel's multiplier and shift, the offsets, and the fused activation's clamp. */
export interface WeightedLayerParams extends ChannelMultipliers {
  inputOffset: number; // −zp_in
  outputOffset: number; // zp_out
  actMin: number;
  actMax: number;
}

export function prepareWeightedLayer(
  node: Node & { attrs: { activation: Activation } },
  x: Tensor,
  w: Tensor,
  y: Tensor,
  outChannels: number,
): WeightedLayerParams {
  const qin = quantOf(x, node);
  const qout = quantOf(y, node);
  const mults = channelMultipliers(qin.scale, weightScales(w, node, outChannels), qout.scale, outChannels);
  const [actMin, actMax] = activationRange(node.attrs.activation, qout.scale, qout.zeroPoint);
  return { ...mults, inputOffset: -qin.zeroPoint, outputOffset: qout.zeroPoint, actMin, actMax };
}

/** Weight scales of a conv/dense weight: per channel along `axis` or one per tensor. */
export function weightScales(w: Tensor, node: Node, channels: number): number[] {
  const quant = w.quant;
  if (!quant || quant.scale.length === 0) return [quantOf(w, node).scale]; // quantOf throws 'missing-quant'
  if (quant.scale.length !== 1 && quant.scale.length !== channels) {
    throw new TinyforgeError(
      'bad-quant',
      `node "${node.name}" (${node.op}): weight "${w.name}" has ${quant.scale.length} scales for ${channels} output channels`,
      { location: { node: node.name, op: node.op } },
    );
  }
  if (quant.zeroPoint.some((z) => z !== 0)) {
    throw new TinyforgeError('bad-quant', `node "${node.name}" (${node.op}): weight "${w.name}" must be symmetric (zero point 0)`, {
      location: { node: node.name, op: node.op },
    });
  }
  return quant.scale;
}

/** Bias values as int32 (TFLite: bias i32 with scale s_in·s_w[c], zero point 0), or null when absent. */
export function biasData(node: Node, v: Value | undefined): Int32Array | null {
  if (!v) return null;
  if (!(v.data instanceof Int32Array)) {
    throw new TinyforgeError(
      'bad-dtype',
      `node "${node.name}" (${node.op}): bias "${v.name}" is ${v.dtype}, int8 kernels need an i32 bias`,
      {
        location: { node: node.name, op: node.op },
      },
    );
  }
  return v.data;
}

/** Element strides of `inShape` broadcast (NumPy rules, right-aligned) to `outShape`: 0 where broadcast. */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let i = inShape.length - 1, o = outShape.length - 1; i >= 0; i--, o--) {
    strides[o] = inShape[i] === 1 ? 0 : stride;
    stride *= inShape[i];
  }
  return strides;
}

/** Source offset of each output element for one broadcast input (row-major walk of outShape). */
export function broadcastOffsets(inShape: readonly number[], outShape: readonly number[]): Int32Array {
  const strides = broadcastStrides(inShape, outShape);
  let total = 1;
  for (const d of outShape) total *= d;
  const offsets = new Int32Array(total);
  const index = new Array<number>(outShape.length).fill(0);
  let offset = 0;
  for (let i = 0; i < total; i++) {
    offsets[i] = offset;
    // Increment the multi-index like an odometer, updating the offset incrementally.
    for (let d = outShape.length - 1; d >= 0; d--) {
      index[d]++;
      offset += strides[d];
      if (index[d] < outShape[d]) break;
      offset -= strides[d] * outShape[d];
      index[d] = 0;
    }
  }
  return offsets;
}

/** NHWC dimensions of a 4-D shape. */
export function nhwc(shape: readonly number[]): [number, number, number, number] {
  return [shape[0], shape[1], shape[2], shape[3]];
}
