// TFLite element-wise builtins that map onto existing IR ops without a kernel of their own: MUL, SUB, DIV, the RELU
// family, LEAKY_RELU, PRELU, GELU, SIGN, NEG, SQUARE, SQUARED_DIFFERENCE and RSQRT (the last four composed of
// several IR nodes).
import type { Node, Tensor } from '../ir/graph.ts';
import { OptionsType } from './tflite-options.ts';
import { UnsupportedFeature } from './tflite-tensors.ts';
import { activation, arity, checkOptions, required, tensor, type Converter, type OpContext } from './tflite-op-context.ts';

/** The fused activation in slot 0 of MulOptions / SubOptions / DivOptions (NONE when the options are absent). */
function fusedActivation(c: OpContext, optionsType: number, opName: string) {
  checkOptions(c, optionsType, opName);
  return activation(c.op.options?.int8(0, 0) ?? 0);
}

/** MUL / SUB: two inputs broadcast NumPy-style, a fused NONE / RELU / RELU6; int8 on the int8 kernels. */
export function mulSub(op: 'Mul' | 'Sub', opName: string, optionsType: number): Converter {
  return (c) => {
    arity(c, 2, 2, opName);
    const act = fusedActivation(c, optionsType, opName);
    return [{ name: c.name, op, inputs: [required(c, 0), required(c, 1)], outputs: [c.name], attrs: { activation: act } }];
  };
}

/** A float intermediate tensor shaped like the operator's output (composed builtins). */
function floatTemp(c: OpContext, what: string, like: Tensor): string {
  return c.tt.add(`${c.name}/${what}`, { shape: [...like.shape], dtype: 'f32' });
}

/** Refuses int8 for a builtin composed of several float IR nodes. */
function floatOnly(c: OpContext, opName: string, ...inputs: Tensor[]): void {
  if (inputs.some((t) => t.dtype !== 'f32')) throw new UnsupportedFeature(`${opName} on ${inputs[0].dtype} tensors (float only)`);
}

/** DIV: Div, then its fused RELU / RELU6 as a node of its own (the IR Div has no fused activation). */
export const div: Converter = (c) => {
  arity(c, 2, 2, 'DIV');
  const act = fusedActivation(c, OptionsType.DivOptions, 'DIV');
  const inputs = [required(c, 0), required(c, 1)];
  if (act === 'none') return [{ name: c.name, op: 'Div', inputs, outputs: [c.name], attrs: {} }];
  const q = floatTemp(c, 'quotient', c.tt.tensors[c.name]);
  const fused: Node =
    act === 'relu'
      ? { name: c.name, op: 'Relu', inputs: [q], outputs: [c.name], attrs: {} }
      : { name: c.name, op: 'Clip', inputs: [q], outputs: [c.name], attrs: { min: 0, max: 6 } };
  return [{ name: `${c.name}/div`, op: 'Div', inputs, outputs: [q], attrs: {} }, fused];
};

/** RELU → Relu; RELU6, RELU_N1_TO_1, RELU_0_TO_1 → Clip to their range. */
export function relu(opName: string, range?: [number, number]): Converter {
  return (c) => {
    arity(c, 1, 1, opName);
    const x = required(c, 0);
    if (!range) return [{ name: c.name, op: 'Relu', inputs: [x], outputs: [c.name], attrs: {} }];
    return [{ name: c.name, op: 'Clip', inputs: [x], outputs: [c.name], attrs: { min: range[0], max: range[1] } }];
  };
}

/** LEAKY_RELU: alpha from LeakyReluOptions (float only: the IR LeakyRelu has no int8 kernel). */
export const leakyRelu: Converter = (c) => {
  arity(c, 1, 1, 'LEAKY_RELU');
  checkOptions(c, OptionsType.LeakyReluOptions, 'LEAKY_RELU');
  const alpha = c.op.options?.float32(0, 0) ?? 0;
  if (!Number.isFinite(alpha)) c.tt.fail(`operator ${c.op.index} (LEAKY_RELU) has alpha ${alpha}`);
  return [{ name: c.name, op: 'LeakyRelu', inputs: [required(c, 0)], outputs: [c.name], attrs: { alpha } }];
};

