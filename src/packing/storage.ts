// The IR's storage kinds (Tensor.storage) as flash holds them: which constants are packed, and their arrays as data
// (element type and values; codegen/packing/weight-decl.ts writes them as C, flash-bytes.ts counts them).
// The IR's `data` stays the truth: every packed array is checked to decode to exactly those values, so the C result
// equals the reference interpreter's (bit for bit on int8 paths). A storage the packed kernels cannot serve (another
// consumer op, an unsupported dtype, a too-long conv row) is never emitted dense behind the recipe's back: codegen
// refuses it (storageProblems, code storage-not-deployable), naming the layer and the combination.
import { TinyforgeError } from '../diagnostics.ts';
import { product, type Graph, type Node, type Storage, type Tensor } from '../ir/graph.ts';
import { f32ToHalfBits, halfBitsToF32, roundToHalf } from './bits.ts';
import {
  codebookBytes,
  encodeWeightStream,
  HUFF_HALF_BIAS,
  HUFF_HALF_CODEBOOK,
  HUFF_INT8_CODEBOOK,
  HUFF_ONE_SCALE,
  HUFF_PAIR_SHIFT,
  huffScratchBytes,
  pairTableBits,
  int8CodebookBytes,
  streamArray,
  type WeightStream,
} from './huffman-stream.ts';

/** TFG_XNOR_WORDS_MAX (firmware/include/tfg_kernels.h; test/firmware/shared-constants.test.ts compares them). */
export const XNOR_WORDS_MAX = 64;
/** TFG_HUFF_ROW_MAX (firmware/include/tfg_kernels.h; test/firmware/shared-constants.test.ts compares them). */
export const HUFF_ROW_MAX = 1152; // 3·3·128: any 3x3 conv up to 128 input channels

export type PackedKind = 'f16' | 'int4' | 'binary' | 'clustered';

/** A Dense/Conv2D computing on sign(x) (XNOR kernels). */
export const isXnor = (n: Node): boolean => (n.op === 'Dense' || n.op === 'Conv2D') && Boolean(n.attrs.binarizeInput);

/** Why a storage is emitted dense, or undefined when it is packed. */
export function packingProblem(g: Graph, name: string): string | undefined {
  const t = g.tensors[name];
  const s = t?.storage;
  if (!s || s.kind === 'dense' || !t.data) return 'no packed storage';
  const users = g.nodes.filter((n) => n.inputs.includes(name));
  for (const n of users) {
    if ((n.op !== 'Dense' && n.op !== 'Conv2D') || n.inputs.indexOf(name) !== 1 || n.inputs.lastIndexOf(name) !== 1) {
      return `node "${n.name}" (${n.op}) reads it other than as Dense/Conv2D weights`;
    }
    const x = g.tensors[n.inputs[0]];
    if (isXnor(n)) {
      if (s.kind !== 'binary' || t.dtype !== 'f32' || x.dtype !== 'f32') return `a binarized-input ${n.op} needs float binary (±α) weights`;
      if (n.op === 'Conv2D' && n.attrs.groups !== 1) return 'a binarized-input Conv2D must have groups = 1';
      const row = product(t.shape.slice(1));
      if (Math.ceil(row / 32) > XNOR_WORDS_MAX) return `rows of ${row} weights exceed TFG_XNOR_WORDS_MAX (${XNOR_WORDS_MAX} words)`;
    }
    if (users.some(isXnor) && !users.every(isXnor)) {
      return 'shared by binarized-input and other layers (the two kernels pack the bits differently)';
    }
    if (s.kind === 'int4' && (t.dtype !== 'i8' || x.dtype !== 'i8')) return 'int4 storage needs an int8 layer';
    if (s.kind === 'f16' && (t.dtype !== 'f32' || x.dtype !== 'f32')) return 'f16 storage needs a float layer';
    if (s.kind === 'binary' && t.dtype !== x.dtype) return 'binary weights and activations must both be float or int8';
    if (s.kind === 'binary' && t.dtype === 'i8' && !int8Magnitudes(t)) return 'int8 weights are not ±m per output channel';
    if (s.kind === 'clustered') {
      if (t.dtype !== x.dtype || (t.dtype !== 'f32' && t.dtype !== 'i8'))
        return `clustered ${t.dtype} weights in a layer with ${x.dtype} activations (the Huffman kernels take float or int8 on both)`;
      if (s.codebook.length > 256) return 'more than 256 clusters';
      if (n.op === 'Conv2D') {
        const row = product(t.shape.slice(1));
        if (row > HUFF_ROW_MAX) return `conv row of ${row} weights exceeds TFG_HUFF_ROW_MAX (${HUFF_ROW_MAX})`;
        if (t.dtype === 'f32' && s.sparse && s.codebook.length > 255)
          return 'sparse float conv streams need ≤ 255 clusters (255 marks zeros)';
      }
    }
  }
  return users.length ? undefined : 'not read by any node';
}

