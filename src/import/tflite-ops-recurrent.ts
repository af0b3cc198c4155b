// TFLite UNIDIRECTIONAL_SEQUENCE_LSTM (float, or hybrid int8 weights dequantized at import) → the IR's LSTM (ONNX
// semantics): TFLite's per-gate weight and bias tensors are stacked in ONNX's gate order, a batch-major sequence is
// transposed to [T,B,I] and back, and the zero-initialised state tensors become the kernel's own zero start.
import type { Node } from '../ir/graph.ts';
import { product } from '../ir/graph.ts';
import { OptionsType, readUnidirectionalSequenceLstmOptions } from './tflite-options.ts';
import { TENSOR_TYPE_NAMES, TensorType } from './tflite-schema.ts';
import { UnsupportedFeature } from './tflite-tensors.ts';
import { arity, checkOptions, expectShape, tensor, weight, type Converter, type OpContext } from './tflite-op-context.ts';

const OP = 'UNIDIRECTIONAL_SEQUENCE_LSTM';

/** Input slots (TFLite's lstm_shared.h) per gate, listed in the IR's (ONNX's) gate order i, o, f, c. */
const GATE_ORDER = ['input', 'output', 'forget', 'cell'] as const;
const INPUT_WEIGHTS = { input: 1, forget: 2, cell: 3, output: 4 };
const RECURRENT_WEIGHTS = { input: 5, forget: 6, cell: 7, output: 8 };
const GATE_BIASES = { input: 12, forget: 13, cell: 14, output: 15 };
const OUTPUT_STATE = 18;
const CELL_STATE = 19;

/** Optional inputs that change the math and that the IR's LSTM does not have: refused when present. */
const REFUSED_INPUTS: Record<number, string> = {
  9: 'peephole weights cell_to_input_weights',
  10: 'peephole weights cell_to_forget_weights',
  11: 'peephole weights cell_to_output_weights',
  16: 'projection_weights',
  17: 'projection_bias',
  20: 'layer-norm coefficients input_layer_norm_coefficients',
  21: 'layer-norm coefficients forget_layer_norm_coefficients',
  22: 'layer-norm coefficients cell_layer_norm_coefficients',
  23: 'layer-norm coefficients output_layer_norm_coefficients',
};

/** TensorType INT16: the input of a 16x8 integer LSTM. */
const INT16 = 7;

/** ActivationFunctionType TANH: the only cell activation the IR's LSTM computes. */
const TANH = 4;

const present = (c: OpContext, i: number) => (c.op.inputs[i] ?? -1) !== -1;
const tensorName = (c: OpContext, i: number) => c.tt.raw(c.op.inputs[i]).name;

function refuseUnsupported(c: OpContext): void {
  // Full-integer LSTMs (int8 input, int16 states) are version 1 like float ones: only the input type tells them apart.
  const xType = c.tt.raw(c.op.inputs[0]).type;
  const typeName = TENSOR_TYPE_NAMES[xType] ?? `type ${xType}`;
  if (xType === TensorType.INT8 || xType === INT16)
    throw new UnsupportedFeature(
      `input "${tensorName(c, 0)}" is ${typeName}: integer-only ${OP} is not supported; ` +
        'convert the LSTM with float32 activations (a float model, or dynamic-range quantization, which keeps int8 weights); ' +
        "tinyforge's int8 quantization then runs it as an int8 LSTM with int16 state",
    );
  if (xType !== TensorType.FLOAT32) throw new UnsupportedFeature(`input "${tensorName(c, 0)}" is ${typeName}; ${OP} imports FLOAT32 input`);
  const o = readUnidirectionalSequenceLstmOptions(c.op.options);
  if (o.activation !== TANH)
    throw new UnsupportedFeature(`fused activation ${o.activation === 0 ? 'NONE' : `code ${o.activation}`} is not supported; only TANH`);
  if (o.cellClip !== 0) throw new UnsupportedFeature(`cell_clip ${o.cellClip} is not supported; convert with cell_clip 0 (no clipping)`);
  if (o.projClip !== 0) throw new UnsupportedFeature(`proj_clip ${o.projClip} is not supported; convert with proj_clip 0 (no clipping)`);
  if (o.diagonalRecurrent) throw new UnsupportedFeature('diagonal_recurrent_tensors is not supported; convert with full recurrent weights');
  if (!present(c, INPUT_WEIGHTS.input))
    throw new UnsupportedFeature('input_to_input_weights (input 1) is absent: the coupled input-forget gate (CIFG) is not supported');
  for (const [i, what] of Object.entries(REFUSED_INPUTS))
    if (present(c, Number(i))) throw new UnsupportedFeature(`${what} "${tensorName(c, Number(i))}" (input ${i}) are not supported`);
}

