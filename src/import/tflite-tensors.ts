// Turns TFLite tensors into IR tensors on first use: dtype, unique name, constant data decoded from its buffer
// (checked against the declared shape), and quantization kept exactly (float32 scales, integer zero points).
import { TinyforgeError } from '../diagnostics.ts';
import type { DType, QuantParams, Tensor, TensorData } from '../ir/graph.ts';
import { TENSOR_TYPE_NAMES, TensorType, type TfliteModel, type TfliteSubgraph, type TfliteTensor } from './tflite-schema.ts';

/** A model feature the importer cannot map; collected per operator into one 'unsupported-op' error. */
export class UnsupportedFeature extends Error {}

const DTYPES: Record<number, { dtype: DType; bytes: number }> = {
  [TensorType.FLOAT32]: { dtype: 'f32', bytes: 4 },
  [TensorType.INT32]: { dtype: 'i32', bytes: 4 },
  [TensorType.UINT8]: { dtype: 'u8', bytes: 1 },
  [TensorType.INT8]: { dtype: 'i8', bytes: 1 },
};

/** Largest tensor we accept, in bytes: typed arrays and the C arena index with 32-bit sizes. */
const MAX_TENSOR_BYTES = 0x7fffffff;

export class TensorTable {
  /** No prototype: tensor names come from the file, and "constructor" must be a plain key. */
  readonly tensors: Record<string, Tensor> = Object.create(null);
  private readonly names = new Map<number, string>();
  private readonly taken = new Set<string>();

  constructor(
    readonly model: TfliteModel,
    readonly sg: TfliteSubgraph,
    readonly path: string,
  ) {}

  fail(what: string): never {
    throw new TinyforgeError('bad-model-file', `${this.path} is not a valid TFLite model: ${what}`, {
      location: { file: this.path },
      hint: 'the file is truncated or corrupt; re-export it with the TFLite converter',
    });
  }

  raw(index: number): TfliteTensor {
    const t = this.sg.tensors[index];
    if (!t) this.fail(`tensor index ${index} is outside the ${this.sg.tensors.length} tensors of the subgraph`);
    return t;
  }

  /** The TFLite constant bytes of a tensor, or null for an activation. */
  bufferOf(t: TfliteTensor): Uint8Array | null {
    if (t.buffer >= this.model.buffers.length) {
      this.fail(`tensor "${t.name}" refers to buffer ${t.buffer}, but the model has ${this.model.buffers.length}`);
    }
    return this.model.buffers[t.buffer].data;
  }

  isConstant(index: number): boolean {
    return this.bufferOf(this.raw(index)) !== null;
  }

  /** A name no other IR tensor uses yet. */
  fresh(base: string): string {
    let name = base || 'tensor';
    // '__proto__' would hit the object prototype instead of creating a key in Graph.tensors.
    for (let k = 1; this.taken.has(name) || name === '__proto__'; k++) name = `${base}_${k}`;
    this.taken.add(name);
    return name;
  }

  /** Registers an IR tensor created by the importer (e.g. an inserted Reshape's output). */
  add(base: string, tensor: Omit<Tensor, 'name'>): string {
    const name = this.fresh(base);
    this.tensors[name] = { name, ...tensor };
    return name;
  }

  /** The IR name of TFLite tensor `index` ('' for an absent optional input, -1), converting it on first use. */
  use(index: number): string {
    if (index === -1) return '';
    const known = this.names.get(index);
    if (known !== undefined) return known;
    const t = this.raw(index);
    const name = this.fresh(t.name || `t${index}`);
    // Convert before remembering the name: an unsupported tensor must fail again for every op that uses it.
    this.tensors[name] = this.convert(t, name);
    this.names.set(index, name);
    return name;
  }

  /** As use(), for the output of an index op (ARG_MAX): an INT32 or INT64 activation, held as int32 indices. */
  useIndex(index: number): string {
    const t = this.raw(index);
    if (t.type !== TensorType.INT32 && t.type !== TensorType.INT64)
      throw new UnsupportedFeature(`index output "${t.name}" has type ${TENSOR_TYPE_NAMES[t.type] ?? t.type}, not INT32 or INT64`);
    if (this.bufferOf(t) !== null || t.isVariable) throw new UnsupportedFeature(`index output "${t.name}" is not an activation`);
    if (this.names.has(index)) return this.names.get(index)!;
    const name = this.fresh(t.name || `t${index}`);
    this.checkShape(t, 8);
    this.tensors[name] = { name, shape: [...t.shape], dtype: 'i32' };
    this.names.set(index, name);
    return name;
  }