export function isPacked(g: Graph, name: string): boolean {
  return packingProblem(g, name) === undefined;
}

/** How a constant is deployed, as report.json names it: dense-f32 / dense-int8 / dense-int32, f16, int4, binary
 *  (float α) / binary-int8, huffman-f32 / huffman-f16 (half codebook) / huffman-int8, or clustered-* (fixed-length codes). */
export function deployedFormat(g: Graph, name: string): string {
  const t = g.tensors[name];
  const dtype = { f32: 'f32', i8: 'int8', i32: 'int32', u8: 'uint8' }[t.dtype];
  const s = t.storage;
  if (!s || s.kind === 'dense' || !isPacked(g, name)) return `dense-${dtype}`;
  if (s.kind === 'binary') return t.dtype === 'i8' ? 'binary-int8' : 'binary';
  if (s.kind === 'clustered') return `${s.huffman ? 'huffman' : 'clustered'}-${t.dtype === 'i8' ? 'int8' : s.half ? 'f16' : 'f32'}`;
  return s.kind;
}

/** Storage kinds, as errors word them, with the weights' dtype: "clustered (int8 codebook)", "f16", … */
function storageLabel(t: Tensor): string {
  const s = t.storage!;
  if (s.kind === 'clustered')
    return `clustered${s.huffman ? ' + Huffman' : ''} (${t.dtype === 'i8' ? 'int8' : s.half ? 'half' : 'float'} codebook)`;
  return `${s.kind} (${t.dtype} values)`;
}

export interface StorageProblem {
  tensor: string;
  /** The first layer reading the tensor. */
  node: string;
  op: string;
  /** "<storage> weights in a <dtype> <op>: <why>". */
  combination: string;
}

/** Every constant whose storage (set by a recipe step) no packed kernel can serve as it stands: codegen refuses these
 *  (storage-not-deployable) rather than emitting them dense. A storage on a constant no node reads is not a problem. */
export function storageProblems(g: Graph): StorageProblem[] {
  const out: StorageProblem[] = [];
  for (const t of Object.values(g.tensors)) {
    if (!t.storage || t.storage.kind === 'dense' || !t.data) continue;
    const users = g.nodes.filter((n) => n.inputs.includes(t.name));
    if (users.length === 0) continue;
    const why = packingProblem(g, t.name);
    if (!why) continue;
    const n = users[0];
    const x = g.tensors[n.inputs[0]];
    out.push({
      tensor: t.name,
      node: n.name,
      op: n.op,
      combination: `${storageLabel(t)} weights in ${x?.dtype === 'i8' ? 'an int8' : x?.dtype === 'f32' ? 'a float' : `a ${x?.dtype}`} ${n.op}: ${why}`,
    });
  }
  return out;
}

/** Do all output channels of an int8 weight share one scale? (Then one requantization multiplier serves them all.) */
export function sharesOneScale(t: Tensor): boolean {
  const sc = t.quant?.scale ?? [];
  return sc.length > 0 && sc.every((v) => v === sc[0]);
}