/** The h or c state: a variable tensor (zeros at start) or an all-zero constant; the kernel starts from zeros. */
function checkState(c: OpContext, i: number, what: string, batch: number, hidden: number): void {
  if (!present(c, i)) c.tt.fail(`operator ${c.op.index} (${OP}) lacks its ${what} (input ${i})`);
  const raw = c.tt.raw(c.op.inputs[i]);
  const dims = raw.shape;
  if (dims.length !== 2 || dims[0] !== batch || dims[1] !== hidden)
    c.tt.fail(`operator ${c.op.index} (${OP}) ${what} "${raw.name}" has shape [${dims}], expected [${batch},${hidden}]`);
  if (raw.isVariable) return;
  const bytes = c.tt.bufferOf(raw);
  if (!bytes || bytes.some((b) => b !== 0))
    throw new UnsupportedFeature(
      `${what} "${raw.name}" (input ${i}) is not a zero-initialised variable tensor; only zero initial states are supported`,
    );
}

/** The gates' tensors stacked in the IR's gate order into one float array. */
function stack(c: OpContext, slots: Record<(typeof GATE_ORDER)[number], number>, shape: number[], what: string): Float32Array {
  const size = product(shape);
  const out = new Float32Array(GATE_ORDER.length * size);
  GATE_ORDER.forEach((gate, k) => {
    const t = c.tt.tensors[weight(c, slots[gate], OP, true)];
    if (t.shape.length !== shape.length || t.shape.some((d, j) => d !== shape[j]))
      c.tt.fail(`operator ${c.op.index} (${OP}) ${gate}-gate ${what} "${t.name}" has shape [${t.shape}], expected [${shape}]`);
    out.set(t.data as Float32Array, k * size);
  });
  return out;
}

export const unidirectionalSequenceLstm: Converter = (c) => {
  arity(c, 20, 24, OP);
  checkOptions(c, OptionsType.UnidirectionalSequenceLSTMOptions, OP);
  refuseUnsupported(c);
  const { timeMajor } = readUnidirectionalSequenceLstmOptions(c.op.options);
  const x = tensor(c, 0);
  if (x.shape.length !== 3) c.tt.fail(`operator ${c.op.index} (${OP}) input "${x.name}" has shape [${x.shape}], expected rank 3`);
  const [steps, batch, inSize] = timeMajor ? x.shape : [x.shape[1], x.shape[0], x.shape[2]];
  const hidden = c.tt.raw(c.op.inputs[INPUT_WEIGHTS.forget]).shape[0] ?? 0;
  if (!(hidden >= 1)) c.tt.fail(`operator ${c.op.index} (${OP}) input_to_forget_weights give hidden size ${hidden}`);
  const w = stack(c, INPUT_WEIGHTS, [hidden, inSize], 'input weights');
  const r = stack(c, RECURRENT_WEIGHTS, [hidden, hidden], 'recurrent weights');
  // ONNX's B is Wb then Rb; TFLite has one bias per gate, so Rb is zero.
  const bias = new Float32Array(8 * hidden);
  bias.set(stack(c, GATE_BIASES, [hidden], 'bias'));
  checkState(c, OUTPUT_STATE, 'output_state', batch, hidden);
  checkState(c, CELL_STATE, 'cell_state', batch, hidden);

  const y = c.tt.tensors[c.name];
  expectShape(c, OP, y.shape, timeMajor ? [steps, batch, hidden] : [batch, steps, hidden]);
  const constant = (suffix: string, shape: number[], data: Float32Array) => c.tt.add(`${c.name}/${suffix}`, { shape, dtype: 'f32', data });
  const inputs = [
    x.name,
    constant('W', [4 * hidden, inSize], w),
    constant('R', [4 * hidden, hidden], r),
    constant('B', [8 * hidden], bias),
  ];
  const nodes: Node[] = [];
  let out = c.name;
  if (!timeMajor) {
    const xt = c.tt.add(`${c.name}/time_major_input`, { shape: [steps, batch, inSize], dtype: 'f32' });
    nodes.push({ name: xt, op: 'Transpose', inputs: [x.name], outputs: [xt], attrs: { perm: [1, 0, 2] } });
    inputs[0] = xt;
    out = c.tt.add(`${c.name}/time_major`, { shape: [steps, batch, hidden], dtype: 'f32' });
  }
  nodes.push({ name: out, op: 'LSTM', inputs, outputs: [out], attrs: { hiddenSize: hidden, reverse: false, sequenceOutput: true } });
  if (!timeMajor) nodes.push({ name: c.name, op: 'Transpose', inputs: [out], outputs: [c.name], attrs: { perm: [1, 0, 2] } });
  return nodes;
};
