// tfg_dense_s8_huff's decode paths, each against the outputs it must give (host gcc with ASan/UBSan, the stream in an
// exact-size heap copy so any read past it fails): kept weights after gap escapes found by one pair-table lookup (several
// codes at once), gap codes alone in the pair table (the index code by its own table), codes longer than either table,
// and streams whose last row ends inside the last 32-bit word (the byte reader). Then the generated model's CRC check,
// once before the first run, and the decoder on QEMU mps2-an385 (Cortex-M3) against the reference interpreter.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeWeightStream,
  HUFF_INT8_CODEBOOK,
  HUFF_ONE_SCALE,
  HUFF_PAIR_SHIFT,
  int8CodebookBytes,
  pairTableBits,
  streamArray,
  type WeightStream,
} from '../../src/packing/huffman-stream.ts';
import { FIRMWARE_DIR, kernelDependencies, kernelSourcePath } from '../../src/codegen/kernel-catalog.ts';
import { generateModel, type GeneratedModel } from '../../src/codegen/generate.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { HOST_FLAGS, writeGenerated } from '../codegen/host-run.ts';
import { int8Mlp, randI8, rng } from '../codegen/graphs.ts';
import { runOnQemu } from './qemu/qemu-run.ts';

const INPUT_OFFSET = 3;

/** A layer of `out` rows of `inN` weights: cluster indices drawn from `freq` (relative frequencies), and values:
 *  codebook[index], or 0 where `zero(i)` says the weight is pruned. */
interface Layer {
  out: number;
  inN: number;
  indices: Uint8Array;
  values: Int8Array;
  codebook: number[];
}

function layer(out: number, inN: number, freq: number[], zero: (i: number, r: () => number) => boolean, seed: number): Layer {
  const r = rng(seed);
  const total = freq.reduce((a, b) => a + b, 0);
  const codebook = freq.map((_, i) => (i % 2 ? 1 + (i % 3) : -1 - (i % 3))); // small and signed: sums stay inside int8
  const indices = new Uint8Array(out * inN);
  const values = new Int8Array(out * inN);
  for (let i = 0; i < indices.length; i++) {
    let u = r() * total;
    let s = 0;
    while (u >= freq[s] && s < freq.length - 1) u -= freq[s++];
    indices[i] = s;
    values[i] = zero(i, r) ? 0 : codebook[s];
  }
  return { out, inN, indices, values, codebook };
}

/** x[i] for the harness: −4..4 in a fixed pattern, so a weight read at a wrong position changes the sum. */
const xAt = (i: number) => ((i * 5) % 9) - 4;

/** What tfg_dense_s8_huff must output with identity requantization: Σ (x + offset)·w per row, clamped to int8. */
function expected(l: Layer): number[] {
  return Array.from({ length: l.out }, (_, o) => {
    let acc = 0;
    for (let i = 0; i < l.inN; i++) acc += (xAt(i) + INPUT_OFFSET) * l.values[o * l.inN + i];
    return Math.max(-128, Math.min(127, acc));
  });
}

/** Encodes a layer as codegen does for an int8 Dense (sparse: zeros skipped with gap codes). */
function encode(l: Layer, sparse: boolean): WeightStream {
  return encodeWeightStream(l.indices, l.values, { codebookN: l.codebook.length, sparse, huffman: true });
}

/** Builds and runs tfg_dense_s8_huff on each layer (after tfg_huff_verify, as the generated model does); returns
 *  each layer's status and outputs. */