function mismatch(t: Tensor, what: string): TinyforgeError {
  return new TinyforgeError('storage-mismatch', `tensor "${t.name}": its ${t.storage?.kind} storage does not hold its values (${what})`, {
    location: { field: `tensor "${t.name}"` },
    hint: 'a pass set Tensor.storage without making Tensor.data match it; rerun the pass that set the storage',
  });
}

/** C element types of flash arrays, with their sizes on the target. */
export const FLASH_CTYPE_BYTES = { uint8_t: 1, uint16_t: 2, uint32_t: 4, int32_t: 4, float: 4 } as const;
export type FlashCType = keyof typeof FLASH_CTYPE_BYTES;

/** One 4-byte aligned flash array of a packed constant (unsigned types are written in hex, the others as exact literals). */
export interface FlashArray {
  /** Appended to the constant's C identifier: '' for the main array, e.g. '_alpha' for binary magnitudes. */
  suffix: string;
  ctype: FlashCType;
  values: ArrayLike<number>;
  /** Values per line in the C source. */
  perLine: number;
}

/** The tfg_huff_stream descriptor of a clustered constant (firmware/include/tfg_kernels.h), beside its byte array. */
export interface HuffDescriptor {
  bytes: number;
  bits: number;
  crc32: number;
  count: number;
  maxIndex: number;
  gapEscape: number;
  tableBits: number;
  flags: number;
  /** What the byte array holds, in order (for a comment beside it). */
  layout: string;
}

const arr = (suffix: string, ctype: FlashCType, values: ArrayLike<number>, perLine = 16): FlashArray => ({
  suffix,
  ctype,
  values,
  perLine,
});

/** Output-channel count and per-channel row length of a Dense [out,in] or Conv2D OHWI weight. */
const rows = (t: Tensor) => ({ out: t.shape[0], row: product(t.shape) / t.shape[0] });

/** Per-output-channel magnitudes m of int8 weights that are all ±m, else undefined. An int8 layer's binary storage is
 *  read from its data (PTQ of ±alpha weights gives ±127 with scale alpha/127, whatever alpha the float storage held). */
export function int8Magnitudes(t: Tensor): number[] | undefined {
  const { out, row } = rows(t);
  const d = t.data!;
  const m: number[] = [];
  for (let o = 0; o < out; o++) {
    const a = Math.abs(d[o * row]);
    for (let i = 1; i < row; i++) if (Math.abs(d[o * row + i]) !== a) return undefined;
    m.push(a);
  }
  return m;
}

/** sizeof(tfg_huff_reader) on a 32-bit target (firmware/include/tfg_huff.h): a pointer and four 32-bit fields
 *  (test/firmware/shared-constants.test.ts). */
export const HUFF_READER_BYTES = 20;
/** The decoders' uint16 counts[32] of code lengths, on their stack. */
const HUFF_COUNTS_BYTES = 64;

/** Is constant `name` the weights of a Conv2D? */
const convReads = (g: Graph, name: string): boolean => g.nodes.some((n) => n.op === 'Conv2D' && n.inputs[1] === name);

export interface PackedWeight {
  kind: PackedKind;
  arrays: FlashArray[];
  descriptor?: HuffDescriptor;
  /** Bytes of the arrays' values and the descriptor, before alignment padding (flash-bytes.ts adds it). */
  bytes: number;
  /** RAM the layer's decoder needs besides the kernel's scalars: the Huffman reader and code counts (stack), the codebook
   *  as floats, the codes' tables and a conv kernel's row (its scratch in the arena); or the XNOR kernel's sign words
   *  (scratch). 0 for the other kinds. */
  decoderRamBytes: number;
  /** Clustered layers: the encoded stream (for reports, and the decoder's scratch). */
  stream?: WeightStream;
}

