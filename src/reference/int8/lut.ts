// int8 element-wise activations by a 256-entry lookup table (TFLite's LUT approach for LOGISTIC, TANH, …; HardSwish too): the
// float function is evaluated once per possible input at compile time.
//
// Prepare: table[q + 128] = quantize(f(dequantize(q, s_in, zp_in)), s_out, zp_out), with f the float reference of the
//   op (float32 result), dequantize float32(s_in · (q − zp_in)), quantize TFLite AffineQuantize (round half away
//   from zero, clamp to [−128, 127]).
// Per element: y = table[x + 128]. Codegen hands the same table to tfg_lut_s8, so C and reference agree to the bit.

import type { Node, OpType, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { hardSigmoidValue } from '../float/hard-sigmoid.ts';
import { hardSwishValue } from '../float/hard-swish.ts';
import { type UnaryMathOp, unaryMathValue } from '../float/unary-math.ts';
import { dequantizeValue, quantizeValue } from '../quant.ts';
import { int8Data, quantOf, requireInput } from './common.ts';

type LutOp = Extract<OpType, 'Sigmoid' | 'Tanh' | 'HardSigmoid' | 'HardSwish' | 'Exp' | 'Log'> | UnaryMathOp;

/** The float function each table-driven op applies (float32 result). */
const LUT_FUNCTIONS: { [K in LutOp]: (x: number, node: Node<K>) => number } = {
  Sigmoid: (x) => Math.fround(1 / (1 + Math.exp(-x))),
  Tanh: (x) => Math.fround(Math.tanh(x)),
  HardSigmoid: (x, n) => hardSigmoidValue(x, n.attrs.alpha, n.attrs.beta),
  HardSwish: (x) => hardSwishValue(x),
  Exp: (x) => Math.fround(Math.exp(x)),
  Log: (x) => Math.fround(Math.log(x)),
  Abs: unaryMathValue,
  Sqrt: unaryMathValue,
  Reciprocal: unaryMathValue,
  Floor: unaryMathValue,
  Ceil: unaryMathValue,
  Round: unaryMathValue,
  Sign: unaryMathValue,
  Erf: unaryMathValue,
  Sin: unaryMathValue,
  Cos: unaryMathValue,
  Elu: unaryMathValue,
  Selu: unaryMathValue,
  Celu: unaryMathValue,
  Softplus: unaryMathValue,
  Softsign: unaryMathValue,
  ThresholdedRelu: unaryMathValue,
  Mish: unaryMathValue,
  Gelu: unaryMathValue,
};

/** The lookup table of a table-driven node: entry q + 128 is the int8 output for int8 input q. A NaN (the log of a
 *  negative number) has no int8 value; it becomes −128, where log's −∞ at 0 lands too. */
export function prepareLut(node: Node, x: Tensor, y: Tensor): Int8Array {
  const f = LUT_FUNCTIONS[node.op as LutOp] as (x: number, node: Node) => number;
  const qin = quantOf(x, node);
  const qout = quantOf(y, node);
  const table = new Int8Array(256);
  for (let q = -128; q <= 127; q++) {
    const v = f(dequantizeValue(q, qin.scale, qin.zeroPoint), node);
    table[q + 128] = Number.isNaN(v) ? -128 : quantizeValue(v, qout.scale, qout.zeroPoint);
  }
  return table;
}

export function lutInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const xv = requireInput(node, inputs, 0);
  const x = int8Data(node, xv);
  const table = prepareLut(node, xv, outputs[0]);
  const y = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = table[x[i] + 128];
  return [y];
}
