// Float reference kernels against small hand-computed goldens (TFLM style), one describe per op family.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { OpAttrs, OpType, TensorData } from '../../src/ir/graph.ts';
import { kernelFor, runGraph } from '../../src/reference/interpreter.ts';
import { floatKernels } from '../../src/reference/float/index.ts';
import { int8Kernels } from '../../src/reference/int8/index.ts';
import { OP_TYPES } from '../../src/ir/graph.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';

const f32 = (v: number[]) => Float32Array.from(v);
const iota = (n: number, f: (i: number) => number = (i) => i) => Float32Array.from({ length: n }, (_, i) => f(i));

/** Runs one node y = op(x, ...consts) and returns y's values and shape. */
function run1<K extends OpType>(
  op: K,
  x: Float32Array,
  xShape: number[],
  consts: [number[] | Float32Array, number[]][],
  attrs: Partial<OpAttrs[K]> = {},
) {
  const b = new GraphBuilder('one');
  const xi = b.input('x', xShape);
  const cs = consts.map(([d, s], i) => b.constant(`c${i}`, d, s));
  const y = b.node(op, [xi, ...cs], attrs, 'y');
  const g = b.output(y).build();
  return { y: runGraph(g, { x }).outputs.y as Float32Array, shape: g.tensors.y.shape };
}

function close(actual: TensorData, golden: number[], tol = 1e-6) {
  expect(actual.length).toBe(golden.length);
  actual.forEach((v, i) => expect(v, `index ${i}`).toBeCloseTo(golden[i], -Math.log10(tol)));
}

describe('Conv2D', () => {
  const kernel = [1, 0, -1, 1, 0, -1, 1, 0, -1]; // vertical-edge 3×3, OHWI [1,3,3,1]
  it('3×3 on a 4×4 input (valid)', () => {
    const { y, shape } = run1(
      'Conv2D',
      iota(16, (i) => i * i),
      [1, 4, 4, 1],
      [[kernel, [1, 3, 3, 1]]],
    );
    expect(shape).toEqual([1, 2, 2, 1]);
    expect([...y]).toEqual([-60, -72, -108, -120]);
  });
  it('bias and fused relu', () => {
    const { y } = run1(
      'Conv2D',
      iota(16, (i) => i * i),
      [1, 4, 4, 1],
      [
        [kernel, [1, 3, 3, 1]],
        [[100], [1]],
      ],
      { activation: 'relu' },
    );
    expect([...y]).toEqual([40, 28, 0, 0]);
  });
  it('asymmetric pads [top 1, left 0, bottom 0, right 1]', () => {
    const { y, shape } = run1(
      'Conv2D',
      iota(9, (i) => i + 1),
      [1, 3, 3, 1],
      [
        [
          [1, 1, 1, 1],
          [1, 2, 2, 1],
        ],
      ],
      { pads: [1, 0, 0, 1] },
    );
    expect(shape).toEqual([1, 3, 3, 1]);
    expect([...y]).toEqual([3, 5, 3, 12, 16, 9, 24, 28, 15]);
  });
  it('dilation 2: out = 10·x[i][j] + 82 for x[r][c] = 5r + c', () => {
    const { y } = run1(
      'Conv2D',
      iota(25),
      [1, 5, 5, 1],
      [
        [
          [1, 2, 3, 4],
          [1, 2, 2, 1],
        ],
      ],
      { dilations: [2, 2] },
    );
    expect([...y]).toEqual([82, 92, 102, 132, 142, 152, 182, 192, 202]);
  });
  it('stride 2 with pads 1', () => {
    const { y } = run1('Conv2D', iota(16), [1, 4, 4, 1], [[new Array(9).fill(1), [1, 3, 3, 1]]], { strides: [2, 2], pads: [1, 1, 1, 1] });
    expect([...y]).toEqual([10, 24, 51, 90]);
  });
  it('groups 2 with two outputs per group', () => {
    const w = [1, 0, 0, 1, 1, 1, 2, 0]; // [4,1,1,2]
    const { y } = run1('Conv2D', f32([1, 2, 3, 4]), [1, 1, 1, 4], [[w, [4, 1, 1, 2]]], { groups: 2 });
    expect([...y]).toEqual([1, 2, 7, 6]);
  });
  it('multiple input channels are read from NHWC, weights from OHWI', () => {
    // x: 1×1×2×2 (two pixels, two channels); w: 1 output, 1×2 kernel, 2 channels
    const { y } = run1(
      'Conv2D',
      f32([1, 2, 3, 4]),
      [1, 1, 2, 2],
      [
        [
          [10, 100, 1000, 10000],
          [1, 1, 2, 2],
        ],
      ],
    );
    expect([...y]).toEqual([1 * 10 + 2 * 100 + 3 * 1000 + 4 * 10000]);
  });
});

