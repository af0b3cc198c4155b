// What every TFLite op converter shares: the operator being converted, and the checks on its arity, options, inputs
// and output shapes that turn a malformed file into 'bad-model-file' and an unmappable feature into UnsupportedFeature.
import type { Activation, Node, Tensor } from '../ir/graph.ts';
import { product } from '../ir/graph.ts';
import type { TfliteOperator } from './tflite-schema.ts';
import { TensorTable, UnsupportedFeature } from './tflite-tensors.ts';

export interface OpContext {
  tt: TensorTable;
  op: TfliteOperator;
  /** Name for the node(s): the first output tensor's IR name. */
  name: string;
  /** Records a weight tensor dequantized for a hybrid (float activations, int8 weights) op. */
  dequantized: string[];
}

export type Converter = (c: OpContext) => Node[];

const ACTIVATIONS: Record<number, Activation> = { 0: 'none', 1: 'relu', 3: 'relu6' };
const ACTIVATION_NAMES = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'];

export function activation(code: number): Activation {
  const a = ACTIVATIONS[code];
  if (!a) throw new UnsupportedFeature(`fused activation ${ACTIVATION_NAMES[code] ?? code} is not supported (only NONE, RELU, RELU6)`);
  return a;
}

export function checkOptions(c: OpContext, want: number, opName: string): void {
  if (c.op.optionsType !== 0 && c.op.optionsType !== want) {
    c.tt.fail(`operator ${c.op.index} (${opName}) carries builtin options of union type ${c.op.optionsType}, expected ${want}`);
  }
}

/** Input count in [min, max] and exactly `outputs` outputs (ops such as SPLIT have several). */
export function arity(c: OpContext, min: number, max: number, opName: string, outputs = 1): void {
  const n = c.op.inputs.length;
  if (n < min || n > max || c.op.outputs.length !== outputs) {
    c.tt.fail(`operator ${c.op.index} (${opName}) has ${n} inputs and ${c.op.outputs.length} outputs`);
  }
}

export function expectShape(c: OpContext, opName: string, got: number[], want: number[], output = c.name): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    c.tt.fail(`operator ${c.op.index} (${opName}) output "${output}" has shape [${got}], but its inputs give [${want}]`);
  }
}

/** A required input: -1 (absent) is only legal for optional inputs such as a bias. */
export function required(c: OpContext, i: number): string {
  const index = c.op.inputs[i];
  if (index === undefined || index === -1) c.tt.fail(`operator ${c.op.index} lacks its required input ${i}`);
  return c.tt.use(index);
}

export function tensor(c: OpContext, i: number): Tensor {
  return c.tt.tensors[required(c, i)];
}

/** The integer values of constant input i (begin/size/indices/shape/paddings). */
export function constInts(c: OpContext, i: number, opName: string, what: string): { shape: number[]; values: number[] } {
  const t = tensor(c, i);
  if (!t.data || t.dtype !== 'i32') throw new UnsupportedFeature(`${opName} with ${what} "${t.name}" that is not a constant INT32 tensor`);
  return { shape: t.shape, values: Array.from(t.data) };
}

/** A constant weight; in a hybrid op (float input, int8 weight) it is dequantized to float at import. */
export function weight(c: OpContext, i: number, opName: string, floatInput: boolean): string {
  const name = required(c, i);
  const w = c.tt.tensors[name];
  if (!w.data) throw new UnsupportedFeature(`${opName} with a non-constant weight "${name}"`);
  if (floatInput && w.dtype !== 'f32') {
    const q = w.quant;
    if (!q || w.dtype === 'i32') throw new UnsupportedFeature(`${opName} mixes float input with ${w.dtype} weight "${name}"`);
    const inner = q.axis === undefined ? w.data.length : product(w.shape.slice(q.axis + 1));
    const count = q.scale.length;
    const data = new Float32Array(w.data.length);
    for (let k = 0; k < data.length; k++) {
      const ch = q.axis === undefined ? 0 : Math.floor(k / inner) % count;
      data[k] = q.scale[ch] * (w.data[k] - q.zeroPoint[ch]);
    }
    c.tt.tensors[name] = { name, shape: w.shape, dtype: 'f32', data };
    c.dequantized.push(name);
  }
  return name;
}