function runKernel(layers: { l: Layer; st: WeightStream }[]): { status: number; y: number[] }[] {
  const list = (xs: ArrayLike<number>) => Array.from(xs).join(', ') || '0';
  const cases = layers.map(({ l, st }, c) => {
    const { bytes, crc32 } = streamArray(st, int8CodebookBytes(l.codebook));
    const flags = HUFF_INT8_CODEBOOK | HUFF_ONE_SCALE | (pairTableBits(st, false, 0) << HUFF_PAIR_SHIFT);
    const tableBits = st.indexTable.bits | ((st.gapTable?.bits ?? 0) << 4);
    return `  {
    static const uint8_t good[${bytes.length}] = { ${list(bytes)} };
    int8_t x[${l.inN}], y[${l.out}];
    for (int i = 0; i < ${l.inN}; ++i) x[i] = (int8_t)((i * 5) % 9 - 4);
    uint8_t *copy = malloc(${bytes.length}); /* exact size: ASan flags any read past the stream */
    memcpy(copy, good, ${bytes.length});
    const tfg_huff_stream s = { copy, ${bytes.length}u, ${st.bits}u, ${crc32}u, ${st.count}u, ${l.codebook.length - 1}u, ${st.gapEscape}u, ${tableBits}u, ${flags}u };
    const int32_t need = tfg_dense_s8_huff_scratch_bytes(&s, ${l.inN});
    void *scratch = malloc((size_t)need);
    const int st = tfg_huff_verify(&s) ? tfg_dense_s8_huff(1, ${l.inN}, ${l.out}, &q, x, &s, NULL, y, scratch, need) : -99;
    printf("case ${c} status %d\\n", st);
    for (int o = 0; o < ${l.out}; ++o) printf("case ${c} y %d\\n", y[o]);
    free(scratch);
    free(copy);
  }`;
  });
  const src = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfg_huff.h"
int main(void) {
  static const int32_t mult[1] = { 1 << 30 }, shift[1] = { 1 }; /* identity requantization */
  const tfg_s8_channel_quant q = { ${INPUT_OFFSET}, 0, -128, 127, mult, shift };
${cases.join('\n')}
  return 0;
}
`;
  const dir = mkdtempSync(join(tmpdir(), 'tfg-huff-s8-'));
  try {
    writeFileSync(join(dir, 'h.c'), src);
    const kernels = [kernelSourcePath('tfg_dense_s8_huff')];
    const files = [...kernels, ...kernelDependencies(kernels).sources].map((rel) => join(FIRMWARE_DIR, rel));
    execFileSync('gcc', [...HOST_FLAGS, '-I', join(FIRMWARE_DIR, 'include'), join(dir, 'h.c'), ...files, '-o', join(dir, 'h')], {
      stdio: 'pipe',
    });
    const lines = execFileSync(join(dir, 'h'), { encoding: 'utf8' }).trim().split('\n');
    return layers.map((_, c) => ({
      status: Number(lines.find((x) => x.startsWith(`case ${c} status `))!.split(' ')[3]),
      y: lines.filter((x) => x.startsWith(`case ${c} y `)).map((x) => Number(x.split(' ')[3])),
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Per kept weight of a sparse stream: its escapes and the bits of its escapes, gap and index codes together. */
function keptCodes(l: Layer, st: WeightStream): { escapes: number; bits: number; gapBits: number; indexBits: number }[] {
  const out: { escapes: number; bits: number; gapBits: number; indexBits: number }[] = [];
  let next = 0;
  for (let i = 0; i < l.values.length; i++) {
    if (l.values[i] === 0) continue;
    const gap = i - next;
    next = i + 1;
    const escapes = Math.floor(gap / st.gapEscape);
    const gapBits = escapes * st.gap!.lengths[st.gapEscape] + st.gap!.lengths[gap % st.gapEscape];
    const indexBits = st.index.lengths[l.indices[i]];
    out.push({ escapes, bits: gapBits + indexBits, gapBits, indexBits });
  }
  return out;
}

describe('tfg_dense_s8_huff decode paths (host, ASan/UBSan)', () => {
  it('kept weights after gap escapes, found by one lookup with their gap and index codes (several codes at once)', () => {
    // LeNet-300-100's first layer at ~5% kept: long gaps, so many weights sit behind one or more escapes.
    const l = layer(12, 784, [40, 20, 10, 6, 3, 2, 1, 1], (_, r) => r() > 0.05, 31);
    const st = encode(l, true);
    const bits = pairTableBits(st, false, 0);
    const codes = keptCodes(l, st);
    expect(st.gapEscape).toBeGreaterThan(0);
    // Weights behind escapes whose codes all fit the pair table: the multi-code entries this case is about.
    expect(codes.filter((c) => c.escapes > 0 && c.bits <= bits).length).toBeGreaterThan(10);
    // … and escapes whose gap code does not fit after them: the escapes alone, then the rest by the next lookup.
    expect(codes.filter((c) => c.escapes > 0 && c.gapBits > bits).length).toBeGreaterThan(0);
    const [run] = runKernel([{ l, st }]);
    expect(run.status).toBe(0);
    const want = expected(l);
    expect(want.filter((v) => v > -128 && v < 127).length).toBeGreaterThan(l.out / 2);
    expect(run.y).toEqual(want);
  });

  it('gap codes alone in the pair table (the index code by its own table, or longer than it) and codes longer than both tables', () => {
    // Fibonacci frequencies over 16 clusters: index codes of 1..15 bits, most longer than the tables.
    const fib = [1, 1];
    while (fib.length < 16) fib.push(fib[fib.length - 1] + fib[fib.length - 2]);
    const l = layer(9, 301, fib.reverse(), (i, r) => (i * 7) % 11 < 5 || r() < 0.1, 32);
    const st = encode(l, true);
    const bits = pairTableBits(st, false, 0);
    const codes = keptCodes(l, st);
    const gapAlone = codes.filter((c) => c.escapes === 0 && c.gapBits < bits && c.bits > bits);
    expect(gapAlone.filter((c) => c.indexBits <= st.indexTable.bits).length).toBeGreaterThan(0);
    expect(gapAlone.filter((c) => c.indexBits > st.indexTable.bits).length).toBeGreaterThan(0);
    expect(codes.filter((c) => c.gapBits >= bits).length + codes.filter((c) => c.bits <= bits).length).toBeGreaterThan(0);
    expect(Math.max(...st.index.lengths)).toBeGreaterThan(Math.max(bits, st.indexTable.bits));
    const [run] = runKernel([{ l, st }]);
    expect(run.status).toBe(0);
    expect(run.y).toEqual(expected(l));
  });

  it('streams whose last row ends inside the last 32-bit word: every length mod 32, dense and sparse', () => {
    const layers: { l: Layer; st: WeightStream }[] = [];
    for (let out = 1; out <= 6; out++) {
      for (const sparse of [false, true]) {
        const l = layer(out, 37, [9, 5, 3, 2, 1], (_, r) => sparse && r() < 0.6, 40 + out);
        layers.push({ l, st: encode(l, sparse) });
      }
    }
    // The cases end at different bits of the last word, and in the last 3 bytes the table loop never reads.
    expect(new Set(layers.map(({ st }) => st.bits % 32)).size).toBeGreaterThan(6);
    expect(layers.some(({ st }) => st.bits % 32 !== 0 && st.data.length % 4 !== 0)).toBe(true);
    const runs = runKernel(layers);
    runs.forEach((run, c) => {
      expect(run.status).toBe(0);
      expect(run.y).toEqual(expected(layers[c].l));
    });
  });
});

/** Stores an int8 MLP's Dense weights clustered and Huffman-coded, ~`keep` of them kept (one scale per layer). */
function clusteredMlp(sizes: number[], keep: number, seed: number): Graph {
  const g = int8Mlp(sizes, seed, 'relu', true);
  const r = rng(seed);
  for (const n of g.nodes.filter((x) => x.op === 'Dense')) {
    const t = g.tensors[n.inputs[1]];
    const codebook = [-90, -40, -17, -5, 6, 19, 45, 100];
    const d = t.data as Int8Array;
    const indices = Uint8Array.from(d, () => Math.min(7, Math.floor(8 * r() * r())));
    indices.forEach((s, i) => (d[i] = r() < keep ? codebook[s] : 0));
    t.storage = { kind: 'clustered', codebook, indices, huffman: true, sparse: true };
  }
  return g;
}

/** Builds the generated model on the host with a main that calls init and run, and prints both statuses. */
function initAndRun(gen: GeneratedModel): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfg-huff-crc-'));
  try {
    writeGenerated(dir, gen);
    writeFileSync(
      join(dir, 'main.c'),
      `#include <stdio.h>
#include "model.h"
int main(void) {
  static int8_t in[TFG_MODEL_INPUT_BYTES], out[TFG_MODEL_OUTPUT_BYTES];
  const int32_t init = tfg_model_init(NULL, 0);
  const int32_t first = tfg_model_run(in, out, NULL, NULL), second = tfg_model_run(in, out, NULL, NULL);
  printf("init %d run %d %d\\n", (int)init, (int)first, (int)second);
  return 0;
}
`,
    );
    const exe = join(dir, 'm');
    execFileSync(
      'gcc',
      [
        ...HOST_FLAGS,
        '-I',
        dir,
        '-I',
        join(dir, 'tfg/include'),
        join(dir, 'main.c'),
        ...gen.sources.map((s) => join(dir, s)),
        '-o',
        exe,
        '-lm',
      ],
      { stdio: 'pipe' },
    );
    return execFileSync(exe, { encoding: 'utf8' }).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the generated model checks its Huffman streams once', () => {
  it('init and every run refuse a damaged stream (TFG_ERR_CORRUPT); an intact one runs', () => {
    const gen = generateModel(clusteredMlp([64, 32, 10], 0.3, 5));
    expect(gen.files['model.c']).toContain('tfg_huff_verify(&');
    expect(initAndRun(gen)).toBe('init 0 run 0 0');
    // One byte of the first stream changed (its last value): the CRC no longer matches.
    const src = gen.files['model.c'];
    const start = src.indexOf('static const uint8_t w_fc1_weight[');
    const end = src.indexOf('};', start);
    const body = src.slice(start, end);
    const last = /0x([0-9a-f]+)u,?\s*$/.exec(body)!;
    const flipped = `0x${((parseInt(last[1], 16) + 1) % 256).toString(16)}u`;
    const damaged = body.slice(0, last.index) + flipped + body.slice(last.index + last[0].length);
    const bad = { ...gen, files: { ...gen.files, 'model.c': src.slice(0, start) + damaged + src.slice(end) } };
    expect(initAndRun(bad)).toBe('init -2 run -2 -2');
  });
});

describe('tfg_dense_s8_huff on QEMU mps2-an385 (Cortex-M3)', () => {
  it('sparse clustered int8 MLPs (5% and 40% kept): the bytes of the reference interpreter', () => {
    for (const [sizes, keep, seed] of [
      [[400, 48, 10], 0.05, 7],
      [[100, 40, 10], 0.4, 8],
    ] as const) {
      const g = clusteredMlp([...sizes], keep, seed);
      const r = rng(seed);
      const inputs = Array.from({ length: 3 }, () => randI8(r, sizes[0]));
      const run = runOnQemu(generateModel(g, { board: { kernels: 'cortex-m-mla' } }), inputs, 'mps2-an385');
      inputs.forEach((x, i) => {
        const want = runGraph(g, { [g.inputs[0]]: x }).outputs[g.outputs[0]];
        expect(run.outputs[i]).toEqual(new Uint8Array(want.buffer, want.byteOffset, want.byteLength));
      });
    }
  });
});
