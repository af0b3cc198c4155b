// "Where" a model runs, as one function: preprocessed float input → class scores. The robustness report and the
// query attack only see this function, so the same code measures the float model, the int8 model on the host
// reference interpreter, and the int8 model on a board over the serial link.
import { tf } from '../train/tf.ts';
import type { Graph, TensorData } from '../ir/graph.ts';
import { runGraph } from '../reference/interpreter.ts';
import { attackTarget, logitsOf, type AttackTarget } from './attack.ts';
import type { InputDomain } from './input-domain.ts';

/** One sample (flat, preprocessed, NHWC) → scores (probabilities or logits; only their order and margins matter). */
export type Classifier = (x: Float32Array) => Promise<Float32Array>;

/** float → int8 with the tensor's quantization, as TFLite's Quantize and src/reference/model-input.ts do
 *  (round half away from zero, clamp). */
export function quantizeForInput(x: Float32Array, scale: number, zeroPoint: number): Int8Array {
  const q = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = Math.sign(x[i]! / scale) * Math.round(Math.abs(x[i]! / scale)) + zeroPoint;
    q[i] = Math.max(-128, Math.min(127, v));
  }
  return q;
}

/** The scores of a graph output as floats (int8 outputs are dequantized). */
export function outputScores(g: Graph, out: TensorData): Float32Array {
  const t = g.tensors[g.outputs[0]!]!;
  if (t.dtype === 'i8' && t.quant) {
    const s = t.quant.scale[0]!;
    const z = t.quant.zeroPoint[0]!;
    return Float32Array.from(out as Int8Array, (v) => (v - z) * s);
  }
  return Float32Array.from(out as ArrayLike<number>);
}

/** The graph's input bytes for a preprocessed sample: int8 when the input is quantized, else float32. */
export function inputTensorFor(g: Graph, x: Float32Array): TensorData {
  const t = g.tensors[g.inputs[0]!]!;
  if (t.dtype === 'i8' && t.quant) return quantizeForInput(x, t.quant.scale[0]!, t.quant.zeroPoint[0]!);
  return x;
}

/** The host reference interpreter (float or int8 graph; int8 is bit-exact with the C kernels). */
export function referenceClassifier(g: Graph): Classifier {
  return async (x) => outputScores(g, runGraph(g, { [g.inputs[0]!]: inputTensorFor(g, x) }).outputs[g.outputs[0]!]!);
}

/** A float graph through tfjs (same math as the reference, much faster); returns logits. Dispose when done. */
export function tfjsClassifier(g: Graph, domain: InputDomain): Classifier & { target: AttackTarget; dispose(): void } {
  const target = attackTarget(g, domain);
  const shape = domain.shape.slice(1);
  const classify = (async (x: Float32Array) =>
    tf.tidy(() => logitsOf(target, tf.tensor(x, [1, ...shape])).dataSync() as Float32Array)) as Classifier & {
    target: AttackTarget;
    dispose(): void;
  };
  classify.target = target;
  classify.dispose = () => target.dispose();
  return classify;
}

/** What a device classifier needs from a running board: `run(inputBytes) → { output bytes }` (DeviceSession has it). */
export interface DeviceRunner {
  run(input: Uint8Array): Promise<{ status: number; output: Uint8Array }>;
}

/** The compiled graph `g` running on a device: inputs are quantized/encoded like the firmware expects, outputs decoded. */
export function deviceClassifier(device: DeviceRunner, g: Graph): Classifier {
  const outT = g.tensors[g.outputs[0]!]!;
  return async (x) => {
    const input = inputTensorFor(g, x);
    const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    const r = await device.run(bytes);
    if (r.status !== 0) throw new Error(`device run returned status ${r.status}`);
    const out = r.output;
    const data: TensorData =
      outT.dtype === 'i8' ? new Int8Array(out.buffer, out.byteOffset, out.byteLength) : new Float32Array(out.slice().buffer);
    return outputScores(g, data);
  };
}
