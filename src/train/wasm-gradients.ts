// Gradient kernels the tfjs WASM backend lacks, built from ops it has (strided slices, matMul, pads), so that
// tf.grads of CNNs (conv, depthwise conv, pooling, batch norm, softmax cross-entropy) runs on WASM.
import { tf } from './tf.ts';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Pair = [number, number];
interface WasmLike {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): TensorInfo;
}

/** The kernels registered here; tests check each against the CPU backend. */
export const WASM_GRADIENT_KERNELS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
] as const;

const pair = (v: number | number[]): Pair => (typeof v === 'number' ? [v, v] : [v[0]!, v[1]!]);

/** Runs `compute` on tensors copied from the WASM inputs, then copies the result into a WASM output.
 *  Nested ops inside a kernel are not taped (the engine only tapes at kernel depth 0), so this is safe under tf.grads. */
function viaOps(names: string[], compute: (inputs: tf.Tensor[], attrs: NamedAttrMap) => tf.Tensor): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as unknown as WasmLike;
    let shape: number[] = [];
    let dtype: tf.DataType = 'float32';
    const values = tf.tidy(() => {
      const ts = names.map((n) => {
        const info = inputs[n] as TensorInfo;
        return tf.tensor(wasm.readSync(info.dataId) as Float32Array, info.shape, info.dtype);
      });
      const out = compute(ts, attrs ?? {});
      shape = out.shape;
      dtype = out.dtype;
      return out.dataSync();
    });
    return wasm.makeOutput(shape, dtype, undefined, values);
  };
}

interface Geometry {
  padded: tf.Tensor4D; // x with the conv's padding applied
  outH: number;
  outW: number;
  kh: number;
  kw: number;
  strides: Pair;
  dilations: Pair;
}

function geometry(x: tf.Tensor4D, filterShape: number[], attrs: NamedAttrMap, depthwise: boolean): Geometry {
  const strides = pair(attrs.strides as number[]);
  const dilations = pair((attrs.dilations as number[] | undefined) ?? 1);
  const shape4 = filterShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    shape4,
    strides,
    dilations,
    attrs.pad as Pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    depthwise,
  );
  const { top, bottom, left, right } = info.padInfo;
  // Negative padding cannot occur for valid/same/explicit pads; clamp defensively.
  const padded = tf.pad(x, [
    [0, 0],
    [Math.max(top, 0), Math.max(bottom, 0)],
    [Math.max(left, 0), Math.max(right, 0)],
    [0, 0],
  ]);
  return { padded, outH: info.outHeight, outW: info.outWidth, kh: shape4[0], kw: shape4[1], strides, dilations };
}

/** The input window that kernel tap (i, j) sees, for every output position: [N, outH, outW, C]. */
function tap(g: Geometry, i: number, j: number): tf.Tensor4D {
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  const r0 = i * dh;
  const c0 = j * dw;
  const [n, , , c] = g.padded.shape;
  return tf.stridedSlice(
    g.padded,
    [0, r0, c0, 0],
    [n, r0 + (g.outH - 1) * sh + 1, c0 + (g.outW - 1) * sw + 1, c],
    [1, sh, sw, 1],
  ) as tf.Tensor4D;
}

/** dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh·d−p, ·, ci] · dy[n,oh,ow,co]: one matMul per kernel tap. */
function conv2dBackpropFilter([x, dy]: tf.Tensor[], attrs: NamedAttrMap): tf.Tensor {
  const filterShape = attrs.filterShape as number[];
  const g = geometry(x as tf.Tensor4D, filterShape, attrs, false);
  const co = filterShape[3]!;
  if (g.strides[0] === 1 && g.strides[1] === 1) {
    // One convolution instead of KH·KW slices: correlate x (batch as channels) with dy (batch as input channels).
    // [Ci, Hp, Wp, N] ⊛ [OH, OW, N, Co] → [Ci, KH', KW', Co], cropped to the kernel size.
    const xT = tf.transpose(g.padded, [3, 1, 2, 0]) as tf.Tensor4D;
    const dyT = tf.transpose(dy!, [1, 2, 0, 3]) as tf.Tensor4D;
    const full = tf.conv2d(xT, dyT, 1, 'valid');
    const cropped = tf.slice(full, [0, 0, 0, 0], [-1, g.kh, g.kw, -1]);
    return tf.transpose(cropped, [1, 2, 0, 3]);
  }
  const dy2 = tf.reshape(dy!, [-1, co]);
  const taps: tf.Tensor[] = [];
  for (let i = 0; i < g.kh; i++) {
    for (let j = 0; j < g.kw; j++) {
      const xs = tap(g, i, j);
      taps.push(tf.matMul(tf.reshape(xs, [-1, xs.shape[3]]), dy2, true, false));
    }
  }
  return tf.reshape(tf.stack(taps), filterShape);
}

