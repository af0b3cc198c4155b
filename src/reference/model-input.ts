// Turns a dataset sample into the bytes a model's input takes: preprocessing, then int8 quantization when the input is i8.
import type { Graph, Preprocess, TensorData } from '../ir/graph.ts';
import { TinyforgeError } from '../diagnostics.ts';
import type { Sample } from '../data/dataset.ts';
import { applyPreprocess } from '../data/preprocess.ts';

const isIdentity = (p: Preprocess | undefined) => !p || (p.scale === 1 && p.mean.every((m) => m === 0) && p.std.every((s) => s === 1));

/**
 * A dataset sample → the model's first input. A sample stored as int8 codes (MLPerf KWS) reaches an int8 input with the
 * same quantization byte for byte, with no dequantize/requantize round trip; anything else goes through prepareInput.
 */
export function sampleInput(g: Graph, sample: Sample): TensorData {
  const t = g.tensors[g.inputs[0]];
  const c = sample.codes;
  if (
    c &&
    t.dtype === 'i8' &&
    t.quant?.scale.length === 1 &&
    isIdentity(g.metadata.preprocess) &&
    Math.fround(t.quant.scale[0]) === Math.fround(c.scale) &&
    t.quant.zeroPoint[0] === c.zeroPoint
  ) {
    return c.data.slice();
  }
  return prepareInput(g, sample.x);
}

/** Raw sample (e.g. pixels 0..255, NHWC) → the model's first input, as the reference interpreter and the device take it. */
export function prepareInput(g: Graph, raw: Float32Array): TensorData {
  const t = g.tensors[g.inputs[0]];
  const channels = t.shape.length === 4 ? t.shape[3] : 1;
  const x = applyPreprocess(raw, g.metadata.preprocess, channels);
  if (t.dtype === 'f32') return x;
  if (t.dtype === 'i8' && t.quant) {
    const { scale, zeroPoint } = t.quant;
    const q = new Int8Array(x.length);
    // TFLite's Quantize: round half away from zero, then clamp to int8.
    for (let i = 0; i < x.length; i++) {
      const v = Math.sign(x[i] / scale[0]) * Math.round(Math.abs(x[i] / scale[0])) + zeroPoint[0];
      q[i] = Math.max(-128, Math.min(127, v));
    }
    return q;
  }
  throw new Error(`model input ${t.name} has dtype ${t.dtype}, which prepareInput does not handle`);
}

/** The class a model's output names for one sample: the index itself when the model ends in ArgMax (an int32 output;
 *  onnxruntime on the user's own file gives int64), else the index of the largest score. */
export function predictedClass(g: Graph, output: ArrayLike<number> | BigInt64Array): number {
  if (g.tensors[g.outputs[0]].dtype !== 'i32') return argmax(output as ArrayLike<number>);
  if (output.length !== 1)
    throw new TinyforgeError('unsupported-graph', `the model's index output "${g.outputs[0]}" holds ${output.length} values per sample`, {
      location: { node: g.outputs[0] },
      hint: 'top-1 needs one class per sample: end the model in ArgMax over the class axis of a [1, classes] score',
    });
  return Number(output[0]);
}

/** Index of the largest value (first on ties), the way top-1 is counted everywhere in tinyforge. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