function packF16(t: Tensor): PackedWeight {
  const d = t.data as Float32Array;
  const h = new Uint16Array(d.length);
  for (let i = 0; i < d.length; i++) {
    h[i] = f32ToHalfBits(d[i]);
    if (Math.fround(halfBitsToF32(h[i])) !== d[i] && !Number.isNaN(d[i])) throw mismatch(t, `value ${d[i]} at ${i} is not a half`);
  }
  return { kind: 'f16', arrays: [arr('', 'uint16_t', h)], bytes: h.length * 2, decoderRamBytes: 0 };
}

function packInt4(t: Tensor): PackedWeight {
  const d = t.data as Int8Array;
  const b = new Uint8Array(Math.ceil(d.length / 2));
  for (let i = 0; i < d.length; i++) {
    if (d[i] < -8 || d[i] > 7) throw mismatch(t, `value ${d[i]} at ${i} is outside [-8, 7]`);
    b[i >> 1] |= (d[i] & 0x0f) << ((i & 1) * 4);
  }
  return { kind: 'int4', arrays: [arr('', 'uint8_t', b)], bytes: b.length, decoderRamBytes: 0 };
}

/** Sign bits of binary weights: flat (bit j of the weights = word j/32), or with each row starting on a word boundary
 *  (`rowAligned`, the XNOR kernel's layout: row o = words o·⌈row/32⌉ …, padding bits 0). */
function packBinary(t: Tensor, s: Extract<Storage, { kind: 'binary' }>, rowAligned: boolean, conv: boolean): PackedWeight {
  const { out, row } = rows(t);
  const d = t.data!;
  const isFloat = t.dtype === 'f32';
  const alpha = isFloat ? s.alpha : int8Magnitudes(t)!;
  if (alpha.length !== out) throw mismatch(t, `${s.alpha.length} alphas for ${out} output channels`);
  const rowWords = Math.ceil(row / 32);
  const words = new Uint32Array(rowAligned ? out * rowWords : Math.ceil(d.length / 32));
  for (let i = 0; i < d.length; i++) {
    const o = Math.floor(i / row);
    const a = isFloat ? Math.fround(alpha[o]) : alpha[o];
    const bit = rowAligned ? o * rowWords * 32 + (i - o * row) : i;
    if (d[i] === a) words[bit >> 5] |= 1 << (bit & 31);
    else if (d[i] !== -a) throw mismatch(t, `value ${d[i]} at ${i} is not ±${a}`);
  }
  const alphaArray = isFloat ? arr('_alpha', 'float', alpha, 8) : arr('_alpha', 'int32_t', alpha);
  return {
    kind: 'binary',
    arrays: [arr('', 'uint32_t', words, 8), alphaArray],
    bytes: words.length * 4 + out * 4,
    decoderRamBytes: rowAligned ? xnorScratchBytes(row, conv) : 0,
  };
}

/** The bias a half-clustered weight's stream holds (its one consumer's f32 bias, read by nothing else), if any: codegen
 *  passes NULL for it and it takes no flash of its own. */
export function foldedBias(g: Graph, weight: string): string | undefined {
  const s = g.tensors[weight]?.storage;
  if (s?.kind !== 'clustered' || !s.half || g.tensors[weight].dtype !== 'f32' || !isPacked(g, weight)) return undefined;
  const users = g.nodes.filter((n) => n.inputs.includes(weight));
  const b = users.length === 1 ? users[0].inputs[2] : undefined;
  const t = b ? g.tensors[b] : undefined;
  if (!b || !t?.data || t.dtype !== 'f32' || t.storage) return undefined;
  return g.nodes.every((n) => n === users[0] || !n.inputs.includes(b)) ? b : undefined;
}

/** Is `name` a bias held in a clustered weight's stream (foldedBias)? */
export function isFoldedBias(g: Graph, name: string): boolean {
  return g.nodes.some((n) => n.inputs[2] === name && foldedBias(g, n.inputs[1]) === name);
}

