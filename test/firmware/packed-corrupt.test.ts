// A damaged Huffman weight stream is detected (TFG_ERR_CORRUPT = -2), never read past its end (ASan on an exact-size heap
// copy), for every single-bit flip, truncations, random garbage and a wrong length field, in the dense and conv decoders.
// With the CRC recomputed after the damage, the table-driven decoder alone must still never over-read and must catch
// every truncation; codes longer than the lookup table (up to 15 bits) decode to the right weights.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  codebookBytes,
  encodeWeightStream,
  HUFF_HALF_BIAS,
  HUFF_HALF_CODEBOOK,
  HUFF_INT8_CODEBOOK,
  HUFF_ONE_SCALE,
  HUFF_PAIR_SHIFT,
  int8CodebookBytes,
  pairTableBits,
  streamArray,
  type WeightStream,
} from '../../src/packing/huffman-stream.ts';
import { FIRMWARE_DIR, kernelDependencies, kernelSourcePath } from '../../src/codegen/kernel-catalog.ts';
import { HOST_FLAGS } from '../codegen/host-run.ts';
import { rng } from '../codegen/graphs.ts';

const OUT = 6;
const IN = 40;
const Y_LINE = /^y (\d) (\S+)$/; // conv: 1x1 kernel over 40 channels, so the same stream serves both decoders

/** A layer's flash array and descriptor fields, as codegen packs them (streamArray). */
interface Packed {
  data: Uint8Array;
  head: number;
  bits: number;
  crc: number;
  count: number;
  escape: number;
  k: number;
  tableBits: number;
  flags: number;
}

/** `codebook`: cluster i's value, i by default. An int8 stream carries the int8 Dense decoder's pair-table width. */
function pack(
  st: WeightStream,
  k: number,
  half: boolean,
  bias?: number[],
  int8 = false,
  codebook = Array.from({ length: k }, (_, i) => i),
): Packed {
  const head = int8 ? int8CodebookBytes(codebook) : codebookBytes(codebook, half, bias);
  const { bytes, crc32 } = streamArray(st, head);
  const flags = int8
    ? HUFF_INT8_CODEBOOK | HUFF_ONE_SCALE | (pairTableBits(st, false, 0) << HUFF_PAIR_SHIFT)
    : (half ? HUFF_HALF_CODEBOOK : 0) | (bias ? HUFF_HALF_BIAS : 0);
  return {
    data: bytes,
    head: bytes.length - st.data.length,
    bits: st.bits,
    crc: crc32,
    count: st.count,
    escape: st.gapEscape,
    k,
    tableBits: st.indexTable.bits | ((st.gapTable?.bits ?? 0) << 4),
    flags,
  };
}

/** A C harness running both decoders on the layer's array and on damaged copies of it (every bit of the codebook,
 *  biases, code lengths and stream flipped; truncated streams; random garbage; a wrong bit count), after the CRC check
 *  the generated model does once (tfg_huff_verify). With `fixCrc` the CRC is recomputed after the damage (only the
 *  decoder's own checks remain). */
