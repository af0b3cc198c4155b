// generateModel end to end: generated C compiled with host gcc under ASan/UBSan agrees with runGraph
// (float within 1e-5, int8 byte for byte), per layer through the hook; it also compiles warning-free for Cortex-M4.
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/codegen/generate.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { TensorData } from '../../src/ir/graph.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { compileForCortexM4, maxFloatViolation, runOnHost } from './host-run.ts';
import { floatCnn, int8Mlp, randF32, randI8, rng } from './graphs.ts';

const asF32 = (b: Uint8Array) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const bytes = (d: TensorData) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

describe('generateModel', () => {
  it('float CNN: every layer matches the reference within 1e-5, under ASan/UBSan', () => {
    const g = floatCnn();
    const r = rng(7);
    const inputs = [0, 1, 2].map(() => randF32(r, 8 * 8 * 2));
    const run = runOnHost(g, inputs, { layers: true });
    inputs.forEach((x, i) => {
      const ref = runGraph(g, { [g.inputs[0]]: x }).outputs[g.outputs[0]] as Float32Array;
      expect(maxFloatViolation(asF32(run.outputs[i]), ref)).toBeNull();
    });
    const all = runGraph(g, { [g.inputs[0]]: inputs[0] }, { collect: true }).values!;
    expect(run.layers!.size).toBe(g.nodes.length);
    g.nodes.forEach((node, li) => {
      expect(maxFloatViolation(asF32(run.layers!.get(li)!), all[node.outputs[0]] as Float32Array), `layer ${li} ${node.name}`).toBeNull();
    });
    expect(run.gen.kernels).toEqual(['tfg_conv2d_f32', 'tfg_dense_f32', 'tfg_maxpool_f32', 'tfg_softmax_f32']);
    expect(run.gen.arenaBytes).toBeLessThan(run.gen.naiveBytes);
  });

  it('int8 MLP: identical output bytes to the int8 reference on 20 inputs, every layer too', () => {
    const g = int8Mlp([64, 32, 16, 10]);
    const r = rng(11);
    const inputs = Array.from({ length: 20 }, () => randI8(r, 64));
    const run = runOnHost(g, inputs, { layers: true });
    inputs.forEach((x, i) => {
      const ref = runGraph(g, { x }).outputs[g.outputs[0]];
      expect(run.outputs[i]).toEqual(bytes(ref));
    });
    const all = runGraph(g, { x: inputs[0] }, { collect: true }).values!;
    g.nodes.forEach((node, li) => expect(run.layers!.get(li), node.name).toEqual(bytes(all[node.outputs[0]])));
    expect(run.gen.kernels).toEqual(['tfg_dense_s8', 'tfg_softmax_s8']);
  });

  it('compiles warning-free for Cortex-M4 (arm-none-eabi-gcc -Wall -Wextra -Werror -O2), float and int8', () => {
    compileForCortexM4(generateModel(floatCnn()));
    compileForCortexM4(generateModel(int8Mlp([64, 32, 10])));
    compileForCortexM4(generateModel(int8Mlp([64, 32, 10]), { board: { kernels: 'cortex-m-dsp' } }));
  });

  it('is deterministic, sanitises names into C and keeps the original in comments, and exposes the C ABI', () => {
    const a = generateModel(floatCnn());
    const b = generateModel(floatCnn());
    expect(a.files).toEqual(b.files);
    const c = a.files['model.c'];
    expect(c).toContain('static const float w_conv1_weight[72] TFG_ALIGN(4)');
    expect(c).toContain('/* conv1.weight: [4, 3, 3, 2] f32 */');
    expect(c).not.toMatch(/image\/in:0[^\n]*\*\/[^\n]*image/); // only inside comments
    const h = a.files['model.h'];
    expect(h).toContain('#define TFG_MODEL_INPUT_BYTES 512');
    expect(h).toContain('#define TFG_MODEL_OUTPUT_BYTES 20');
    expect(h).toContain(`#define TFG_MODEL_ARENA_BYTES ${a.arenaBytes}`);
    expect(h).toContain('#define TFG_MODEL_NUM_LAYERS 7');
    expect(h).toMatch(/#define TFG_MODEL_HASH 0x[0-9a-f]{8}u/);
    expect(h).toContain('int32_t tfg_model_run(const void *input, void *output, tfg_layer_hook hook, void *ctx);');
    // A different weight changes the hash.
    const g2 = floatCnn();
    (g2.tensors['conv1.weight'].data as Float32Array)[0] += 1;
    expect(generateModel(g2).hash).not.toBe(a.hash);
    // Only the kernels used are shipped.
    expect(
      Object.keys(a.files)
        .filter((f) => f.endsWith('.c'))
        .sort(),
    ).toEqual([
      'model.c',
      'tfg/kernels/activation/tfg_softmax_f32.c',
      'tfg/kernels/conv/tfg_conv2d_f32.c',
      'tfg/kernels/dense/tfg_dense_f32.c',
      'tfg/kernels/pool/tfg_maxpool_f32.c',
    ]);
  });

  it('ships the headers and support code its kernels include, each once, and nothing else', () => {
    const g = int8Mlp([16, 8, 4]);
    const shipped = (kernels: string) => {
      const gen = generateModel(g, { board: { kernels } });
      expect(new Set(gen.sources).size).toBe(gen.sources.length);
      return Object.keys(gen.files)
        .filter((f) => f.startsWith('tfg/include/') || f.startsWith('tfg/support/'))
        .sort();
    };
    expect(shipped('reference')).toEqual(['tfg/include/tfg_kernels.h', 'tfg/include/tfg_support.h']);
    // tfg_dense_s8_dsp includes tfg_gemm_dsp.h (its register block, compiled once in support/tfg_gemm_dsp.c), which
    // includes tfg_dsp.h, whose requantization's rare path is compiled once in support/tfg_dsp.c.
    expect(shipped('cortex-m-dsp')).toEqual([
      'tfg/include/tfg_dsp.h',
      'tfg/include/tfg_gemm_dsp.h',
      'tfg/include/tfg_kernels.h',
      'tfg/include/tfg_support.h',
      'tfg/support/tfg_dsp.c',
      'tfg/support/tfg_gemm_dsp.c',
    ]);
    expect(generateModel(g, { board: { kernels: 'cortex-m-dsp' } }).sources.slice(-2)).toEqual([
      'tfg/support/tfg_dsp.c',
      'tfg/support/tfg_gemm_dsp.c',
    ]);
  });

  it('suffixes colliding sanitised names', () => {
    const b = new GraphBuilder('collide');
    const x = b.input('x', [1, 4]);
    const w1 = b.constant('fc.w', randF32(rng(1), 16), [4, 4]);
    const w2 = b.constant('fc/w', randF32(rng(2), 16), [4, 4]);
    const h = b.node('Dense', [x, w1, ''], {}, 'a');
    b.output(b.node('Dense', [h, w2, ''], {}, 'b'));
    const c = generateModel(b.build()).files['model.c'];
    expect(c).toContain('w_fc_w[16]');
    expect(c).toContain('w_fc_w_2[16]');
  });

  it('lists every node it cannot compile in one unsupported-op error', () => {
    const b = new GraphBuilder('bad');
    const x = b.input('x', [1, 4], 'i8', { scale: [0.1], zeroPoint: [0] });
    const s = b.node('LeakyRelu', [x], { alpha: 0.1 }, { name: 's1', dtype: 'i8', quant: { scale: [0.1], zeroPoint: [0] } });
    b.output(b.node('LeakyRelu', [s], { alpha: 0.2 }, { name: 't1', dtype: 'i8', quant: { scale: [0.1], zeroPoint: [0] } }));
    try {
      generateModel(b.build());
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TinyforgeError);
      expect((e as TinyforgeError).code).toBe('unsupported-op');
      expect((e as TinyforgeError).diagnostic.notes).toHaveLength(2);
      expect((e as TinyforgeError).diagnostic.notes![0]).toContain('node "s1" (LeakyRelu)');
      // each emitter's own diagnostic is kept whole: its code, the node, its hint
      const related = (e as TinyforgeError).diagnostic.related!;
      expect(related.map((d) => [d.code, d.location?.node])).toEqual([
        ['unsupported-op', 's1'],
        ['unsupported-op', 't1'],
      ]);
      expect(related[0].hint).toBeTruthy();
    }
  });
});