/** Scratch bytes of an XNOR kernel for rows of `row` weights: the input's sign words (dense), signs and mask (conv), as
 *  tfg_dense_f32_xnor_scratch_bytes / tfg_conv2d_f32_xnor_scratch_bytes compute them. */
export function xnorScratchBytes(row: number, conv: boolean): number {
  return (conv ? 8 : 4) * Math.ceil(row / 32);
}

/** The bit stream a clustered constant is packed into (what its kernel decodes), or undefined when it is not packed
 *  clustered. Encoding a large layer takes a while: generateModel encodes each once (WeightTable.stream). */
export function clusteredStream(g: Graph, name: string): WeightStream | undefined {
  const t = g.tensors[name];
  const s = t?.storage;
  if (s?.kind !== 'clustered' || !isPacked(g, name)) return undefined;
  return encodeWeightStream(indicesOf(s), t.data!, { codebookN: s.codebook.length, sparse: !!s.sparse, huffman: s.huffman });
}

/** RAM of a Huffman decoder: the reader and code counts on its stack, its scratch (huffScratchBytes) in the arena. */
function huffDecoderRam(st: WeightStream, floatCodebook: boolean, convRow: number, denseInputs: number): number {
  return HUFF_READER_BYTES + HUFF_COUNTS_BYTES + huffScratchBytes(st, floatCodebook, convRow, denseInputs);
}

function packClustered(
  g: Graph,
  t: Tensor,
  stored: Extract<Storage, { kind: 'clustered' }>,
  convRow: number,
  stream?: WeightStream,
): PackedWeight {
  if (t.dtype === 'i8') return packClusteredInt8(t, stored, convRow, stream);
  const d = t.data as Float32Array;
  const s = { ...stored, indices: indicesOf(stored) };
  if (s.indices.length !== d.length) throw mismatch(t, `${s.indices.length} indices for ${d.length} weights`);
  for (let i = 0; i < d.length; i++) {
    if (s.sparse && d[i] === 0) continue;
    const c = s.codebook[s.indices[i]];
    if (c === undefined || Math.fround(c) !== d[i]) throw mismatch(t, `weight ${i} = ${d[i]} but its cluster ${s.indices[i]} is ${c}`);
  }
  const half = !!s.half;
  if (half)
    s.codebook.forEach((c, i) => {
      if (roundToHalf(c) !== Math.fround(c)) throw mismatch(t, `cluster ${i} = ${c} is not a half`);
    });
  const biasName = foldedBias(g, t.name);
  const bias = biasName ? (g.tensors[biasName].data as Float32Array) : undefined;
  if (bias)
    bias.forEach((b, i) => {
      if (roundToHalf(b) !== b) throw mismatch(t, `bias ${i} of "${biasName}" = ${b} is not a half`);
    });
  const st = stream ?? encodeWeightStream(s.indices, d, { codebookN: s.codebook.length, sparse: !!s.sparse, huffman: s.huffman });
  const head = codebookBytes(s.codebook, half, bias);
  const flags = (half ? HUFF_HALF_CODEBOOK : 0) | (bias ? HUFF_HALF_BIAS : 0);
  const codebook = `codebook (${s.codebook.length} × ${half ? 'half' : 'float'})${bias ? `, ${bias.length} half biases` : ''}`;
  return huffPacked(st, head, flags, codebook, s.codebook.length, true, convRow);
}

/** A graph read back from JSON (src/ir/serialize.ts) may hold indices as a plain object: accept any array-like. */
function indicesOf(s: Extract<Storage, { kind: 'clustered' }>): Uint8Array {
  return s.indices instanceof Uint8Array ? s.indices : Uint8Array.from(Object.values(s.indices as unknown as Record<string, number>));
}

/** int8 clustered weights: the codebook holds the int8 values themselves (flag HUFF_INT8_CODEBOOK; the int8 kernels read
 *  it in place and compute exactly as tfg_*_s8 on `data`), int32 biases stay their own array. */