describe('DepthwiseConv2D', () => {
  it('multiplier 2: output channel c·2+m reads input channel c', () => {
    const x = f32([1, 10, 2, 20, 3, 30, 4, 40]); // 2×2 pixels × 2 channels
    const w = new Array(16).fill(0);
    for (let k = 0; k < 4; k++) {
      w[k * 4 + 0] = 1;
      w[k * 4 + 2] = 1;
    }
    w[0 * 4 + 1] = 1; // oc1 sees only the top-left tap of channel 0
    w[3 * 4 + 3] = 1; // oc3 sees only the bottom-right tap of channel 1
    const { y, shape } = run1(
      'DepthwiseConv2D',
      x,
      [1, 2, 2, 2],
      [
        [w, [1, 2, 2, 4]],
        [[0, 0, 0, -50], [4]],
      ],
      { multiplier: 2 },
    );
    expect(shape).toEqual([1, 1, 1, 4]);
    expect([...y]).toEqual([10, 1, 100, -10]);
  });
  it('stride 2, pads and relu6', () => {
    const { y } = run1('DepthwiseConv2D', iota(16), [1, 4, 4, 1], [[new Array(9).fill(1), [1, 3, 3, 1]]], {
      strides: [2, 2],
      pads: [1, 1, 1, 1],
      activation: 'relu6',
    });
    expect([...y]).toEqual([6, 6, 6, 6]);
  });
});

describe('Dense', () => {
  it('W is [out, in], bias and relu', () => {
    const w = [1, 0, -1, 0.5, 0.5, 0.5];
    expect([
      ...run1(
        'Dense',
        f32([1, 2, 3]),
        [1, 3],
        [
          [w, [2, 3]],
          [[0.5, -1], [2]],
        ],
      ).y,
    ]).toEqual([-1.5, 2]);
    expect([
      ...run1(
        'Dense',
        f32([1, 2, 3]),
        [1, 3],
        [
          [w, [2, 3]],
          [[0.5, -1], [2]],
        ],
        { activation: 'relu' },
      ).y,
    ]).toEqual([0, 2]);
  });
  it('batch of 2 rows', () => {
    expect([
      ...run1(
        'Dense',
        f32([1, 0, 0, 1]),
        [2, 2],
        [
          [
            [1, 2, 3, 4, 5, 6],
            [3, 2],
          ],
        ],
      ).y,
    ]).toEqual([1, 3, 5, 2, 4, 6]);
  });
});

describe('pools', () => {
  const x = iota(9, (i) => i + 1); // 3×3: 1..9
  it('AveragePool 3×3 pads 1, count_include_pad 0 divides by the in-bounds count', () => {
    const { y } = run1('AveragePool', x, [1, 3, 3, 1], [], { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], countIncludePad: false });
    close(y, [3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7]);
  });
  it('AveragePool count_include_pad 1 divides by 9', () => {
    const { y } = run1('AveragePool', x, [1, 3, 3, 1], [], { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], countIncludePad: true });
    close(
      y,
      [12, 21, 16, 27, 45, 33, 24, 39, 28].map((s) => s / 9),
    );
  });
  it('MaxPool never picks the padding, even when every value is negative', () => {
    const { y } = run1(
      'MaxPool',
      x.map((v) => -v),
      [1, 3, 3, 1],
      [],
      { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] },
    );
    expect([...y]).toEqual([-1, -1, -2, -1, -1, -2, -4, -4, -5]);
  });
  it('MaxPool 2×2 stride 2 per channel', () => {
    const { y } = run1('MaxPool', f32([1, -1, 5, -5, 2, -2, 3, -3]), [1, 2, 2, 2], []);
    expect([...y]).toEqual([5, -1]);
  });
  it('GlobalAveragePool', () => {
    expect([...run1('GlobalAveragePool', f32([1, 10, 2, 20, 3, 30, 4, 40]), [1, 2, 2, 2], []).y]).toEqual([2.5, 25]);
  });
});

