// Encodes one layer's clustered weights as the bit stream tfg_dense_f32_huff / tfg_conv2d_f32_huff decode:
// canonical Huffman (or fixed-length) codes over cluster indices, and over the gaps between stored weights when the
// layer is stored sparsely (zeros skipped). The gap code width is chosen per layer to minimise stream + tables + decode time.
import { canonicalCode, codedBits, fixedLengths, huffmanLengths, type CanonicalCode } from './huffman-code.ts';
import { BitWriter, crc32, f32ToHalfBits } from './bits.ts';
import {
  choosePairBits,
  chooseTableBits,
  codesRamBytes,
  FAST_SYMBOL_BITS,
  lookupSplit,
  lookupTable,
  packLengths,
  SLOW_SYMBOL_BITS,
  TABLE_ENTRY_BITS,
  type LookupTable,
} from './huffman-tables.ts';

export interface WeightStream {
  data: Uint8Array;
  bits: number;
  /** Coded weights (all weights when dense, the non-zero ones when sparse). */
  count: number;
  codebookN: number;
  index: CanonicalCode;
  indexTable: LookupTable;
  /** The codes as flash holds them: nibble-packed lengths (packLengths). */
  indexLengths: Uint8Array;
  gapLengths?: Uint8Array;
  /** Sparse only: gap code and its escape symbol (skip `gapEscape` zeros); gapEscape = 0 means dense. */
  gap?: CanonicalCode;
  gapTable?: LookupTable;
  gapEscape: number;
  /** Bits spent on index codes and on gap codes (for the report). */
  indexBits: number;
  gapBits: number;
  /** Flash bytes of the code lengths and the stream descriptor (the stream, codebook and biases not included). */
  tableBytes: number;
  /** RAM of the codes' decode form the decoder builds: counts (on its stack), symbols and lookup tables (scratch). */
  tableRamBytes: number;
  /** pairLengths[L]: kept weights whose gap code (none when dense) and index code take L bits together, and those
   *  behind a gap escape: what sizes the int8 Dense decoder's pair table (pairTableBits). */
  pairLengths: number[];
  pairEscaped: number;
}

export interface StreamOptions {
  codebookN: number;
  /** Store only non-zero weights, with their gaps. */
  sparse: boolean;
  /** Canonical Huffman codes; otherwise fixed-length codes of ⌈log2 n⌉ bits. */
  huffman: boolean;
}

const fixedBitsFor = (n: number) => Math.max(1, Math.ceil(Math.log2(Math.max(2, n))));
/** sizeof(tfg_huff_stream) on a 32-bit target: a pointer, four words, four bytes (test/firmware/shared-constants.test.ts). */
export const HUFF_STREAM_BYTES = 24;
/** Cost of a gap code in bits: stream + lengths + table build and decode time (TABLE_ENTRY_BITS, FAST/SLOW_SYMBOL_BITS). */
function gapCost(hist: number[], code: CanonicalCode): number {
  const table = chooseTableBits(code, hist);
  const { fast, slow } = lookupSplit(code, hist, table);
  return (
    codedBits(hist, code.lengths) +
    8 * Math.ceil(code.lengths.length / 2) +
    TABLE_ENTRY_BITS * 2 ** table +
    FAST_SYMBOL_BITS * fast +
    SLOW_SYMBOL_BITS * slow
  );
}

/** Gap histogram for escape value E (symbols 0..E, E = "skip E and continue"). */
function gapHistogram(gaps: number[], escape: number): number[] {
  const h = new Array<number>(escape + 1).fill(0);
  for (const g of gaps) {
    h[escape] += Math.floor(g / escape);
    h[g % escape]++;
  }
  return h;
}

export function encodeWeightStream(indices: ArrayLike<number>, values: ArrayLike<number>, opts: StreamOptions): WeightStream {
  const n = indices.length;
  const positions: number[] = [];
  for (let i = 0; i < n; i++) if (!opts.sparse || values[i] !== 0) positions.push(i);
  const idxHist = new Array<number>(opts.codebookN).fill(0);
  for (const p of positions) idxHist[indices[p]]++;
  const index = canonicalCode(opts.huffman ? huffmanLengths(idxHist) : fixedLengths(opts.codebookN, fixedBitsFor(opts.codebookN)));

  let gap: CanonicalCode | undefined;
  let gapEscape = 0;
  let gapHist: number[] = [];
  const gaps: number[] = [];
  if (opts.sparse) {
    let next = 0;
    for (const p of positions) {
      gaps.push(p - next);
      next = p + 1;
    }
    let best = Infinity;
    for (let w = 1; w <= 8; w++) {
      const escape = (1 << w) - 1;
      const hist = gapHistogram(gaps, escape);
      const code = canonicalCode(opts.huffman ? huffmanLengths(hist) : fixedLengths(escape + 1, w));
      const cost = gapCost(hist, code);
      if (cost < best) {
        best = cost;
        gap = code;
        gapEscape = escape;
        gapHist = hist;
      }
    }
  }

  const out = new BitWriter();
  let indexBits = 0;
  let gapBits = 0;
  const pairLengths: number[] = [];
  let pairEscaped = 0;
  positions.forEach((p, k) => {
    const s = indices[p];
    if (gap && gaps[k] >= gapEscape) pairEscaped++;
    else {
      const len = index.lengths[s] + (gap ? gap.lengths[gaps[k]] : 0);
      pairLengths[len] = (pairLengths[len] ?? 0) + 1;
    }
    if (gap) {
      let g = gaps[k];
      while (g >= gapEscape) {
        out.write(gap.codes[gapEscape], gap.lengths[gapEscape]);
        gapBits += gap.lengths[gapEscape];
        g -= gapEscape;
      }
      out.write(gap.codes[g], gap.lengths[g]);
      gapBits += gap.lengths[g];
    }
    out.write(index.codes[s], index.lengths[s]);
    indexBits += index.lengths[s];
  });
  const data = out.finish();
  const indexTable = lookupTable(index, chooseTableBits(index, idxHist));
  const gapTable = gap ? lookupTable(gap, chooseTableBits(gap, gapHist)) : undefined;
  const indexLengths = packLengths(index);
  const gapLengths = gap ? packLengths(gap) : undefined;
  return {
    data,
    bits: out.bits,
    count: positions.length,
    codebookN: opts.codebookN,
    index,
    indexTable,
    indexLengths,
    gapLengths,
    gap,
    gapTable,
    gapEscape,
    indexBits,
    gapBits,
    tableBytes: HUFF_STREAM_BYTES + indexLengths.length + (gapLengths?.length ?? 0),
    tableRamBytes: codesRamBytes(index, indexTable, gap, gapTable),
    pairLengths: Array.from(pairLengths, (n) => n ?? 0),
    pairEscaped,
  };
}