describe('several inputs and outputs', () => {
  it('packs them at 4-byte aligned offsets in one buffer each way, copies outputs no layer writes, matches the reference', () => {
    const r = rng(5);
    const b = new GraphBuilder('two in three out');
    const a = b.input('a', [1, 3]);
    const c = b.input('c', [1, 2, 3]);
    const s = b.node('Add', [c, a], { activation: 'none' }, 'sum');
    const m = b.node('Mul', [s, b.constant('k', randF32(r, 3), [3])], { activation: 'relu' }, 'prod');
    b.output(m).output(a).output(s);
    const g = b.build();
    const gen = generateModel(g);
    expect(gen.io.inputs.map((x) => [x.tensor, x.offset, x.bytes])).toEqual([
      ['a', 0, 12],
      ['c', 12, 24],
    ]);
    expect(gen.io.outputs.map((x) => [x.tensor, x.offset, x.bytes])).toEqual([
      ['prod', 0, 24],
      ['a', 24, 12],
      ['sum', 36, 24],
    ]);
    expect(gen.files['model.h']).toContain('#define TFG_MODEL_INPUT_BYTES 36');
    expect(gen.files['model.h']).toContain('#define TFG_MODEL_OUTPUT1_OFFSET 24');
    const inputs = [0, 1, 2].map(() => {
      const packed = new Float32Array(9);
      packed.set(randF32(r, 9));
      return packed;
    });
    const run = runOnHost(g, inputs);
    inputs.forEach((x, i) => {
      const ref = runGraph(g, { a: x.slice(0, 3), c: x.slice(3, 9) }).outputs;
      const got = asF32(run.outputs[i]);
      expect(maxFloatViolation(got.slice(0, 6), ref.prod as Float32Array)).toBeNull();
      expect(Array.from(got.slice(6, 9))).toEqual(Array.from(ref.a));
      expect(maxFloatViolation(got.slice(9, 15), ref.sum as Float32Array)).toBeNull();
    });
  });
});