function harness(p: Packed, fixCrc = false, dims = { out: OUT, in: IN }): string {
  const [OUT_N, IN_N] = [dims.out, dims.in];
  const list = (xs: ArrayLike<number>) => Array.from(xs).join(', ') || '0';
  return `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfg_huff.h"
#include "tfg_crc32.h"
static const uint8_t good[${p.data.length}] = { ${list(p.data)} };
static int run(const uint8_t *d, uint32_t bytes, uint32_t nbits, int conv) {
  uint8_t *copy = malloc(bytes ? bytes : 1); /* exact size: ASan flags any read past the array */
  memcpy(copy, d, bytes);
  tfg_huff_stream s = { copy, bytes, nbits, ${p.crc}u, ${p.count}u, ${p.k - 1}u, ${p.escape}u, ${p.tableBits}u, ${p.flags}u };
  ${fixCrc ? "s.crc32 = tfg_crc32(copy, bytes); /* recomputed: only the decoder's own checks remain */" : ''}
  int st;
  tfg_conv_geom g = { 1, 1, 1, ${IN_N}, 1, 1, ${OUT_N}, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1 };
#ifdef INT8_KERNELS /* identity requantization: y = the row sum of the int8 codes (x = 1, offset 0), clamped */
  const int32_t need = conv ? tfg_conv2d_s8_huff_scratch_bytes(&g, &s) : tfg_dense_s8_huff_scratch_bytes(&s, ${IN_N});
  void *scratch = malloc((size_t)need); /* exact size, as codegen places it: ASan flags any write past it */
  int8_t x[${IN_N}], y[${OUT_N}];
  for (int i = 0; i < ${IN_N}; ++i) x[i] = 1;
  static const int32_t mult[1] = { 1 << 30 }, shift[1] = { 1 };
  const tfg_s8_channel_quant q = { 0, 0, -128, 127, mult, shift };
  st = !tfg_huff_verify(&s) ? -2 : conv ? tfg_conv2d_s8_huff(&g, &q, x, &s, NULL, y, scratch, need) : tfg_dense_s8_huff(1, ${IN_N}, ${OUT_N}, &q, x, &s, NULL, y, scratch, need);
#else
  const int32_t need = conv ? tfg_conv2d_f32_huff_scratch_bytes(&g, &s) : tfg_dense_f32_huff_scratch_bytes(&s);
  void *scratch = malloc((size_t)need);
  float x[${IN_N}], y[${OUT_N}];
  for (int i = 0; i < ${IN_N}; ++i) x[i] = 1.0f;
  st = !tfg_huff_verify(&s) ? -2 : conv ? tfg_conv2d_f32_huff(&g, x, &s, NULL, -FLT_MAX, FLT_MAX, y, scratch, need) : tfg_dense_f32_huff(1, ${IN_N}, ${OUT_N}, x, &s, NULL, -FLT_MAX, FLT_MAX, y, scratch, need);
#endif
  free(scratch);
  free(copy);
  if (d == good && bytes == ${p.data.length}u && nbits == ${p.bits}u) { for (int o = 0; o < ${OUT_N}; ++o) printf("y %d %g\\n", conv, (double)y[o]); }
  return st;
}
int main(void) {
  const uint32_t n = ${p.data.length}u, nbits = ${p.bits}u, head = ${p.head}u;
  uint8_t buf[${p.data.length}];
  for (int conv = 0; conv < 2; ++conv) {
    printf("good %d\\n", run(good, n, nbits, conv));
    int undetected = 0, flips = 0;
    for (uint32_t b = 0; b < n * 8u; ++b) {
      memcpy(buf, good, n);
      buf[b >> 3] ^= (uint8_t)(0x80u >> (b & 7u));
      flips++;
      if (run(buf, n, nbits, conv) != -2) undetected++;
    }
    printf("flips %d undetected %d\\n", flips, undetected);
    int trunc_ok = 0;
    for (uint32_t cut = 1; cut <= 16 && cut < nbits; ++cut) {
      const uint32_t tb = nbits - cut;
      if (run(good, head + (tb + 7u) / 8u, tb, conv) != -2) trunc_ok++;
    }
    printf("truncations undetected %d\\n", trunc_ok);
    srand(1);
    int garbage_ok = 0;
    for (int t = 0; t < 200; ++t) {
      for (uint32_t i = 0; i < n; ++i) buf[i] = (uint8_t)rand();
      if (run(buf, n, nbits, conv) != -2) garbage_ok++;
    }
    printf("garbage undetected %d\\n", garbage_ok);
    printf("badlength %d\\n", run(good, n, nbits + 9u, conv));
  }
  return 0;
}
`;
}