/** Width of the stream's pair table (the high nibble of tfg_huff_stream.flags) for the kernel that decodes it: the int8
 *  Dense one (int8 codebook, no conv row) builds one, the others none (0). */
export function pairTableBits(st: WeightStream, floatCodebook: boolean, rowBytes: number): number {
  return !floatCodebook && rowBytes === 0 ? choosePairBits(st.pairLengths, st.pairEscaped) : 0;
}

/** Bytes of a Huffman decoder's scratch in the arena, as tfg_huff_scratch_layout (firmware/support/tfg_huff.c) sizes it
 *  from the descriptor: the codebook as floats (float kernels), the pair table (int8 Dense: pairTableBits), both
 *  codes' lookup tables (one entry for a dense stream's absent gap code) and symbols, and a conv kernel's decoded row
 *  of `rowBytes`; for the int8 Dense, `denseInputs` int16 inputs with the input offset added (2-byte aligned after the
 *  rest), as tfg_dense_s8_huff_scratch_bytes. */
export function huffScratchBytes(st: WeightStream, floatCodebook: boolean, rowBytes: number, denseInputs = 0): number {
  const pairBits = pairTableBits(st, floatCodebook, rowBytes);
  const entries = st.indexTable.entries.length + (st.gapTable ? st.gapTable.entries.length : 1);
  const symbols = st.codebookN + (st.gap ? st.gapEscape + 1 : 1);
  const layout = (floatCodebook ? 4 * st.codebookN : 0) + (pairBits ? 4 * 2 ** pairBits : 0) + 2 * entries + symbols + rowBytes;
  return denseInputs > 0 ? 2 * Math.ceil(layout / 2) + 2 * denseInputs : layout;
}

/** The layer's flash array as tfg_huff_stream.data holds it: `head` (codebook, then half biases if any), the index and
 *  gap code lengths, the stream; and the CRC-32 over all of it that tfg_huff_open checks. */
export function streamArray(st: WeightStream, head: Uint8Array): { bytes: Uint8Array; crc32: number } {
  const parts = [head, st.indexLengths, st.gapLengths ?? new Uint8Array(0), st.data];
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, crc32: crc32(bytes) };
}

/** tfg_huff_stream.flags (firmware/include/tfg_kernels.h; test/firmware/shared-constants.test.ts compares them). */
export const HUFF_HALF_CODEBOOK = 1;
export const HUFF_HALF_BIAS = 2;
/** The codebook holds int8 weight values, one byte each (the int8 kernels read it in place). */
export const HUFF_INT8_CODEBOOK = 4;
/** int8: the weights share one scale, so the requantization arrays hold one entry for every channel. */
export const HUFF_ONE_SCALE = 8;
/** The pair table's width sits in the flags' high nibble (TFG_HUFF_PAIR_SHIFT). */
export const HUFF_PAIR_SHIFT = 4;

/** An int8 codebook as flash holds it: one two's-complement byte an entry. */
export function int8CodebookBytes(codebook: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(Array.from(codebook, (c) => c & 0xff));
}

/** Codebook entries (and half biases) as little-endian bytes: IEEE half when `half`, else float. */
export function codebookBytes(codebook: ArrayLike<number>, half: boolean, halfBias?: ArrayLike<number>): Uint8Array {
  const n = codebook.length * (half ? 2 : 4) + (halfBias ? halfBias.length * 2 : 0);
  const view = new DataView(new ArrayBuffer(n));
  let at = 0;
  for (let i = 0; i < codebook.length; i++) {
    if (half) view.setUint16(at, f32ToHalfBits(codebook[i]), true);
    else view.setFloat32(at, codebook[i], true);
    at += half ? 2 : 4;
  }
  for (let i = 0; i < (halfBias?.length ?? 0); i++, at += 2) view.setUint16(at, f32ToHalfBits(halfBias![i]), true);
  return new Uint8Array(view.buffer);
}