describe('mixed precision after the real PTQ pass', () => {
  it('int8 layers around a float-only LeakyRelu (Dequantize → LeakyRelu → Quantize) give the reference bytes', async () => {
    const { calibrate } = await import('../../src/compress/calibrate.ts');
    const { quantizeGraphInt8 } = await import('../../src/compress/quantize-int8.ts');
    const r = rng(3);
    const b = new GraphBuilder('mixed');
    const x = b.input('x', [1, 16]);
    const h = b.node(
      'Dense',
      [x, b.constant('w1', randF32(r, 16 * 12, -0.5, 0.5), [12, 16]), b.constant('b1', randF32(r, 12), [12])],
      {},
      'fc1',
    );
    const s = b.node('LeakyRelu', [h], { alpha: 0.1 }, 'leaky');
    b.output(b.node('Dense', [s, b.constant('w2', randF32(r, 12 * 4, -0.5, 0.5), [4, 12]), ''], {}, 'fc2'));
    const g = b.build();
    const qg = quantizeGraphInt8(
      g,
      calibrate(
        g,
        [1, 2, 3, 4].map((i) => ({ x: randF32(rng(i), 16) })),
      ),
    ).graph;
    expect(qg.nodes.map((n) => n.op)).toContain('Dequantize');
    const q0 = qg.tensors[qg.inputs[0]].quant!;
    const inputs = [5, 6, 7].map((i) =>
      Int8Array.from(randF32(rng(i), 16), (v) => Math.max(-128, Math.min(127, Math.round(v / q0.scale[0]) + q0.zeroPoint[0]))),
    );
    const run = runOnHost(qg, inputs);
    expect(run.gen.kernels).toEqual(expect.arrayContaining(['tfg_dense_s8', 'tfg_dequantize_s8', 'tfg_leaky_relu_f32', 'tfg_quantize_s8']));
    inputs.forEach((xq, i) => expect(run.outputs[i]).toEqual(bytes(runGraph(qg, { [qg.inputs[0]]: xq }).outputs[qg.outputs[0]])));
  });
});
