// One-input element-wise math and activations: each op's float function, in float64 rounded once to float32 (the C
// kernels use the float libm functions and agree within float tolerance). The int8 lookup tables evaluate the same
// functions (src/reference/int8/lut.ts).
import type { Node, OpType } from '../../ir/graph.ts';
import type { Kernel } from '../kernel.ts';
import { mapFloat } from './support.ts';

export type UnaryMathOp = Extract<
  OpType,
  | 'Abs'
  | 'Sqrt'
  | 'Reciprocal'
  | 'Floor'
  | 'Ceil'
  | 'Round'
  | 'Sign'
  | 'Erf'
  | 'Sin'
  | 'Cos'
  | 'Elu'
  | 'Selu'
  | 'Celu'
  | 'Softplus'
  | 'Softsign'
  | 'ThresholdedRelu'
  | 'Mish'
  | 'Gelu'
>;

/** erf by its Maclaurin series, within 1e−12 for |x| < 4 (cancellation costs digits as |x| grows, far below float32's
 *  resolution); beyond, erf is ±1 in float32 (erfc(4) ≈ 1.5e−8). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (Math.abs(x) >= 4) return Math.sign(x);
  // Σ (−1)^n x^(2n+1) / (n! (2n+1)); the terms fall below 1e−17 of the sum before n = 70 for |x| < 4.
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** Round half to even (ONNX Round, C rintf in the default rounding mode). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** ln(1 + e^x) without overflow for large x. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Each op's function of one element, in float64 (the caller rounds to float32). */
const FUNCTIONS: { [K in UnaryMathOp]: (x: number, node: Node<K>) => number } = {
  Abs: (x) => Math.abs(x),
  Sqrt: (x) => Math.sqrt(x),
  Reciprocal: (x) => 1 / x,
  Floor: (x) => Math.floor(x),
  Ceil: (x) => Math.ceil(x),
  Round: (x) => roundHalfEven(x),
  Sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  Erf: (x) => erf(x),
  Sin: (x) => Math.sin(x),
  Cos: (x) => Math.cos(x),
  Elu: (x, n) => (x < 0 ? n.attrs.alpha * Math.expm1(x) : x),
  Selu: (x, n) => n.attrs.gamma * (x > 0 ? x : n.attrs.alpha * Math.expm1(x)),
  Celu: (x, n) => Math.max(0, x) + Math.min(0, n.attrs.alpha * Math.expm1(x / n.attrs.alpha)),
  Softplus: softplus,
  Softsign: (x) => x / (1 + Math.abs(x)),
  ThresholdedRelu: (x, n) => (x > n.attrs.alpha ? x : 0),
  Mish: (x) => x * Math.tanh(softplus(x)),
  Gelu: (x, n) =>
    n.attrs.approximate === 'tanh'
      ? 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)))
      : 0.5 * x * (1 + erf(x / Math.SQRT2)),
};

/** The float32 result of `node`'s function at x. */
export function unaryMathValue(x: number, node: Node): number {
  return Math.fround((FUNCTIONS[node.op as UnaryMathOp] as (x: number, node: Node) => number)(x, node));
}

export const unaryMath: Kernel = (node, [x]) => [mapFloat(x, (v) => unaryMathValue(v, node))];
