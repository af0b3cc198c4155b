// int8 reference kernels against hand-computed golden values (rounding ties, saturation, zero points, padding).
import { describe, expect, it } from 'vitest';
import type { DType, Node, OpAttrs, OpType, Tensor, TensorData } from '../../src/ir/graph.ts';
import type { Value } from '../../src/reference/kernel.ts';
import { int8Kernels } from '../../src/reference/int8/index.ts';
import { dequantizeValue } from '../../src/reference/quant.ts';

const q = (scale: number | number[], zeroPoint: number | number[] = 0, axis?: number) => ({
  scale: Array.isArray(scale) ? scale : [scale],
  zeroPoint: Array.isArray(zeroPoint) ? zeroPoint : [zeroPoint],
  ...(axis === undefined ? {} : { axis }),
});
type Q = ReturnType<typeof q>;

function val(name: string, shape: number[], data: number[], quant?: Q, dtype: DType = 'i8'): Value {
  const arr: TensorData = dtype === 'i8' ? Int8Array.from(data) : dtype === 'i32' ? Int32Array.from(data) : Float32Array.from(data);
  return { name, shape, dtype, data: arr, quant };
}
function out(shape: number[], quant?: Q, dtype: DType = 'i8'): Tensor {
  return { name: 'y', shape, dtype, quant };
}
function run<K extends OpType>(op: K, attrs: OpAttrs[K], inputs: (Value | undefined)[], output: Tensor): number[] {
  const node = { name: `test_${op}`, op, inputs: inputs.map((v) => v?.name ?? ''), outputs: ['y'], attrs } as Node;
  const kernel = int8Kernels[op];
  if (!kernel) throw new Error(`no int8 kernel for ${op}`);
  return Array.from(kernel(node, inputs, [output])[0]);
}
const conv = (pads: [number, number, number, number] = [0, 0, 0, 0], groups = 1) => ({
  strides: [1, 1] as [number, number],
  dilations: [1, 1] as [number, number],
  pads,
  groups,
  activation: 'none' as const,
});

describe('Dense', () => {
  // x − zp = [2, 3]; channel 0: 1·2 − 2·3 − 4 = −8, × 0.5·0.25/1 = −1; channel 1: 3·2 + 4·3 − 8 = 10, × 0.25 = 2.5 → 3 (double rounding).
  const x = val('x', [1, 2], [1, 2], q(0.5, -1));
  const w = val('w', [2, 2], [1, -2, 3, 4], q([0.25, 0.5], [0, 0], 0));
  const b = val('b', [2], [-4, -8], q([0.125, 0.25]), 'i32');
  it('per-channel requantization, bias, output zero point', () => {
    expect(run('Dense', { activation: 'none' }, [x, w, b], out([1, 2], q(1, 3)))).toEqual([2, 6]);
  });
  it('fused relu clamps at the output zero point', () => {
    expect(run('Dense', { activation: 'relu' }, [x, w, b], out([1, 2], q(1, 3)))).toEqual([3, 6]);
  });
  it('saturates at −128 and 127; no bias', () => {
    const big = val('w', [2, 2], [127, 127, -127, -127], q([1, 1], [0, 0], 0));
    expect(run('Dense', { activation: 'none' }, [val('x', [1, 2], [100, 100], q(1)), big, undefined], out([1, 2], q(1)))).toEqual([
      127, -128,
    ]);
  });
});

describe('Conv2D', () => {
  // 3×3 image 1..9 stored with zp 2; 2×2 kernel of ones; bottom/right padding adds real 0; two channels (+1, −1).
  const x = val(
    'x',
    [1, 3, 3, 1],
    [1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => v + 2),
    q(1, 2),
  );
  const w = val('w', [2, 2, 2, 1], [1, 1, 1, 1, -1, -1, -1, -1], q([1, 0.5], [0, 0], 0));
  it('padding taps are skipped (real zero), per-channel scales', () => {
    const y = run('Conv2D', conv([0, 0, 1, 1]), [x, w, undefined], out([1, 3, 3, 2], q(0.25)));
    const sums = [12, 16, 9, 24, 28, 15, 15, 17, 9];
    expect(y).toEqual(sums.flatMap((s) => [Math.min(127, s * 4), -s * 2]));
  });
  it('groups: each output channel sees its own input slice', () => {
    const xg = val('x', [1, 1, 1, 2], [3, -5], q(1));
    const wg = val('w', [2, 1, 1, 1], [2, 3], q([1, 1], [0, 0], 0));
    expect(run('Conv2D', conv([0, 0, 0, 0], 2), [xg, wg, undefined], out([1, 1, 1, 2], q(1)))).toEqual([6, -15]);
  });
});

