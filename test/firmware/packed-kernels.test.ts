// Packed weight storage (int4, f16, 1-bit, clustered + Huffman): generated C on the host under ASan/UBSan against the
// reference interpreter on the same graph (int8 paths byte for byte, float paths within 1e-5), and the Cortex-M4 build.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIRMWARE_DIR } from '../../src/codegen/kernel-catalog.ts';
import { generateModel } from '../../src/codegen/generate.ts';
import type { TinyforgeError } from '../../src/diagnostics.ts';
import { calibrate } from '../../src/compress/calibrate.ts';
import { quantizeGraphInt8 } from '../../src/compress/quantize-int8.ts';
import { cloneGraph, product, type Graph, type Storage, type TensorData } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { roundToHalf } from '../../src/packing/bits.ts';
import { deployedFormat, HUFF_READER_BYTES } from '../../src/packing/storage.ts';
import { packedWeightDecl } from '../../src/codegen/packing/weight-decl.ts';
import { HUFF_STREAM_BYTES, huffScratchBytes, pairTableBits } from '../../src/packing/huffman-stream.ts';
import { deployedBytes } from '../../src/compress/deep-compression-table.ts';
import { compileForCortexM4, M4_FLAGS, maxFloatViolation, runOnHost } from '../codegen/host-run.ts';
import { floatCnn, int8Mlp, randF32, randI8, rng } from '../codegen/graphs.ts';
import { runOnQemu } from './qemu/qemu-run.ts';

const asF32 = (b: Uint8Array) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const bytes = (d: TensorData) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
const WEIGHTS = ['conv1.weight', 'conv2.weight', 'fc1.weight', 'fc2.weight'];

/** Rewrites a weight's data to fit `kind` and sets its storage (what the passes do). */
function store(
  g: Graph,
  name: string,
  kind: Storage['kind'],
  opts: { k?: number; huffman?: boolean; sparse?: number; half?: boolean } = {},
): void {
  const t = g.tensors[name];
  const d = t.data!;
  const out = t.shape[0];
  const row = d.length / out;
  if (kind === 'f16') {
    for (let i = 0; i < d.length; i++) d[i] = roundToHalf(d[i]);
    t.storage = { kind };
  } else if (kind === 'int4') {
    for (let i = 0; i < d.length; i++) d[i] = Math.max(-8, Math.min(7, Math.round(d[i] / 16)));
    t.storage = { kind };
  } else if (kind === 'binary') {
    const alpha: number[] = [];
    for (let o = 0; o < out; o++) {
      let s = 0;
      for (let i = 0; i < row; i++) s += Math.abs(d[o * row + i]);
      alpha.push(t.dtype === 'f32' ? Math.fround(s / row) : Math.max(1, Math.round(s / row)));
      for (let i = 0; i < row; i++) d[o * row + i] = d[o * row + i] >= 0 ? alpha[o] : -alpha[o];
    }
    t.storage = { kind, alpha };
  } else if (kind === 'clustered') {
    const k = opts.k ?? 16;
    const r = rng(5);
    const codebook = Array.from({ length: k }, (_, c) => (opts.half ? roundToHalf : Math.fround)(-0.5 + c / (k - 1)));
    const indices = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i++) {
      // skewed distribution so Huffman codes differ in length; a fraction `sparse` of weights pruned to 0
      indices[i] = Math.min(k - 1, Math.floor(k * r() * r()));
      d[i] = opts.sparse !== undefined && r() < opts.sparse ? 0 : codebook[indices[i]];
    }
    t.storage = { kind, codebook, indices, huffman: opts.huffman ?? true, sparse: opts.sparse !== undefined, half: opts.half };
    // What the huffman pass does with half: the layer's bias rounded to half (it is then stored in the stream).
    const bias = opts.half ? g.nodes.find((n) => n.inputs[1] === name)?.inputs[2] : undefined;
    if (bias) g.tensors[bias].data = Float32Array.from(g.tensors[bias].data as Float32Array, roundToHalf);
  }
}

