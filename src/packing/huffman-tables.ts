// Lookup tables for the firmware's Huffman decoder (tfg_huff_decode in firmware/include/tfg_huff.h): one table per
// canonical code, indexed by the next `bits` stream bits, entry = (code length << 8) | symbol, 0 = a code longer than
// `bits` (decoded by the canonical walk). Flash holds only each code's lengths (4 bits a symbol); the decoder builds the
// table on its stack (tfg_huff_build) before a layer. `bits` is chosen per code from the symbol histogram, trading the
// time to build the table against the decode time of the symbols it leaves to the walk.
import type { CanonicalCode } from './huffman-code.ts';

export interface LookupTable {
  bits: number;
  entries: Uint16Array;
}

/** Largest table: 2^8 entries (512 bytes of the decoder's scratch): TFG_HUFF_TABLE_BITS_MAX (test/firmware/shared-constants.test.ts
 *  compares them). */
export const MAX_TABLE_BITS = 8;
/** Decode time, in bits of flash it is worth: a symbol found by one table lookup (≈ 20 instructions on Cortex-M3), one
 *  that takes the canonical walk (≈ 80–120, 4× the lookup and more), one table entry built (≈ 3). A table is as large
 *  as the time it saves pays for. */
export const FAST_SYMBOL_BITS = 0.5;
export const SLOW_SYMBOL_BITS = 4;
export const TABLE_ENTRY_BITS = 0.08;

/** Symbols of `hist` decoded by one lookup in a table of `bits`, and by the walk. */
export function lookupSplit(code: CanonicalCode, hist: ArrayLike<number>, bits: number): { fast: number; slow: number } {
  let fast = 0;
  let slow = 0;
  for (let s = 0; s < code.lengths.length; s++) {
    if (!code.lengths[s]) continue;
    if (code.lengths[s] <= bits) fast += hist[s] ?? 0;
    else slow += hist[s] ?? 0;
  }
  return { fast, slow };
}

/** Table width (1..min(longest code, MAX_TABLE_BITS)) minimising build + decode time (TABLE_ENTRY_BITS per entry,
 *  FAST/SLOW_SYMBOL_BITS per symbol of `hist`): big layers get tables that catch nearly every symbol, small ones small tables. */
export function chooseTableBits(code: CanonicalCode, hist: ArrayLike<number>): number {
  const maxLen = Math.max(1, ...Array.from(code.lengths));
  let best = 1;
  let bestCost = Infinity;
  for (let b = 1; b <= Math.min(maxLen, MAX_TABLE_BITS); b++) {
    const { fast, slow } = lookupSplit(code, hist, b);
    const cost = TABLE_ENTRY_BITS * 2 ** b + FAST_SYMBOL_BITS * fast + SLOW_SYMBOL_BITS * slow;
    if (cost < bestCost) {
      bestCost = cost;
      best = b;
    }
  }
  return best;
}

export function lookupTable(code: CanonicalCode, bits: number): LookupTable {
  const entries = new Uint16Array(1 << bits);
  for (let s = 0; s < code.lengths.length; s++) {
    const len = code.lengths[s];
    if (!len || len > bits) continue;
    const first = code.codes[s] << (bits - len);
    entries.fill((len << 8) | s, first, first + (1 << (bits - len)));
  }
  return { bits, entries };
}

/** Widest pair table of the int8 Dense decoder (2^10 uint32 entries, 4 KB of its scratch): TFG_HUFF_PAIR_BITS_MAX. */
export const MAX_PAIR_BITS = 10;
/** Cortex-M3 instructions of the int8 Dense decoder (tfg_dense_s8_huff): one pair-table entry built (cleared, then
 *  filled), a kept weight found by one lookup, one decoded code by code (a gap escape, or codes longer than the table
 *  together). */
export const PAIR_ENTRY_INSTRUCTIONS = 2;
export const PAIR_FAST_INSTRUCTIONS = 20;
export const PAIR_SLOW_INSTRUCTIONS = 70;

/** Pair-table width (1..MAX_PAIR_BITS) minimising build + decode instructions. `pairLengths[L]`: kept weights whose gap
 *  code (none when dense) and index code are L bits together; `escaped`: kept weights behind a gap escape (never in the
 *  table). */
export function choosePairBits(pairLengths: ArrayLike<number>, escaped: number): number {
  let best = 1;
  let bestCost = Infinity;
  for (let b = 1; b <= MAX_PAIR_BITS; b++) {
    let fast = 0;
    let slow = escaped;
    for (let len = 0; len < pairLengths.length; len++) {
      if (len <= b) fast += pairLengths[len];
      else slow += pairLengths[len];
    }
    const cost = PAIR_ENTRY_INSTRUCTIONS * 2 ** b + PAIR_FAST_INSTRUCTIONS * fast + PAIR_SLOW_INSTRUCTIONS * slow;
    if (cost < bestCost) {
      bestCost = cost;
      best = b;
    }
  }
  return best;
}

/** A code's lengths as flash holds them: two symbols a byte, low nibble = even symbol (tfg_huff_lengths). */
export function packLengths(code: CanonicalCode): Uint8Array {
  const out = new Uint8Array(Math.ceil(code.lengths.length / 2));
  code.lengths.forEach((len, s) => (out[s >> 1] |= len << ((s & 1) * 4)));
  return out;
}

/** Stack bytes of a stream's built codes (tfg_huff_build_codes): uint16 counts[32], one symbol byte and one uint16
 *  table entry each (a dense stream's absent gap code still takes one of each). */
export function codesRamBytes(index: CanonicalCode, indexTable: LookupTable, gap?: CanonicalCode, gapTable?: LookupTable): number {
  const gapSymbols = gap ? gap.lengths.length : 1;
  const gapEntries = gapTable ? gapTable.entries.length : 1;
  return 64 + index.lengths.length + gapSymbols + 2 * (indexTable.entries.length + gapEntries);
}
