// Canonical Huffman codes (lengths ≤ 15) shared by the huffman pass (bit counts for its report) and the weight packer
// (the bit stream the firmware decodes). Canonical = codes assigned in (length, symbol) order, so a decoder needs only
// the count of codes per length and the symbols in that order (puff-style decoding in firmware/kernels/packed/).

export const HUFFMAN_MAX_BITS = 15;

/** Code length per symbol (0 = symbol unused) from symbol frequencies; lengths never exceed `maxBits`. One used symbol
 *  gets length 1 (a decoder needs at least one bit per symbol). */
export function huffmanLengths(freqs: ArrayLike<number>, maxBits = HUFFMAN_MAX_BITS): Uint8Array {
  let f = Array.from(freqs, (x) => (x > 0 ? x : 0));
  for (;;) {
    const lengths = plainHuffmanLengths(f);
    if (Math.max(0, ...lengths) <= maxBits) return lengths;
    // Too deep: flatten the distribution (halve counts, keeping every used symbol ≥ 1) and try again.
    f = f.map((x) => (x > 0 ? Math.max(1, Math.floor(x / 2)) : 0));
  }
}

function plainHuffmanLengths(freqs: number[]): Uint8Array {
  const lengths = new Uint8Array(freqs.length);
  const used = freqs.map((f, s) => ({ f, s })).filter((x) => x.f > 0);
  if (used.length === 0) return lengths;
  if (used.length === 1) {
    lengths[used[0].s] = 1;
    return lengths;
  }
  // Nodes: leaves are symbols; parent[] links let us read each leaf's depth. Ties broken by creation order (deterministic).
  interface Item {
    f: number;
    id: number;
  }
  const parent: number[] = [];
  let heap: Item[] = used.map((x, i) => ({ f: x.f, id: i }));
  used.forEach(() => parent.push(-1));
  const sortHeap = () => heap.sort((a, b) => a.f - b.f || a.id - b.id);
  sortHeap();
  while (heap.length > 1) {
    const a = heap.shift()!;
    const b = heap.shift()!;
    const id = parent.length;
    parent.push(-1);
    parent[a.id] = id;
    parent[b.id] = id;
    // insert keeping order (small alphabets: ≤ 256 symbols)
    const item = { f: a.f + b.f, id };
    let i = 0;
    while (i < heap.length && (heap[i].f < item.f || (heap[i].f === item.f && heap[i].id < item.id))) i++;
    heap.splice(i, 0, item);
  }
  used.forEach((x, i) => {
    let d = 0;
    for (let n = i; parent[n] !== -1; n = parent[n]) d++;
    lengths[x.s] = d;
  });
  return lengths;
}

export interface CanonicalCode {
  /** Code length per symbol (0 = unused). */
  lengths: Uint8Array;
  /** Code per symbol, `lengths[s]` bits, MSB first. */
  codes: Uint32Array;
  /** count[len] = number of codes of that length, len 0..15 (count[0] = 0). */
  count: Uint16Array;
  /** Used symbols in canonical order (by length, then symbol). */
  symbols: number[];
}

export function canonicalCode(lengths: Uint8Array): CanonicalCode {
  const count = new Uint16Array(HUFFMAN_MAX_BITS + 1);
  for (const l of lengths) if (l) count[l]++;
  const symbols: number[] = [];
  for (let len = 1; len <= HUFFMAN_MAX_BITS; len++) for (let s = 0; s < lengths.length; s++) if (lengths[s] === len) symbols.push(s);
  const codes = new Uint32Array(lengths.length);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= HUFFMAN_MAX_BITS; len++) {
    for (let j = 0; j < count[len]; j++) codes[symbols[k++]] = code++;
    code <<= 1;
  }
  return { lengths, codes, count, symbols };
}

/** A fixed-length code of `bits` bits over symbols 0..n−1 (plain binary): what non-Huffman clustered storage uses. */
export function fixedLengths(n: number, bits: number): Uint8Array {
  return new Uint8Array(n).fill(bits);
}

/** Total coded bits of a symbol histogram under given lengths. */
export function codedBits(freqs: ArrayLike<number>, lengths: Uint8Array): number {
  let bits = 0;
  for (let s = 0; s < freqs.length; s++) bits += freqs[s] * lengths[s];
  return bits;
}