describe('DepthwiseConv2D', () => {
  it('per-channel, multiplier 2, bias', () => {
    const x = val('x', [1, 2, 2, 2], [1, 10, 2, 20, 3, 30, 4, 40], q(1));
    // W[0,ky,kx,o]: o = 0,1 from channel 0 (×1, ×−1), o = 2,3 from channel 1 (×1, ×2 at scale 0.5)
    const w = val('w', [1, 2, 2, 4], [1, -1, 1, 2, 1, -1, 1, 2, 1, -1, 1, 2, 1, -1, 1, 2], q([1, 1, 0.5, 0.5], [0, 0, 0, 0], 3));
    const b = val('b', [4], [1, 0, 0, 0], q([1, 1, 0.5, 0.5]), 'i32');
    const y = run('DepthwiseConv2D', { ...conv(), multiplier: 2 }, [x, w, b], out([1, 1, 1, 4], q(1)));
    // ch0 sum 10 (+1 bias) → 11, −10; ch1 sum 100: ×1·0.5 = 50, ×2·0.5 = 100
    expect(y).toEqual([11, -10, 50, 100]);
  });
});

describe('pools', () => {
  const pool = {
    kernel: [2, 2] as [number, number],
    strides: [2, 2] as [number, number],
    pads: [0, 0, 0, 0] as [number, number, number, number],
  };
  it('MaxPool with fused relu6', () => {
    const x = val('x', [1, 2, 4, 1], [-5, 3, -9, -100, 7, -128, -7, -8], q(1));
    expect(run('MaxPool', { ...pool, activation: 'relu6' }, [x], out([1, 1, 2, 1], q(1)))).toEqual([6, 0]);
  });
  it('AveragePool rounds half away from zero like TFLite', () => {
    // windows: [1,2,2,2] = 7/4 → 2; [−1,−2,−2,−2] = −7/4 → −2; [−1,−1,0,0] = −0.5 → −1; [1,1,0,0] = 0.5 → 1
    const x = val('x', [1, 2, 8, 1], [1, 2, -1, -2, -1, -1, 1, 1, 2, 2, -2, -2, 0, 0, 0, 0], q(0.1, 3));
    expect(run('AveragePool', { ...pool, countIncludePad: false, activation: 'none' }, [x], out([1, 1, 4, 1], q(0.1, 3)))).toEqual([
      2, -2, -1, 1,
    ]);
  });
  it('AveragePool with padding: TFLite ignores padding, ONNX countIncludePad adds zero points', () => {
    const x = val('x', [1, 2, 2, 1], [10, 20, 30, 40], q(1, -6));
    const attrs = {
      kernel: [2, 2] as [number, number],
      strides: [1, 1] as [number, number],
      pads: [0, 0, 1, 1] as [number, number, number, number],
      activation: 'none' as const,
    };
    expect(run('AveragePool', { ...attrs, countIncludePad: false }, [x], out([1, 2, 2, 1], q(1, -6)))).toEqual([25, 30, 35, 40]);
    // (20 + 40 − 6 − 6) / 4 = 12; (30 + 40 − 12) / 4 = 14.5 → 15; (40 − 18) / 4 = 5.5 → 6
    expect(run('AveragePool', { ...attrs, countIncludePad: true }, [x], out([1, 2, 2, 1], q(1, -6)))).toEqual([25, 12, 15, 6]);
  });
  it('GlobalAveragePool requantizes to its own output scale (TFLite MEAN)', () => {
    const x = val('x', [1, 2, 2, 2], [1, 1, 2, 2, 3, 2, 4, 2], q(1));
    // channel 0: 10 × 2 / 4 = 5; channel 1: 7 × 2 = 14 → (14 + 2) / 4 = 4
    expect(run('GlobalAveragePool', {}, [x], out([1, 1, 1, 2], q(0.5)))).toEqual([5, 4]);
    // with zero points: (Σ(x − 1) = 6) × 0.5 = 3 → 3/4 rounds to 1; + zp_out 7
    expect(run('GlobalAveragePool', {}, [val('x', [1, 2, 2, 1], [1, 2, 3, 4], q(1, 1))], out([1, 1, 1, 1], q(2, 7)))).toEqual([8]);
  });
});

describe('Add / Sub / Mul', () => {
  const a = val('a', [2, 2], [4, 127, -128, 0], q(0.5));
  const b = val('b', [1], [14], q(0.25, 10)); // real 1, broadcast
  it('Add with left_shift 20 and broadcasting', () => {
    // reals 2+1=3, 63.5+1=64.5, −64+1=−63, 0+1=1 at scale 0.5, zp −5 → 1, 124, −131→−128, −3
    expect(run('Add', { activation: 'none' }, [a, b], out([2, 2], q(0.5, -5)))).toEqual([1, 124, -128, -3]);
    expect(run('Add', { activation: 'none' }, [a, b], out([2, 2], q(0.5, 0)))).toEqual([6, 127, -126, 2]);
    expect(run('Add', { activation: 'relu' }, [a, b], out([2, 2], q(0.5, 0)))).toEqual([6, 127, 0, 2]);
  });
  it('Sub', () => {
    expect(run('Sub', { activation: 'none' }, [a, b], out([2, 2], q(0.5, -5)))).toEqual([-3, 120, -128, -7]);
  });
  it('Mul', () => {
    const m1 = val('a', [3], [5, 5, -128], q(0.5, 1));
    const m2 = val('b', [3], [10, -2, 127], q(0.25, -2));
    // 2·3 = 6 → 60 + 3; 2·0 = 0 → 3; −64.5·32.25 → saturates
    expect(run('Mul', { activation: 'none' }, [m1, m2], out([3], q(0.1, 3)))).toEqual([63, 3, -128]);
  });
});