function packClusteredInt8(t: Tensor, s: Extract<Storage, { kind: 'clustered' }>, convRow: number, stream?: WeightStream): PackedWeight {
  const d = t.data as Int8Array;
  const indices = indicesOf(s);
  if (indices.length !== d.length) throw mismatch(t, `${indices.length} indices for ${d.length} weights`);
  s.codebook.forEach((c, i) => {
    if (!Number.isInteger(c) || c < -128 || c > 127) throw mismatch(t, `int8 cluster ${i} = ${c} is not an int8 value`);
  });
  for (let i = 0; i < d.length; i++) {
    if (s.sparse && d[i] === 0) continue;
    if (s.codebook[indices[i]] !== d[i])
      throw mismatch(t, `weight ${i} = ${d[i]} but its cluster ${indices[i]} is ${s.codebook[indices[i]]}`);
  }
  const st = stream ?? encodeWeightStream(indices, d, { codebookN: s.codebook.length, sparse: !!s.sparse, huffman: s.huffman });
  const head = int8CodebookBytes(s.codebook);
  const flags = HUFF_INT8_CODEBOOK | (sharesOneScale(t) ? HUFF_ONE_SCALE : 0);
  // The codebook is read in place from flash: the scratch holds the codes' tables (+ the conv row).
  // The int8 Dense kernel (no conv row) also keeps its input row, offset added, as int16 in the scratch.
  const denseInputs = convRow === 0 ? d.length / t.shape[0] : 0;
  return huffPacked(st, head, flags, `codebook (${s.codebook.length} × int8)`, s.codebook.length, false, convRow, denseInputs);
}

/** One flash array (`head` then the stream) behind its tfg_huff_stream descriptor. `copiesCodebook`: the kernel copies
 *  the codebook into its scratch (float kernels) rather than reading it in place (int8). */
function huffPacked(
  st: WeightStream,
  head: Uint8Array,
  flags: number,
  codebook: string,
  codebookN: number,
  copiesCodebook: boolean,
  convRow: number,
  denseInputs = 0,
): PackedWeight {
  const { bytes, crc32 } = streamArray(st, head);
  const descriptor: HuffDescriptor = {
    bytes: bytes.length,
    bits: st.bits,
    crc32,
    count: st.count,
    maxIndex: codebookN - 1,
    gapEscape: st.gapEscape,
    tableBits: st.indexTable.bits | ((st.gapTable?.bits ?? 0) << 4),
    flags: flags | (pairTableBits(st, copiesCodebook, convRow) << HUFF_PAIR_SHIFT),
    layout: `${codebook}, index code lengths${st.gap ? ', gap code lengths' : ''}, ${st.bits}-bit stream`,
  };
  return {
    kind: 'clustered',
    arrays: [arr('', 'uint8_t', bytes)],
    descriptor,
    bytes: head.length + st.data.length + st.tableBytes,
    stream: st,
    decoderRamBytes: huffDecoderRam(st, copiesCodebook, convRow, denseInputs),
  };
}

/** The flash arrays of a packed constant, or undefined when it is stored dense. `stream`: its clustered stream when
 *  already encoded (clusteredStream), so it is not encoded twice. */
export function packWeight(g: Graph, name: string, stream?: WeightStream): PackedWeight | undefined {
  if (!isPacked(g, name)) return undefined;
  const t = g.tensors[name];
  const s = t.storage!;
  switch (s.kind) {
    case 'f16':
      return packF16(t);
    case 'int4':
      return packInt4(t);
    case 'binary':
      return packBinary(
        t,
        s,
        g.nodes.some((n) => n.inputs[1] === name && isXnor(n)),
        convReads(g, name),
      );
    case 'clustered':
      return packClustered(g, t, s, convReads(g, name) ? product(t.shape.slice(1)) : 0, stream);
    default:
      return undefined;
  }
}