/** dW[kh,kw,c,m] = Σ_{n,oh,ow} x[n, ·, ·, c] · dy[n,oh,ow,c·M+m]. */
function depthwiseBackpropFilter([x, dy]: tf.Tensor[], attrs: NamedAttrMap): tf.Tensor {
  const filterShape = attrs.filterShape as number[];
  const g = geometry(x as tf.Tensor4D, filterShape, attrs, true);
  const [, , c, m] = filterShape as [number, number, number, number];
  const dy5 = tf.reshape(dy!, [dy!.shape[0]!, g.outH, g.outW, c, m]);
  const taps: tf.Tensor[] = [];
  for (let i = 0; i < g.kh; i++) {
    for (let j = 0; j < g.kw; j++) {
      const xs = tf.reshape(tap(g, i, j), [dy!.shape[0]!, g.outH, g.outW, c, 1]);
      taps.push(tf.sum(tf.mul(xs, dy5), [0, 1, 2]));
    }
  }
  return tf.reshape(tf.stack(taps), filterShape);
}

/** dx = Σ_taps scatter(Σ_m dy[·,c,m]·W[kh,kw,c,m]) at offset (kh·d, kw·d) with stride s, then the padding cropped. */
function depthwiseBackpropInput([dy, filter]: tf.Tensor[], attrs: NamedAttrMap): tf.Tensor {
  const inputShape = attrs.inputShape as [number, number, number, number];
  const [kh, kw, c, m] = filter!.shape as [number, number, number, number];
  const strides = pair(attrs.strides as number[]);
  const dilations = pair((attrs.dilations as number[] | undefined) ?? 1);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    [kh, kw, c, m],
    strides,
    dilations,
    attrs.pad as Pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    true,
  );
  const [n, h, w] = inputShape;
  const { top, left } = info.padInfo;
  const oh = info.outHeight;
  const ow = info.outWidth;
  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  // Padded extent large enough for every tap's scatter, cropped back to [top, top+h) afterwards.
  const hp = Math.max(top + h, (kh - 1) * dh + (oh - 1) * sh + 1);
  const wp = Math.max(left + w, (kw - 1) * dw + (ow - 1) * sw + 1);
  const dy5 = tf.reshape(dy!, [n, oh, ow, c, m]);
  let acc: tf.Tensor4D = tf.zeros([n, hp, wp, c]);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const wTap = tf.reshape(tf.slice(filter!, [i, j, 0, 0], [1, 1, c, m]), [c, m]);
      let contrib = tf.sum(tf.mul(dy5, wTap), 4) as tf.Tensor4D; // [n, oh, ow, c]
      if (sh > 1 || sw > 1) {
        // Interleave zeros so that output (oh, ow) lands on input row oh·s.
        const spread = tf.pad(tf.reshape(contrib, [n, oh, 1, ow, 1, c]), [
          [0, 0],
          [0, 0],
          [0, sh - 1],
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ]);
        contrib = tf.reshape(spread, [n, oh * sh, ow * sw, c]);
      }
      const r0 = i * dh;
      const c0 = j * dw;
      const rows = Math.min(contrib.shape[1], hp - r0);
      const cols = Math.min(contrib.shape[2], wp - c0);
      const fitted = tf.slice(contrib, [0, 0, 0, 0], [n, rows, cols, c]);
      acc = tf.add(
        acc,
        tf.pad(fitted, [
          [0, 0],
          [r0, hp - r0 - rows],
          [c0, wp - c0 - cols],
          [0, 0],
        ]),
      );
    }
  }
  return tf.slice(acc, [0, top, left, 0], [n, h, w, c]);
}

const configs: KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: viaOps(['x', 'dy'], conv2dBackpropFilter) },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc: viaOps(['x', 'dy'], depthwiseBackpropFilter) },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc: viaOps(['dy', 'filter'], depthwiseBackpropInput) },
];

/** Registers the missing kernels once; kernels the WASM package already has are left alone. */
export function registerWasmGradients(): void {
  for (const cfg of configs) {
    if (!tf.getKernel(cfg.kernelName, 'wasm')) tf.registerKernel(cfg);
  }
}