/** Builds and runs the harness on the float decoders (or the int8 ones); returns its output lines. */
function runHarness(src: string, int8 = false): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tfg-corrupt-'));
  try {
    writeFileSync(join(dir, 'h.c'), src);
    const kernels = (int8 ? ['tfg_dense_s8_huff', 'tfg_conv2d_s8_huff'] : ['tfg_dense_f32_huff', 'tfg_conv2d_f32_huff']).map(
      kernelSourcePath,
    );
    const files = [...kernels, ...kernelDependencies(kernels).sources].map((rel) => join(FIRMWARE_DIR, rel));
    execFileSync(
      'gcc',
      [
        ...HOST_FLAGS,
        ...(int8 ? ['-DINT8_KERNELS'] : []),
        '-I',
        join(FIRMWARE_DIR, 'include'),
        join(dir, 'h.c'),
        ...files,
        '-o',
        join(dir, 'h'),
      ],
      { stdio: 'pipe' },
    );
    return execFileSync(join(dir, 'h'), { encoding: 'utf8' }).trim().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Row sums of the kept weights' codebook values (codebook[i] = i by default, x = 1): what both decoders must output. */
function expectedRows(indices: Uint8Array, values: Float32Array, out: number, inN: number, codebook?: number[]): number[] {
  return Array.from({ length: out }, (_, o) => {
    let sum = 0;
    for (let i = 0; i < inN; i++) if (values[o * inN + i] !== 0) sum += codebook ? codebook[indices[o * inN + i]] : indices[o * inN + i];
    return sum;
  });
}

/** The y lines of one decoder (conv = 0: Dense, 1: Conv2D) as numbers. */
const outputsOf = (lines: string[], conv: number): number[] =>
  lines
    .map((l) => Y_LINE.exec(l))
    .filter((m) => m && m[1] === String(conv))
    .map((m) => Number(m![2]));

/** Fibonacci frequencies (987, 610, …, 1, 1 over 16 symbols), shuffled: the deepest code Huffman can build (lengths
 *  1..15), 2583 cluster indices = 7 rows of 369. */
function fibonacciIndices(seed: number): Uint8Array {
  const r = rng(seed);
  const fib = [1, 1];
  while (fib.length < 16) fib.push(fib[fib.length - 1] + fib[fib.length - 2]);
  const list = fib.reverse().flatMap((c, s) => new Array<number>(c).fill(s));
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return Uint8Array.from(list);
}

describe('Huffman decoder without the CRC: table path, long codes, truncation', () => {
  for (const sparse of [false, true]) {
    it(`${sparse ? 'sparse' : 'dense'} stream with codes up to 15 bits: right weights, no over-read, truncations caught`, () => {
      // Fibonacci frequencies (987, 610, …, 1, 1 over 16 symbols) give the deepest code Huffman can build: lengths
      // 1..15, so most symbols are longer than the lookup table and take the canonical walk.
      const r = rng(sparse ? 21 : 22);
      const k = 16;
      const fib = [1, 1];
      while (fib.length < k) fib.push(fib[fib.length - 1] + fib[fib.length - 2]);
      const list = fib.reverse().flatMap((c, s) => new Array<number>(c).fill(s));
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [list[i], list[j]] = [list[j], list[i]];
      }
      const dims = { out: 7, in: 369 }; // 2583 weights = Σ fib
      expect(list.length).toBe(dims.out * dims.in);
      const indices = Uint8Array.from(list);
      const values = Float32Array.from(indices, (v, i) => (sparse && i % 3 === 1 ? 0 : v + 1));
      const st = encodeWeightStream(indices, values, { codebookN: k, sparse, huffman: true });
      const maxLen = Math.max(...st.index.lengths);
      if (!sparse) expect(maxLen).toBe(15);
      expect(st.indexTable.bits).toBeLessThan(maxLen);
      // The sparse case also stores its codebook and biases as half (o + 0.5 is exact in half).
      const bias = sparse ? Array.from({ length: dims.out }, (_, o) => o + 0.5) : undefined;
      const lines = runHarness(harness(pack(st, k, sparse, bias), true, dims));
      expect(lines.filter((l) => l.startsWith('good'))).toEqual(['good 0', 'good 0']);
      const want = expectedRows(indices, values, dims.out, dims.in).map((y, o) => y + (bias?.[o] ?? 0));
      for (const conv of [0, 1]) {
        const got = lines
          .map((l) => Y_LINE.exec(l))
          .filter((m) => m && m[1] === String(conv))
          .map((m) => Number(m![2]));
        expect(got).toEqual(want);
      }
      // Flips with a matching CRC may decode to other valid weights; they must never crash or over-read (ASan).
      for (const l of lines.filter((x) => x.startsWith('flips'))) expect(l).toMatch(/^flips \d+ undetected \d+$/);
      expect(lines.filter((l) => l.startsWith('truncations'))).toEqual(['truncations undetected 0', 'truncations undetected 0']);
      expect(lines.filter((l) => l.startsWith('badlength'))).toEqual(['badlength -2', 'badlength -2']);
    });
  }

  for (const sparse of [false, true]) {
    it(`int8 Dense pair table (${sparse ? 'sparse' : 'dense'}): gap and index codes of 1..15 bits, short pairs by one lookup, the rest code by code, the longest code included`, () => {
      const dims = { out: 7, in: 369 };
      const indices = fibonacciIndices(sparse ? 23 : 24);
      // Sparse: about 4 zeros in 11, in gaps of different lengths.
      const values = Float32Array.from(indices, (v, i) => (sparse && (i * 7) % 11 < 4 ? 0 : v + 1));
      const st = encodeWeightStream(indices, values, { codebookN: 16, sparse, huffman: true });
      const bits = pairTableBits(st, false, 0);
      const longest = Math.max(...st.index.lengths);
      if (!sparse) expect(longest).toBe(15); // pruning drops the rarest clusters of the sparse case
      expect(longest).toBeGreaterThan(bits);
      // Both paths run: weights whose codes fit the table, and weights past it (the 15-bit code among them).
      expect(st.pairLengths.slice(0, bits + 1).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(st.pairLengths.slice(bits + 1).reduce((a, b) => a + b, 0) + st.pairEscaped).toBeGreaterThan(0);
      expect(st.pairLengths.length - 1).toBeGreaterThanOrEqual(longest);
      const codebook = Array.from({ length: 16 }, (_, i) => (i % 2 ? i : -i)); // signed, so row sums stay inside int8
      const lines = runHarness(harness(pack(st, 16, false, undefined, true, codebook), true, dims), true);
      expect(lines.filter((l) => l.startsWith('good'))).toEqual(['good 0', 'good 0']);
      const want = expectedRows(indices, values, dims.out, dims.in, codebook).map((v) => Math.max(-128, Math.min(127, v)));
      expect(want.some((v) => v > -128 && v < 127)).toBe(true);
      expect(outputsOf(lines, 0)).toEqual(want);
      expect(outputsOf(lines, 1)).toEqual(want);
      expect(lines.filter((l) => l.startsWith('truncations'))).toEqual(['truncations undetected 0', 'truncations undetected 0']);
      expect(lines.filter((l) => l.startsWith('badlength'))).toEqual(['badlength -2', 'badlength -2']);
    });
  }
});

describe('Huffman weight stream integrity', () => {
  for (const [sparse, int8] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    it(`${sparse ? 'sparse' : 'dense'} ${int8 ? 'int8' : 'float'} stream: all damage detected, no out-of-bounds read`, () => {
      const r = rng(sparse ? 4 : 8);
      const k = 8;
      const n = OUT * IN;
      const indices = Uint8Array.from({ length: n }, () => Math.floor(k * r() * r()));
      const values = Float32Array.from(indices, (v) => (sparse && r() < 0.6 ? 0 : v + 1));
      const st = encodeWeightStream(indices, values, { codebookN: k, sparse, huffman: true });
      const p = pack(st, k, sparse && !int8, sparse && !int8 ? Array.from({ length: OUT }, (_, o) => o / 4) : undefined, int8);
      const lines = runHarness(harness(p), int8);
      expect(lines.filter((l) => l.startsWith('good'))).toEqual(['good 0', 'good 0']);
      // Every bit of the array: codebook, biases, both codes' lengths and the stream.
      for (const l of lines.filter((x) => x.startsWith('flips'))) expect(l).toBe(`flips ${p.data.length * 8} undetected 0`);
      expect(lines.filter((l) => l.startsWith('truncations'))).toEqual(['truncations undetected 0', 'truncations undetected 0']);
      expect(lines.filter((l) => l.startsWith('garbage'))).toEqual(['garbage undetected 0', 'garbage undetected 0']);
      expect(lines.filter((l) => l.startsWith('badlength'))).toEqual(['badlength -2', 'badlength -2']);
      if (int8) {
        // x = 1 and codebook[i] = i: each output is its row's sum of kept indices
        const want = expectedRows(indices, values, OUT, IN).map((v) => Math.min(127, v));
        for (const conv of [0, 1])
          expect(
            lines
              .map((l) => Y_LINE.exec(l))
              .filter((m) => m && m[1] === String(conv))
              .map((m) => Number(m![2])),
          ).toEqual(want);
      }
    });
  }

  it('a float kernel refuses an int8 stream and an int8 kernel a float one (TFG_ERR_CORRUPT, nothing decoded)', () => {
    const r = rng(9);
    const indices = Uint8Array.from({ length: OUT * IN }, () => Math.floor(8 * r()));
    const st = encodeWeightStream(
      indices,
      Float32Array.from(indices, (v) => v + 1),
      { codebookN: 8, sparse: false, huffman: true },
    );
    expect(runHarness(harness(pack(st, 8, false, undefined, true)), false).filter((l) => l.startsWith('good'))).toEqual([
      'good -2',
      'good -2',
    ]);
    expect(runHarness(harness(pack(st, 8, true)), true).filter((l) => l.startsWith('good'))).toEqual(['good -2', 'good -2']);
  });
});