describe('element-wise', () => {
  it('Add broadcasts a per-channel constant and fuses relu', () => {
    expect([...run1('Add', f32([1, -2, 3, -4]), [1, 1, 2, 2], [[[1, 1], [2]]], { activation: 'relu' }).y]).toEqual([2, 0, 4, 0]);
  });
  it('Mul [2,1] × [1,3] → [2,3]; Sub; Div by zero gives ±Inf', () => {
    const m = run1(
      'Mul',
      f32([2, 3]),
      [2, 1],
      [
        [
          [1, 10, 100],
          [1, 3],
        ],
      ],
    );
    expect(m.shape).toEqual([2, 3]);
    expect([...m.y]).toEqual([2, 20, 200, 3, 30, 300]);
    expect([...run1('Sub', f32([5, 5]), [2], [[[1, 7], [2]]]).y]).toEqual([4, -2]);
    expect([...run1('Div', f32([1, -1, 6]), [3], [[[0, 0, 4], [3]]]).y]).toEqual([Infinity, -Infinity, 1.5]);
  });
  it('Relu, Clip, LeakyRelu, Sigmoid, Tanh', () => {
    const x = f32([-2, -0.5, 0, 0.5, 7]);
    expect([...run1('Relu', x, [5], []).y]).toEqual([0, 0, 0, 0.5, 7]);
    expect([...run1('Clip', x, [5], [], { min: 0, max: 6 }).y]).toEqual([0, 0, 0, 0.5, 6]);
    close(run1('LeakyRelu', x, [5], [], { alpha: 0.1 }).y, [-0.2, -0.05, 0, 0.5, 7]);
    close(run1('Sigmoid', f32([0, Math.log(3), -Math.log(3), 100]), [4], []).y, [0.5, 0.75, 0.25, 1]);
    close(run1('Tanh', f32([0, Math.log(3)]), [2], []).y, [0, 0.8]);
  });
  it('BatchNormalization', () => {
    const { y } = run1(
      'BatchNormalization',
      f32([1, 2]),
      [1, 1, 1, 2],
      [
        [[2, 1], [2]],
        [[1, 0], [2]],
        [[0, 1], [2]],
        [[3, 3], [2]],
      ],
      { epsilon: 1 },
    );
    close(y, [2, 0.5]);
  });
});

describe('Softmax', () => {
  it('last axis', () => {
    close(run1('Softmax', f32([Math.log(1), Math.log(2), Math.log(5)]), [1, 3], []).y, [1 / 8, 2 / 8, 5 / 8]);
  });
  it('axis 1 of [1,2,2] and beta 2', () => {
    const l3 = Math.log(3);
    close(run1('Softmax', f32([0, l3, l3, 0]), [1, 2, 2], [], { axis: 1 }).y, [0.25, 0.75, 0.75, 0.25]);
    close(run1('Softmax', f32([0, l3]), [1, 2], [], { beta: 2 }).y, [0.1, 0.9]);
  });
  it('large logits do not overflow', () => {
    expect([...run1('Softmax', f32([1000, 1000]), [1, 2], []).y]).toEqual([0.5, 0.5]);
  });
});

describe('layout ops', () => {
  it('Transpose NHWC → NCHW', () => {
    // x[0,h,w,c] = 100h + 10w + c over 2×2×3
    const x = f32([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]);
    const { y, shape } = run1('Transpose', x, [1, 2, 2, 3], [], { perm: [0, 3, 1, 2] });
    expect(shape).toEqual([1, 3, 2, 2]);
    expect([...y]).toEqual([0, 10, 100, 110, 1, 11, 101, 111, 2, 12, 102, 112]);
  });
  it('Reshape keeps the order', () => {
    expect(run1('Reshape', iota(6), [1, 2, 3], [], { shape: [3, -1] })).toEqual({ y: iota(6), shape: [3, 2] });
  });
  it('Pad constant with begins then ends', () => {
    const { y, shape } = run1('Pad', f32([1, 2, 3, 4]), [2, 2], [], { pads: [1, 0, 0, 1], value: -1 });
    expect(shape).toEqual([3, 3]);
    expect([...y]).toEqual([-1, -1, -1, 1, 2, -1, 3, 4, -1]);
  });
  it('Concat on channels and on height', () => {
    const b = new GraphBuilder('cat');
    const x = b.input('x', [1, 1, 2, 1]);
    const y = b.input('y', [1, 1, 2, 2]);
    const c = b.node('Concat', [x, y], { axis: 3 }, 'c');
    const h = b.node('Concat', [c, c], { axis: 1 }, 'h');
    const out = runGraph(b.output(c).output(h).build(), { x: f32([1, 2]), y: f32([10, 11, 20, 21]) }).outputs;
    expect([...out.c]).toEqual([1, 10, 11, 2, 20, 21]);
    expect([...out.h]).toEqual([1, 10, 11, 2, 20, 21, 1, 10, 11, 2, 20, 21]);
  });
});

