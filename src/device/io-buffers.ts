// The one input blob a device takes and the one output blob it returns, for models with any number of inputs and
// outputs: each tensor at its slot in the packing the generated C uses (codegen/io-layout.ts).
import { ioLayout } from '../codegen/io-layout.ts';
import type { DType, Graph, TensorData } from '../ir/graph.ts';

export const bytesOf = (d: TensorData): Uint8Array => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** Reinterprets little-endian bytes (every target here is little-endian) as a tensor of `dtype`. */
export function tensorValues(dtype: DType, bytes: Uint8Array): TensorData {
  const buf = bytes.slice().buffer;
  switch (dtype) {
    case 'f32':
      return new Float32Array(buf);
    case 'i8':
      return new Int8Array(buf);
    case 'i32':
      return new Int32Array(buf);
    default:
      return new Uint8Array(buf);
  }
}

/** All of g's inputs in one buffer, each at its slot (the layout of TFG_MODEL_INPUT<k>_OFFSET). */
export function packInputs(g: Graph, inputs: Record<string, TensorData>): Uint8Array {
  const layout = ioLayout(g);
  const blob = new Uint8Array(layout.inputBytes);
  for (const slot of layout.inputs) blob.set(bytesOf(inputs[slot.tensor]).subarray(0, slot.bytes), slot.offset);
  return blob;
}

/** Splits a device's output buffer into g's outputs (the layout of TFG_MODEL_OUTPUT<k>_OFFSET). */
export function splitOutputs(g: Graph, blob: Uint8Array): Record<string, TensorData> {
  const layout = ioLayout(g);
  return Object.fromEntries(
    layout.outputs.map((slot) => [
      slot.tensor,
      tensorValues(g.tensors[slot.tensor].dtype, blob.subarray(slot.offset, slot.offset + slot.bytes)),
    ]),
  );
}