describe('data movement and activations', () => {
  it('Concat copies equal quant and requantizes the rest', () => {
    const a = val('a', [1, 2], [1, 2], q(0.5));
    const b = val('b', [1, 2], [3, -4], q(1, 1)); // reals 2, −5 → at 0.5: 4, −10
    expect(run('Concat', { axis: 1 }, [a, b], out([1, 4], q(0.5)))).toEqual([1, 2, 4, -10]);
    expect(run('Concat', { axis: 0 }, [a, b], out([2, 2], q(0.5)))).toEqual([1, 2, 4, -10]);
  });
  it('Relu and Clip on int8', () => {
    const x = val('x', [4], [-20, -10, 0, 100], q(0.1, -10));
    expect(run('Relu', {}, [x], out([4], q(0.1, -10)))).toEqual([-10, -10, 0, 100]);
    expect(run('Clip', { min: 0, max: 6 }, [x], out([4], q(0.1, -10)))).toEqual([-10, -10, 0, 50]);
    // requantizing relu: output scale 0.2 → (x − zp) / 2 rounded, + zp_out
    expect(run('Relu', {}, [val('x', [3], [-9, -7, 15], q(0.1, -10))], out([3], q(0.2, 0)))).toEqual([1, 2, 13]);
  });
  it('Reshape, Transpose, Pad', () => {
    const x = val('x', [1, 2, 3], [1, 2, 3, 4, 5, 6], q(1, 7));
    expect(run('Reshape', { shape: [3, 2] }, [x], out([3, 2], q(1, 7)))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(run('Transpose', { perm: [0, 2, 1] }, [x], out([1, 3, 2], q(1, 7)))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(run('Pad', { pads: [0, 1, 0, 0, 0, 1], value: 0 }, [x], out([1, 3, 4], q(1, 7)))).toEqual([7, 7, 7, 7, 1, 2, 3, 7, 4, 5, 6, 7]);
    expect(() => run('Reshape', { shape: [6] }, [x], out([6], q(2, 7)))).toThrow(/share scale/);
  });
  it('Quantize (f32 → i8, i8 → i8) and Dequantize', () => {
    expect(run('Quantize', {}, [val('x', [4], [0.5, -0.5, 1000, 2.4], undefined, 'f32')], out([4], q(1)))).toEqual([1, -1, 127, 2]);
    expect(run('Quantize', {}, [val('x', [3], [3, -3, 100], q(0.5))], out([3], q(0.25, 1)))).toEqual([7, -5, 127]);
    expect(run('Dequantize', {}, [val('x', [2], [-128, 27], q(0.5, -128))], out([2], undefined, 'f32'))).toEqual([0, 77.5]);
  });
});

describe('Softmax', () => {
  const attrs = { axis: -1, beta: 1 };
  it('equal logits give 1/depth exactly: 0.25 → −64', () => {
    expect(run('Softmax', attrs, [val('x', [1, 4], [5, 5, 5, 5], q(0.1))], out([1, 4], q(1 / 256, -128)))).toEqual([-64, -64, -64, -64]);
  });
  it('one dominant logit saturates at 127, the rest at −128', () => {
    expect(run('Softmax', attrs, [val('x', [1, 3], [127, -128, -128], q(1))], out([1, 3], q(1 / 256, -128)))).toEqual([127, -128, -128]);
  });
  it('tracks the float softmax within 1.5/256 on random rows', () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let r = 0; r < 50; r++) {
      const scale = 0.02 + rand() * 0.2;
      const xs = Array.from({ length: 10 }, () => Math.round(rand() * 255 - 128));
      const y = run('Softmax', attrs, [val('x', [1, 10], xs, q(scale, 3))], out([1, 10], q(1 / 256, -128)));
      const e = xs.map((v) => Math.exp((v - Math.max(...xs)) * Math.fround(scale)));
      const s = e.reduce((p, c) => p + c, 0);
      y.forEach((v, i) => expect(Math.abs(dequantizeValue(v, 1 / 256, -128) - e[i] / s)).toBeLessThan(1.5 / 256));
    }
  });
  it('refuses an output that is not 1/256, −128', () => {
    expect(() => run('Softmax', attrs, [val('x', [1, 2], [1, 2], q(0.1))], out([1, 2], q(1 / 128, 0)))).toThrow(/1\/256/);
  });
});
