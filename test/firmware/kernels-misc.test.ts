// The remaining kernels against the TS reference: activations (Relu, Clip, LeakyRelu, Sigmoid, Tanh), Softmax (float any
// axis, int8), Concat (int8 with requantized inputs), Transpose, Pad, BatchNormalization, Quantize/Requantize/Dequantize, Reshape.
import { describe, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, OpAttrs, OpType, QuantParams } from '../../src/ir/graph.ts';
import { q, randF32, randI8, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from './kernel-check.ts';

function unary<K extends OpType>(op: K, shape: number[], attrs: Partial<OpAttrs[K]>, qin?: QuantParams, qout?: QuantParams): Graph {
  const b = new GraphBuilder(`${op} [${shape}] ${JSON.stringify(attrs)} ${qin ? 's8' : 'f32'}`);
  const x = qin ? b.input('x', shape, 'i8', qin) : b.input('x', shape);
  b.output(b.node(op, [x], attrs, qout ? { name: 'y', dtype: 'i8', quant: qout } : 'y'));
  return b.build();
}

describe('activation kernels', () => {
  it('float Relu, Clip, LeakyRelu, Sigmoid, Tanh', () => {
    checkAgainstReference(unary('Relu', [1, 4, 4, 3], {}));
    checkAgainstReference(unary('Clip', [1, 20], { min: -0.5, max: 1.25 }));
    checkAgainstReference(unary('LeakyRelu', [1, 20], { alpha: 0.1 }));
    checkAgainstReference(unary('Sigmoid', [1, 30], {}));
    checkAgainstReference(unary('Tanh', [1, 30], {}));
  });
  it('int8 Relu and Clip, same and different output quantization', () => {
    checkAgainstReference(unary('Relu', [1, 40], {}, q(0.05, -10), q(0.05, -10)));
    checkAgainstReference(unary('Relu', [1, 40], {}, q(0.05, -10), q(0.03, -128)));
    checkAgainstReference(unary('Clip', [1, 40], { min: 0, max: 6 }, q(0.1, 5), q(0.1, 5)));
  });
  it('float Softmax on the last and a middle axis, with beta', () => {
    checkAgainstReference(unary('Softmax', [2, 10], { axis: -1, beta: 1 }));
    checkAgainstReference(unary('Softmax', [1, 3, 4, 5], { axis: 2, beta: 0.5 }));
  });
  it('int8 Softmax (gemmlowp fixed point) for small and large input scales', () => {
    const edge = [new Int8Array(20).fill(127), Int8Array.from({ length: 20 }, (_, i) => (i % 2 ? -128 : 127))];
    checkAgainstReference(unary('Softmax', [2, 10], { axis: -1, beta: 1 }, q(0.1, 3), q(1 / 256, -128)), { samples: 8, extra: edge });
    checkAgainstReference(unary('Softmax', [1, 20], { axis: -1, beta: 1 }, q(0.0125, -128), q(1 / 256, -128)), { samples: 8 });
  });
});

describe('shape and conversion kernels', () => {
  it('Concat float (axis 3 and 1) and int8 with one input requantized', () => {
    const r = rng(3);
    const f = new GraphBuilder('concat f32');
    const x = f.input('x', [1, 2, 3, 2]);
    const c = f.constant('c', randF32(r, 18), [1, 2, 3, 3]);
    f.output(f.node('Concat', [x, c, x], { axis: 3 }, 'y'));
    checkAgainstReference(f.build());
    const f1 = new GraphBuilder('concat f32 axis1');
    const x1 = f1.input('x', [2, 3, 2]);
    f1.output(f1.node('Concat', [f1.constant('c', randF32(r, 4), [2, 1, 2]), x1], { axis: 1 }, 'y'));
    checkAgainstReference(f1.build());
    const s = new GraphBuilder('concat s8');
    const qs = s.input('x', [1, 3, 3, 2], 'i8', q(0.05, 2));
    const k = s.constant('c', randI8(r, 9), [1, 3, 3, 1], q(0.2, -50));
    s.output(s.node('Concat', [qs, k], { axis: -1 }, { name: 'y', dtype: 'i8', quant: q(0.05, 2) }));
    checkAgainstReference(s.build());
  });

  it('Transpose and Pad, float and int8', () => {
    checkAgainstReference(unary('Transpose', [1, 2, 3, 4], { perm: [0, 3, 1, 2] }));
    checkAgainstReference(unary('Transpose', [2, 3, 4], { perm: [2, 0, 1] }, q(0.1, 1), q(0.1, 1)));
    checkAgainstReference(unary('Pad', [1, 3, 3, 2], { pads: [0, 1, 2, 0, 0, 2, 1, 1], value: 0.5 }));
    checkAgainstReference(unary('Pad', [1, 3, 3, 2], { pads: [0, 1, 1, 0, 0, 1, 1, 0], value: 0 }, q(0.1, -7), q(0.1, -7)));
  });

  it('BatchNormalization float', () => {
    const r = rng(9);
    const b = new GraphBuilder('bn');
    const x = b.input('x', [1, 3, 3, 4]);
    const [s, bias, mean] = ['s', 'b', 'm'].map((n) => b.constant(n, randF32(r, 4), [4]));
    const v = b.constant('v', randF32(r, 4, 0.1, 2), [4]);
    b.output(b.node('BatchNormalization', [x, s, bias, mean, v], { epsilon: 1e-5 }, 'y'));
    checkAgainstReference(b.build());
  });

  it('Quantize (f32 → i8, with rounding ties), Requantize (i8 → i8), Dequantize (i8 → f32)', () => {
    const ties = Float32Array.from([0.05, -0.05, 0.15, -0.15, 0.25, -0.25, 12.7, -12.9, 1e6, -1e6]);
    checkAgainstReference(unary('Quantize', [1, 10], {}, undefined, q(0.1, 0)), { extra: [ties], samples: 6 });
    checkAgainstReference(unary('Quantize', [1, 10], {}, q(0.1, 4), q(0.03, -100)));
    checkAgainstReference(unary('Dequantize', [1, 10], {}, q(0.037, -128)), {
      extra: [Int8Array.from([-128, 127, 0, 1, -1, 5, 6, 7, 8, 9])],
    });
  });

  it('Reshape between two layers aliases (no code) and a Reshape of the graph input to the output copies', () => {
    const b = new GraphBuilder('reshape alias');
    const x = b.input('x', [1, 2, 3, 4]);
    const rl = b.node('Relu', [x], {}, 'r');
    const f = b.node('Reshape', [rl], { shape: [1, 24] }, 'flat');
    b.output(b.node('Sigmoid', [f], {}, 'y'));
    checkAgainstReference(b.build());
    checkAgainstReference(unary('Reshape', [1, 2, 3, 4], { shape: [6, 4] }), { expectKernels: { reference: ['tfg_copy_x8'] } });
  });
});