  private convert(t: TfliteTensor, name: string): Tensor {
    const kind = DTYPES[t.type];
    const typeName = TENSOR_TYPE_NAMES[t.type] ?? `type ${t.type}`;
    if (!kind) throw new UnsupportedFeature(`tensor "${t.name}" has type ${typeName}; tinyforge imports FLOAT32, INT8, UINT8, INT32`);
    if (t.hasSparsity) throw new UnsupportedFeature(`tensor "${t.name}" is stored sparse`);
    // Only the LSTM converter reads variable tensors (its zero initial states), and it does so without use().
    if (t.isVariable)
      throw new UnsupportedFeature(`tensor "${t.name}" is a variable (state) tensor, which only the LSTM state inputs may be`);
    const elements = this.checkShape(t, kind.bytes);
    const tensor: Tensor = { name, shape: [...t.shape], dtype: kind.dtype };
    const buf = this.bufferOf(t);
    if (buf) tensor.data = decode(buf, kind.dtype, elements, () => this.sizeMismatch(t, elements * kind.bytes, buf.length));
    const quant = this.quantOf(t);
    if (quant && kind.dtype !== 'f32') tensor.quant = quant;
    return tensor;
  }

  /** Element count after checking every dim is a non-negative integer and the total fits MAX_TENSOR_BYTES. */
  checkShape(t: TfliteTensor, elemBytes: number): number {
    let n = 1;
    for (const d of t.shape) {
      if (d < 0) this.fail(`tensor "${t.name}" has a negative dimension in shape [${t.shape}]`);
      n *= d;
    }
    if (n * elemBytes > MAX_TENSOR_BYTES) {
      this.fail(`tensor "${t.name}" declares shape [${t.shape}] (${n * elemBytes} bytes), larger than any model can hold`);
    }
    return n;
  }

  sizeMismatch(t: TfliteTensor, want: number, have: number): never {
    this.fail(`tensor "${t.name}" with shape [${t.shape}] needs ${want} bytes, but its buffer ${t.buffer} holds ${have}`);
  }

  quantOf(t: TfliteTensor): QuantParams | undefined {
    const q = t.quant;
    if (!q) return undefined;
    const zp = q.zeroPoint.length === 0 ? q.scale.map(() => 0) : q.zeroPoint;
    if (zp.length !== q.scale.length) {
      this.fail(`tensor "${t.name}" has ${q.scale.length} quantization scales but ${zp.length} zero points`);
    }
    for (const s of q.scale) {
      if (!(Number.isFinite(s) && s > 0)) this.fail(`tensor "${t.name}" has quantization scale ${s}; scales must be finite and positive`);
    }
    if (q.scale.length === 1) return { scale: [...q.scale], zeroPoint: [...zp] };
    const axis = q.quantizedDimension;
    if (axis < 0 || axis >= t.shape.length || t.shape[axis] !== q.scale.length) {
      this.fail(`tensor "${t.name}" has ${q.scale.length} per-channel scales on dimension ${axis} of shape [${t.shape}]`);
    }
    return { scale: [...q.scale], zeroPoint: [...zp], axis };
  }
}

/** Copies little-endian constant bytes into a fresh, aligned typed array of exactly `elements` values. */
function decode(buf: Uint8Array, dtype: DType, elements: number, mismatch: () => never): TensorData {
  const width = dtype === 'f32' || dtype === 'i32' ? 4 : 1;
  if (buf.length !== elements * width) mismatch();
  if (dtype === 'i8') return new Int8Array(buf.slice().buffer);
  if (dtype === 'u8') return buf.slice();
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (dtype === 'i32') {
    const out = new Int32Array(elements);
    for (let i = 0; i < elements; i++) out[i] = view.getInt32(4 * i, true);
    return out;
  }
  const out = new Float32Array(elements);
  for (let i = 0; i < elements; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/** Float16 bits → float, for folding DEQUANTIZE of fp16 weights. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}