function checkFloat(g: Graph, n = 3): ReturnType<typeof runOnHost> {
  const r = rng(9);
  const inputs = Array.from({ length: n }, () => randF32(r, 8 * 8 * 2));
  const run = runOnHost(g, inputs);
  inputs.forEach((x, i) => {
    const ref = runGraph(g, { [g.inputs[0]]: x }).outputs[g.outputs[0]] as Float32Array;
    expect(maxFloatViolation(asF32(run.outputs[i]), ref)).toBeNull();
  });
  return run;
}

describe('packed weights: float layers', () => {
  it('f16 weights: half the bytes, same results', () => {
    const g = cloneGraph(floatCnn());
    for (const w of WEIGHTS) store(g, w, 'f16');
    const run = checkFloat(g);
    expect(run.gen.kernels).toEqual(expect.arrayContaining(['tfg_conv2d_f32_f16', 'tfg_dense_f32_f16']));
    expect(run.gen.files['model.c']).toContain('static const uint16_t w_fc1_weight[540]');
  });

  it('binary weights (±alpha per output channel): 1 bit per weight + one float per channel', () => {
    const g = cloneGraph(floatCnn());
    for (const w of WEIGHTS) store(g, w, 'binary');
    const run = checkFloat(g);
    expect(run.gen.kernels).toEqual(expect.arrayContaining(['tfg_conv2d_f32_b1', 'tfg_dense_f32_b1']));
    expect(run.gen.files['model.c']).toContain('static const uint32_t w_fc1_weight[17]'); // ⌈540/32⌉
  });

  for (const [label, opts] of [
    ['fixed-length indices, dense', { huffman: false }],
    ['Huffman indices, dense', { huffman: true }],
    ['Huffman indices + gaps, sparse (70% zeros)', { huffman: true, sparse: 0.7 }],
    ['fixed-length indices + gaps, sparse, k=4', { huffman: false, sparse: 0.5, k: 4 }],
    ['Huffman, sparse, k=256', { huffman: true, sparse: 0.3, k: 256 }],
    ['Huffman, sparse, half codebooks and biases in the stream', { huffman: true, sparse: 0.6, half: true }],
  ] as const) {
    it(`clustered weights: ${label}`, () => {
      const g = cloneGraph(floatCnn());
      // k=256 sparse is not served for float conv (255 marks zeros): only the dense layers take it
      const k256 = 'k' in opts && opts.k === 256;
      for (const w of WEIGHTS) if (!(k256 && w.startsWith('conv'))) store(g, w, 'clustered', opts);
      const run = checkFloat(g);
      expect(run.gen.kernels).toContain('tfg_dense_f32_huff');
      // Half: the biases live in the streams (passed as NULL), so no bias array reaches flash.
      if ('half' in opts) expect(run.gen.files['model.c']).not.toMatch(/w_(fc1|fc2|conv1|conv2)_bias\[/);
      if ('half' in opts) expect(run.gen.files['model.c']).toMatch(/tfg_dense_f32_huff\([^;]*NULL, -?\w/);
      if (!k256) expect(run.gen.kernels).toContain('tfg_conv2d_f32_huff');
    });
  }

  it('a storage no kernel serves is refused, naming the layer and the combination, never emitted dense', () => {
    const g = cloneGraph(floatCnn());
    store(g, 'conv2.weight', 'clustered', { huffman: true, sparse: 0.3, k: 256 });
    store(g, 'fc1.weight', 'clustered', { huffman: true });
    try {
      generateModel(g);
      expect.unreachable();
    } catch (e) {
      const d = (e as TinyforgeError).diagnostic;
      expect(d.code).toBe('storage-not-deployable');
      expect(d.location).toMatchObject({ node: 'conv2', op: 'Conv2D' });
      expect(d.notes).toEqual([
        expect.stringMatching(
          /layer "conv2" \(Conv2D\), weights "conv2.weight": clustered \+ Huffman \(float codebook\) weights in a float Conv2D: .*255/,
        ),
      ]);
    }
  });

  for (const half of [false, true]) {
    it(`clustered weight bytes (${half ? 'half' : 'float'} codebook): one array of codebook${half ? ', biases' : ''}, nibble code lengths and stream, and a descriptor; decoder RAM: reader, codebook, built tables (+ conv row)`, () => {
      const g = cloneGraph(floatCnn());
      for (const w of WEIGHTS) store(g, w, 'clustered', { huffman: true, sparse: 0.5, half });
      for (const name of ['fc1.weight', 'conv2.weight']) {
        const row = name.startsWith('conv') ? product(g.tensors[name].shape.slice(1)) : 0; // one output channel, decoded
        const bias = g.nodes.find((n) => n.inputs[1] === name)!.inputs[2];
        const p = packedWeightDecl(g, name, 'w')!;
        const st = p.stream!;
        // counts[32] (uint16), then one symbol byte and one uint16 table entry per symbol / entry of both codes
        const built =
          64 + st.index.lengths.length + st.gap!.lengths.length + 2 * (st.indexTable.entries.length + st.gapTable!.entries.length);
        expect(st.indexTable.entries.length).toBe(2 ** st.indexTable.bits);
        expect(st.indexLengths.length).toBe(Math.ceil(16 / 2));
        const head = half ? 16 * 2 + (bias ? 2 * g.tensors[name].shape[0] : 0) : 16 * 4; // conv2 has no bias
        expect(p.bytes).toBe(head + 8 + Math.ceil(st.gap!.lengths.length / 2) + st.data.length + HUFF_STREAM_BYTES);
        expect(p.decl).toContain(`w[${p.bytes - HUFF_STREAM_BYTES}]`);
        expect(p.decl).not.toContain('_table[');
        expect(p.decoderRamBytes).toBe(HUFF_READER_BYTES + 16 * 4 + built + row);
        // All of it but the reader and the counts is the kernel's scratch in the arena.
        expect(huffScratchBytes(st, true, row)).toBe(p.decoderRamBytes - HUFF_READER_BYTES - 64);
        // A bias held in the stream takes no flash of its own.
        if (bias) expect(deployedBytes(g, bias)).toBe(half ? 0 : 4 * g.tensors[bias].shape[0]);
      }
    });
  }

  /** Compiles for Cortex-M4 a check that sizeof(type) == bytes: a negative array size fails the compile otherwise. */
  function expectSizeOnCortexM(type: string, bytes: number): void {
    const dir = mkdtempSync(join(tmpdir(), 'tfg-sizeof-'));
    try {
      writeFileSync(join(dir, 's.c'), `#include "tfg_huff.h"\ntypedef char size_check[sizeof(${type}) == ${bytes} ? 1 : -1];\n`);
      execFileSync(
        'arm-none-eabi-gcc',
        [...M4_FLAGS, '-Wno-unused-local-typedefs', '-fsyntax-only', '-I', join(FIRMWARE_DIR, 'include'), join(dir, 's.c')],
        { stdio: 'pipe' },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('HUFF_STREAM_BYTES is sizeof(tfg_huff_stream) on a 32-bit Cortex-M', () => expectSizeOnCortexM('tfg_huff_stream', HUFF_STREAM_BYTES));

  it('HUFF_READER_BYTES is sizeof(tfg_huff_reader) on a 32-bit Cortex-M', () => expectSizeOnCortexM('tfg_huff_reader', HUFF_READER_BYTES));

  it('a storage whose values do not match data is refused at codegen', () => {
    const g = cloneGraph(floatCnn());
    store(g, 'fc1.weight', 'binary');
    g.tensors['fc1.weight'].data![3] = 0.123;
    try {
      generateModel(g);
      expect.unreachable();
    } catch (e) {
      const d = (e as TinyforgeError).diagnostic;
      expect(`${d.message}\n${(d.notes ?? []).join('\n')}`).toMatch(/fc1.*storage does not hold its values/s);
    }
  });
});

describe('packed weights: int8 layers, identical bytes', () => {
  it('int4 and binary int8 weights on a PTQ CNN and an MLP', () => {
    const f = floatCnn();
    const r = rng(3);
    const samples = Array.from({ length: 8 }, () => ({ [f.inputs[0]]: randF32(r, 128) }));
    const cnn = quantizeGraphInt8(f, calibrate(f, samples)).graph;
    const mlp = int8Mlp([64, 32, 16, 10]);
    for (const [g, names, kinds] of [
      [cnn, WEIGHTS, ['int4', 'binary', 'int4', 'binary']],
      [mlp, Object.keys(mlp.tensors).filter((n) => mlp.tensors[n].dtype === 'i8' && mlp.tensors[n].data), ['int4', 'binary', 'int4']],
    ] as const) {
      names.forEach((n, i) => store(g, n, kinds[i % kinds.length] as Storage['kind']));
      const x = g.tensors[g.inputs[0]];
      const inputs = Array.from({ length: 10 }, () =>
        randI8(
          r,
          x.shape.reduce((a, b) => a * b, 1),
        ),
      );
      const run = runOnHost(g, inputs);
      inputs.forEach((xi, i) => expect(run.outputs[i]).toEqual(bytes(runGraph(g, { [g.inputs[0]]: xi }).outputs[g.outputs[0]])));
      expect(run.gen.kernels.some((k) => k.endsWith('_s4'))).toBe(true);
      expect(run.gen.kernels.some((k) => k.endsWith('_s8_b1'))).toBe(true);
      compileForCortexM4(run.gen);
    }
  });

  it('int4 Dense on DSP cores (nibble rows, w + 8): host C and QEMU mps2-an386 give the reference bytes, any in/out sizes', () => {
    // 37 and 10 inputs leave a tail of 1 and 2 (two bytes per input, padded to a word); 23 and 10 rows a partial quad.
    const g = int8Mlp([37, 23, 10, 6], 7);
    const names = Object.keys(g.tensors).filter((n) => g.tensors[n].dtype === 'i8' && g.tensors[n].data);
    names.forEach((n) => store(g, n, 'int4'));
    // the extremes of the 4-bit range in every nibble position
    const w1 = g.tensors[names[0]].data as Int8Array;
    w1.set([-8, 7, -8, 7, 7, -8, 0, -1]);
    const r = rng(31);
    const inputs = [new Int8Array(37).fill(-128), new Int8Array(37).fill(127), ...Array.from({ length: 4 }, () => randI8(r, 37))];
    const gen = generateModel(g, { board: { kernels: 'cortex-m-dsp' } });
    expect(gen.kernels).toContain('tfg_dense_s4_dsp');
    const want = inputs.map((xi) => bytes(runGraph(g, { [g.inputs[0]]: xi }).outputs[g.outputs[0]]));
    const host = runOnHost(g, inputs, { board: { kernels: 'cortex-m-dsp' } });
    inputs.forEach((_, i) => expect(host.outputs[i]).toEqual(want[i]));
    const qemu = runOnQemu(gen, inputs);
    inputs.forEach((_, i) => expect(qemu.outputs[i]).toEqual(want[i]));
  });

  it('int4 Conv2D on DSP cores (two groups a word, w + 8): host C and QEMU mps2-an386 give the reference bytes', () => {
    const f = floatCnn();
    const r = rng(41);
    const samples = Array.from({ length: 8 }, () => ({ [f.inputs[0]]: randF32(r, 128) }));
    const g = quantizeGraphInt8(f, calibrate(f, samples)).graph;
    for (const name of WEIGHTS) store(g, name, 'int4');
    const w1 = g.tensors['conv1.weight'].data as Int8Array;
    w1.set([-8, 7, -8, 7, 7, -8, 0, -1, 3]);
    const inputs = [new Int8Array(128).fill(-128), new Int8Array(128).fill(127), ...Array.from({ length: 3 }, () => randI8(r, 128))];
    const gen = generateModel(g, { board: { kernels: 'cortex-m-dsp' } });
    expect(gen.kernels).toContain('tfg_conv2d_s4_im2col_dsp');
    const want = inputs.map((xi) => bytes(runGraph(g, { [g.inputs[0]]: xi }).outputs[g.outputs[0]]));
    const host = runOnHost(g, inputs, { board: { kernels: 'cortex-m-dsp' } });
    inputs.forEach((_, i) => expect(host.outputs[i]).toEqual(want[i]));
    const qemu = runOnQemu(gen, inputs);
    inputs.forEach((_, i) => expect(qemu.outputs[i]).toEqual(want[i]));
  });

  /** int8 weights → clustered int8 storage (what quantize-int8 makes of a clustered layer): k int8 values as the codebook,
   *  skewed indices, a fraction `sparse` pruned to 0; `oneScale` gives every channel the same weight scale. */
  function storeInt8Clustered(
    g: Graph,
    name: string,
    opts: { k: number; huffman: boolean; sparse?: number; oneScale: boolean },
    seed: number,
  ): void {
    const t = g.tensors[name];
    const r = rng(seed);
    const codebook = [...new Set(Array.from({ length: 4 * opts.k }, () => -127 + Math.floor(255 * r())))].slice(0, opts.k);
    while (codebook.length < opts.k) codebook.push(codebook.length - 128); // k = 256: fill up with the values not drawn yet
    const d = t.data as Int8Array;
    const indices = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i++) {
      indices[i] = Math.min(opts.k - 1, Math.floor(opts.k * r() * r()));
      d[i] = opts.sparse !== undefined && r() < opts.sparse ? 0 : codebook[indices[i]];
    }
    t.storage = { kind: 'clustered', codebook, indices, huffman: opts.huffman, sparse: opts.sparse !== undefined };
    if (opts.oneScale) t.quant = { ...t.quant!, scale: t.quant!.scale.map(() => t.quant!.scale[0]) };
  }

  /** The int8 PTQ CNN (conv 3×3 with pads, conv with stride and dilation, two dense) and a 3-layer int8 MLP. */
  function int8Graphs(): Graph[] {
    const f = floatCnn();
    const r = rng(3);
    const samples = Array.from({ length: 8 }, () => ({ [f.inputs[0]]: randF32(r, 128) }));
    return [quantizeGraphInt8(f, calibrate(f, samples)).graph, int8Mlp([64, 32, 16, 10])];
  }

  const int8Weights = (g: Graph) => g.nodes.filter((n) => n.op === 'Dense' || n.op === 'Conv2D').map((n) => n.inputs[1]);

  for (const [label, opts] of [
    ['Huffman, dense, one scale', { k: 16, huffman: true, oneScale: true }],
    ['Huffman, sparse (70% zeros), per-channel scales', { k: 32, huffman: true, sparse: 0.7, oneScale: false }],
    ['fixed-length, sparse, k=4, one scale', { k: 4, huffman: false, sparse: 0.5, oneScale: true }],
    ['Huffman, sparse, k=256 (conv rows need no zero mark in int8)', { k: 256, huffman: true, sparse: 0.3, oneScale: true }],
  ] as const) {
    it(`clustered int8 weights (${label}): tfg_*_s8_huff on the host = the reference, byte for byte`, () => {
      for (const [gi, g] of int8Graphs().entries()) {
        int8Weights(g).forEach((w, i) => storeInt8Clustered(g, w, opts, 40 + 10 * gi + i));
        const r = rng(11 + gi);
        const x = g.tensors[g.inputs[0]];
        const inputs = Array.from({ length: 6 }, () =>
          randI8(
            r,
            x.shape.reduce((a, b) => a * b, 1),
          ),
        );
        const run = runOnHost(g, inputs);
        inputs.forEach((xi, i) => expect(run.outputs[i]).toEqual(bytes(runGraph(g, { [g.inputs[0]]: xi }).outputs[g.outputs[0]])));
        expect(run.gen.kernels).toContain('tfg_dense_s8_huff');
        if (gi === 0) expect(run.gen.kernels).toContain('tfg_conv2d_s8_huff');
        expect(run.gen.kernels.filter((k) => /^tfg_(dense|conv2d)_s8$/.test(k))).toEqual([]);
        // One scale: one multiplier and one shift per layer instead of one per channel.
        const mult = [...run.gen.files['model.c'].matchAll(/static const int32_t l\d+_fc1_multiplier\[(\d+)\]/g)].map((m) => Number(m[1]));
        expect(mult).toEqual([opts.oneScale ? 1 : g.tensors[int8Weights(g).find((n) => n.startsWith('fc1'))!].shape[0]]);
        compileForCortexM4(run.gen);
      }
    });
  }

  it('clustered int8 weights on QEMU mps2-an386: the same bytes as the reference', () => {
    for (const [gi, g] of int8Graphs().entries()) {
      int8Weights(g).forEach((w, i) =>
        storeInt8Clustered(g, w, { k: 32, huffman: true, sparse: 0.6, oneScale: i % 2 === 0 }, 70 + 10 * gi + i),
      );
      const r = rng(21 + gi);
      const x = g.tensors[g.inputs[0]];
      const inputs = Array.from({ length: 4 }, () =>
        randI8(
          r,
          x.shape.reduce((a, b) => a * b, 1),
        ),
      );
      const run = runOnQemu(generateModel(g, { board: { kernels: 'cortex-m-dsp' } }), inputs);
      inputs.forEach((xi, i) => expect(run.outputs[i]).toEqual(bytes(runGraph(g, { [g.inputs[0]]: xi }).outputs[g.outputs[0]])));
    }
  });

  it('clustered int8 decoder RAM: the reader and the built tables (+ the pair table or the conv row), no codebook copy; one byte a cluster in flash', () => {
    const [cnn] = int8Graphs();
    storeInt8Clustered(cnn, 'fc1.weight', { k: 16, huffman: true, sparse: 0.5, oneScale: true }, 5);
    storeInt8Clustered(cnn, 'conv2.weight', { k: 16, huffman: true, sparse: 0.5, oneScale: true }, 6);
    for (const name of ['fc1.weight', 'conv2.weight']) {
      const row = name.startsWith('conv') ? product(cnn.tensors[name].shape.slice(1)) : 0;
      const p = packedWeightDecl(cnn, name, 'w')!;
      const st = p.stream!;
      // The int8 Dense decoder adds its pair table (4 bytes an entry) and its offset inputs (int16, 2-byte aligned), the
      // conv one its row.
      const inputs = name.startsWith('conv') ? 0 : cnn.tensors[name].shape[1];
      const pairs = name.startsWith('conv') ? 0 : 4 * 2 ** pairTableBits(st, false, 0);
      const tables = st.tableRamBytes - 64 + pairs + row;
      expect(p.decoderRamBytes).toBe(HUFF_READER_BYTES + 64 + (inputs ? 2 * Math.ceil(tables / 2) + 2 * inputs : tables));
      expect(p.bytes).toBe(16 + st.indexLengths.length + (st.gapLengths?.length ?? 0) + st.data.length + HUFF_STREAM_BYTES);
      expect(deployedFormat(cnn, name)).toBe('huffman-int8');
      // The decoder's scratch (its tables and the conv row) is what the planner places in the arena for that layer.
      const gen = generateModel(cnn);
      const layer = cnn.nodes.findIndex((n) => n.inputs[1] === name);
      expect(gen.plan.scratch[layer].bytes).toBe(huffScratchBytes(st, false, row, inputs));
      expect(gen.plan.scratch[layer].bytes).toBe(p.decoderRamBytes - HUFF_READER_BYTES - 64);
      expect(gen.files['model.c']).toContain(`, arena + ${gen.plan.scratch[layer].offset}, ${gen.plan.scratch[layer].bytes});`);
    }
  });

  it('every packed kernel compiles warning-free for Cortex-M4', () => {
    const g = cloneGraph(floatCnn());
    store(g, 'conv1.weight', 'clustered', { sparse: 0.5 });
    store(g, 'conv2.weight', 'f16');
    store(g, 'fc1.weight', 'clustered', { sparse: 0.5 });
    store(g, 'fc2.weight', 'binary');
    const gen = generateModel(g);
    // The Huffman decoders' shared code (header checks, CRC-32, table building) ships once, as its own sources.
    expect(gen.sources.filter((s) => s.startsWith('tfg/support/'))).toEqual(['tfg/support/tfg_crc32.c', 'tfg/support/tfg_huff.c']);
    expect(
      Object.keys(gen.files)
        .filter((f) => f.startsWith('tfg/include/'))
        .sort(),
    ).toEqual([
      'tfg/include/tfg_binary.h',
      'tfg/include/tfg_crc32.h',
      'tfg/include/tfg_huff.h',
      'tfg/include/tfg_kernels.h',
      'tfg/include/tfg_support.h',
    ]);
    compileForCortexM4(gen);
  });
});