/** PRELU: input 1 is the slope, broadcast to the input (one value per channel, usually). */
export const prelu: Converter = (c) => {
  arity(c, 2, 2, 'PRELU');
  return [{ name: c.name, op: 'PRelu', inputs: [required(c, 0), required(c, 1)], outputs: [c.name], attrs: {} }];
};

/** GELU: approximate (GeluOptions slot 0) picks the tanh form; int8 on the lookup table. */
export const gelu: Converter = (c) => {
  arity(c, 1, 1, 'GELU');
  checkOptions(c, OptionsType.GeluOptions, 'GELU');
  const approximate = c.op.options?.bool(0, false) ? 'tanh' : 'none';
  return [{ name: c.name, op: 'Gelu', inputs: [required(c, 0)], outputs: [c.name], attrs: { approximate } }];
};

/** SIGN → Sign. */
export const sign: Converter = (c) => {
  arity(c, 1, 1, 'SIGN');
  return [{ name: c.name, op: 'Sign', inputs: [required(c, 0)], outputs: [c.name], attrs: {} }];
};

/** NEG: x · −1 (float). */
export const neg: Converter = (c) => {
  arity(c, 1, 1, 'NEG');
  const x = tensor(c, 0);
  floatOnly(c, 'NEG', x);
  const minusOne = c.tt.add(`${c.name}/minus_one`, { shape: [1], dtype: 'f32', data: Float32Array.of(-1) });
  return [{ name: c.name, op: 'Mul', inputs: [x.name, minusOne], outputs: [c.name], attrs: { activation: 'none' } }];
};

/** SQUARE: x · x (int8 on the Mul kernel: both factors share the input's quantization). */
export const square: Converter = (c) => {
  arity(c, 1, 1, 'SQUARE');
  const x = required(c, 0);
  return [{ name: c.name, op: 'Mul', inputs: [x, x], outputs: [c.name], attrs: { activation: 'none' } }];
};

/** SQUARED_DIFFERENCE: (a − b)², as Sub then Mul (float). */
export const squaredDifference: Converter = (c) => {
  arity(c, 2, 2, 'SQUARED_DIFFERENCE');
  const [a, b] = [tensor(c, 0), tensor(c, 1)];
  floatOnly(c, 'SQUARED_DIFFERENCE', a, b);
  const d = floatTemp(c, 'difference', c.tt.tensors[c.name]);
  return [
    { name: `${c.name}/sub`, op: 'Sub', inputs: [a.name, b.name], outputs: [d], attrs: { activation: 'none' } },
    { name: c.name, op: 'Mul', inputs: [d, d], outputs: [c.name], attrs: { activation: 'none' } },
  ];
};

/** RSQRT: 1 / sqrt(x) as Sqrt then Reciprocal. An int8 RSQRT computes them in float between a Dequantize and a Quantize
 *  to the output's quantization, so each value is rounded once (two int8 lookup tables would round twice). */
export const rsqrt: Converter = (c) => {
  arity(c, 1, 1, 'RSQRT');
  const x = tensor(c, 0);
  const y = c.tt.tensors[c.name];
  if (x.dtype !== y.dtype) c.tt.fail(`operator ${c.op.index} (RSQRT) reads ${x.dtype} and writes ${y.dtype}`);
  const int8 = x.dtype === 'i8';
  if (!int8 && x.dtype !== 'f32') throw new UnsupportedFeature(`RSQRT on ${x.dtype} tensors`);
  const xf = int8 ? floatTemp(c, 'dequantized', x) : x.name;
  const root = floatTemp(c, 'sqrt', x);
  const inv = int8 ? floatTemp(c, 'rsqrt', x) : c.name;
  const nodes: Node[] = [
    { name: `${c.name}/sqrt`, op: 'Sqrt', inputs: [xf], outputs: [root], attrs: {} },
    { name: int8 ? `${c.name}/reciprocal` : c.name, op: 'Reciprocal', inputs: [root], outputs: [inv], attrs: {} },
  ];
  if (!int8) return nodes;
  return [
    { name: `${c.name}/dequantize`, op: 'Dequantize', inputs: [x.name], outputs: [xf], attrs: {} },
    ...nodes,
    { name: c.name, op: 'Quantize', inputs: [inv], outputs: [c.name], attrs: {} },
  ];
};