describe('Quantize / Dequantize', () => {
  it('round half away from zero, zero point, saturation; and back', () => {
    const b = new GraphBuilder('q');
    const x = b.input('x', [6]);
    const q = b.node('Quantize', [x], {}, { name: 'q', quant: { scale: [0.5], zeroPoint: [-3] } });
    b.output(q).output(b.node('Dequantize', [q], {}, 'd'));
    const out = runGraph(b.build(), { x: f32([0.25, -0.25, 0.75, 100, -100, 1]) }).outputs;
    expect(out.q).toEqual(Int8Array.from([-2, -4, -1, 127, -128, -1]));
    expect([...out.d]).toEqual([0.5, -0.5, 1, 65, -62.5, 1]);
  });
});

describe('runGraph', () => {
  function chain() {
    const b = new GraphBuilder('chain');
    const x = b.input('x', [1, 2]);
    const w = b.constant('w', [1, 1, 1, -1], [2, 2]);
    const d = b.node('Dense', [x, w], {}, 'd');
    return b.output(b.node('Relu', [d], {}, 'r')).build();
  }
  it('collect returns every activation and leaves weights untouched', () => {
    const g = chain();
    const res = runGraph(g, { x: f32([3, 5]) }, { collect: true });
    expect(Object.keys(res.values!).sort()).toEqual(['d', 'r', 'x']);
    expect([...res.values!.d]).toEqual([8, -2]);
    expect([...res.outputs.r]).toEqual([8, 0]);
    expect([...g.tensors.w.data!]).toEqual([1, 1, 1, -1]);
  });
  it('a missing input is a missing-input error, a mis-sized one a bad-input error, naming the input', () => {
    const g = chain();
    expect(() => runGraph(g, {})).toThrow(TinyforgeError);
    expect(() => runGraph(g, {})).toThrow(/graph input "x" was not given/);
    expect(() => runGraph(g, { x: f32([1, 2, 3]) })).toThrow(/needs 2 f32 values \(shape \[1,2\]\), got 3 in a Float32Array/);
    expect(() => runGraph(g, { x: Int8Array.from([1, 2]) })).toThrow(/got 2 in a Int8Array/);
  });
  it('never runs a float kernel on an i8 input for arithmetic ops; layout ops are dtype-agnostic', () => {
    const t = { name: 'x', shape: [1, 2], dtype: 'i8' as const };
    const node = (op: OpType) => ({ name: 'n', op, inputs: ['x'], outputs: ['y'], attrs: {} }) as never;
    expect(kernelFor(node('Dense'), t)).toBe(int8Kernels.Dense);
    expect(kernelFor(node('Dense'), t)).not.toBe(floatKernels.Dense);
    expect(kernelFor(node('Reshape'), t)).toBeDefined();
    expect(kernelFor(node('Dense'), { ...t, dtype: 'f32' })).toBe(floatKernels.Dense);
  });
  it('an i8 node whose op has no int8 kernel is an unsupported-op error naming the node', () => {
    const missing = OP_TYPES.find((op) => !int8Kernels[op] && ['LeakyRelu', 'Div'].includes(op));
    expect(missing).toBeDefined();
    const b = new GraphBuilder('i8');
    const x = b.input('x', [1, 2], 'i8', { scale: [0.1], zeroPoint: [0] });
    const y = b.node(missing!, missing === 'Div' ? [x, x] : [x], {}, { name: 'y', node: 'act1', quant: { scale: [0.1], zeroPoint: [0] } });
    const g = b.output(y).build();
    let err: unknown;
    try {
      runGraph(g, { x: Int8Array.from([1, 2]) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TinyforgeError);
    expect((err as TinyforgeError).code).toBe('unsupported-op');
    expect((err as TinyforgeError).diagnostic.location).toEqual({ node: 'act1', op: missing });
  });
});
