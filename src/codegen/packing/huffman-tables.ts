// Lookup tables for the firmware's Huffman decoder (tfg_huff_decode in firmware/include/tfg_support.h): one table per
// canonical code, indexed by the next `bits` stream bits, entry = (code length << 8) | symbol, 0 = a code longer than
// `bits` (decoded by the canonical walk). `bits` is chosen per code from the symbol histogram so that nearly every coded
// symbol is a single lookup while the table stays small (its bytes count as weight bytes).
import type { CanonicalCode } from '../../compress/huffman-code.ts';

export interface LookupTable {
  bits: number;
  entries: Uint16Array;
}

/** Largest table: 2^8 entries (512 bytes). */
export const MAX_TABLE_BITS = 8;
/** Fraction of the coded symbols a table must decode in one lookup before a larger table stops paying off. */
const COVERAGE = 0.97;

/** Smallest table width (1..MAX_TABLE_BITS) that decodes ≥ COVERAGE of the symbols in `hist` in one lookup; the longest
 *  code's length when that is smaller, so short codes get a table with no walk at all. */
export function chooseTableBits(code: CanonicalCode, hist: ArrayLike<number>): number {
  let total = 0;
  let maxLen = 1;
  for (let s = 0; s < code.lengths.length; s++) {
    if (!code.lengths[s]) continue;
    total += hist[s] ?? 0;
    maxLen = Math.max(maxLen, code.lengths[s]);
  }
  for (let b = 1; b < Math.min(maxLen, MAX_TABLE_BITS); b++) {
    let covered = 0;
    for (let s = 0; s < code.lengths.length; s++) if (code.lengths[s] && code.lengths[s] <= b) covered += hist[s] ?? 0;
    if (covered >= COVERAGE * total) return b;
  }
  return Math.min(maxLen, MAX_TABLE_BITS);
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

/** Flash bytes of one code: uint16 count[16], the symbols, the lookup table. */
export const codeBytes = (code: CanonicalCode, table: LookupTable) => 32 + code.symbols.length + 2 * table.entries.length;
