// IR → tfjs → IR: the tfjs forward pass matches the reference interpreter on every supported op, and writing back is exact.
import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '../../src/train/tf.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { initBackend } from '../../src/train/backend.ts';
import { toTfjs } from '../../src/train/to-tfjs.ts';
import { fromTfjs } from '../../src/train/from-tfjs.ts';
import { makeRng } from '../../src/train/prng.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';

const rng = makeRng(7);
const rand = (n: number, scale = 0.5) => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
const pads = (t: number, l: number, b: number, r: number) => [t, l, b, r] as [number, number, number, number];

/** A graph touching every op the bridge supports, with awkward attributes (asymmetric pads, strides, multipliers). */
function everyOpGraph(): Graph {
  const b = new GraphBuilder('every-op');
  const x = b.input('x', [1, 9, 8, 3]);
  const c1 = b.node(
    'Conv2D',
    [x, b.constant('w1', rand(6 * 3 * 3 * 3), [6, 3, 3, 3]), b.constant('b1', rand(6), [6])],
    { strides: [2, 1], pads: pads(1, 0, 1, 1), activation: 'relu6' },
    'c1',
  );
  const bn = b.node(
    'BatchNormalization',
    [
      c1,
      b.constant(
        'g',
        rand(6, 1).map((v) => v + 1),
        [6],
      ),
      b.constant('be', rand(6), [6]),
      b.constant('mu', rand(6), [6]),
      b.constant(
        'var',
        rand(6).map((v) => Math.abs(v) + 0.5),
        [6],
      ),
    ],
    { epsilon: 1e-3 },
    'bn',
  );
  const dw = b.node(
    'DepthwiseConv2D',
    [bn, b.constant('dw', rand(3 * 3 * 12), [1, 3, 3, 12]), b.constant('db', rand(12), [12])],
    { multiplier: 2, strides: [1, 1], dilations: [1, 1], pads: pads(1, 1, 1, 1), activation: 'relu' },
    'dwconv',
  );
  const mp = b.node('MaxPool', [dw], { kernel: [2, 2], strides: [2, 2], pads: pads(0, 0, 1, 1) }, 'mp');
  const ap = b.node('AveragePool', [dw], { kernel: [3, 3], strides: [2, 2], pads: pads(1, 1, 1, 1), countIncludePad: false }, 'ap');
  const add = b.node('Add', [mp, ap], { activation: 'none' }, 'add');
  const mul = b.node('Mul', [add, b.constant('s', rand(12), [12])], {}, 'mul');
  const sub = b.node('Sub', [mul, b.constant('t', rand(12), [12])], {}, 'sub');
  const lr = b.node('LeakyRelu', [sub], { alpha: 0.1 }, 'lrelu');
  const hs = b.node('HardSwish', [b.node('Mul', [lr, b.constant('k', [8], [1])], {}, 'scale8')], {}, 'hswish');
  const th = b.node('Tanh', [hs], {}, 'tanh');
  const sg = b.node('Sigmoid', [add], {}, 'sig');
  const lg = b.node('Log', [b.node('Exp', [th], {}, 'exp')], {}, 'log');
  // The one-input math ops, chained on the sigmoid's (0, 1) values so every one sees inputs in its domain.
  const sq = b.node('Sqrt', [b.node('Abs', [sg], {}, 'abs')], {}, 'sqrt');
  const rc = b.node('Reciprocal', [b.node('Add', [sq, b.constant('one', [1], [1])], {}, 'one_plus')], {}, 'recip');
  const trig = b.node('Cos', [b.node('Sin', [b.node('Erf', [rc], {}, 'erf')], {}, 'sin')], {}, 'cos');
  const expo = b.node('Celu', [b.node('Selu', [b.node('Elu', [trig], { alpha: 0.5 }, 'elu')], {}, 'selu')], { alpha: 1.5 }, 'celu');
  const soft = b.node('Softsign', [b.node('Softplus', [expo], {}, 'softplus')], {}, 'softsign');
  const gl = b.node('Gelu', [b.node('Mish', [b.node('ThresholdedRelu', [soft], { alpha: 0.1 }, 'trelu')], {}, 'mish')], {}, 'gelu');
  const steps = ['Floor', 'Ceil', 'Round', 'Sign'].map((op) =>
    b.node(op as 'Floor', [b.node('Mul', [sg, b.constant(`k_${op}`, [7], [1])], {}, `scale_${op}`)], {}, op.toLowerCase()),
  );
  const stepSum = steps.reduce((acc, t, i) => b.node('Add', [acc, t], {}, `steps_${i}`));
  const mixed = b.node(
    'Add',
    [
      b.node('Gelu', [gl], { approximate: 'tanh' }, 'gelu_tanh'),
      b.node('Mul', [stepSum, b.constant('tenth', [0.1], [1])], {}, 'steps_scaled'),
    ],
    {},
    'mixed',
  );
  const bounded = b.node('Min', [b.node('Max', [mixed, sq], {}, 'max'), b.constant('cap', [2], [1])], {}, 'min');
  const squared = b.node('Pow', [bounded, b.constant('two', [2], [1])], {}, 'pow');
  const hsg = b.node('HardSigmoid', [b.node('Add', [sg, squared], {}, 'sig_mixed')], { alpha: 0.3, beta: 0.4 }, 'hsig');
  const centred = b.node('Sub', [hsg, b.constant('half', [0.5], [1])], {}, 'centred');
  const pr = b.node('PRelu', [centred, b.constant('slope', rand(12, 4), [12])], {}, 'prelu');
  const cat = b.node('Concat', [lg, pr], { axis: 3 }, 'cat');
  const cs = b.node('ChannelShuffle', [cat], { groups: 4 }, 'shuffle');
  const flip = b.node('Slice', [cs], { starts: [0, 2, 0, 0], ends: [1, -1, 4, 24], steps: [1, -1, 1, 1] }, 'flip');
  const ga = b.node(
    'Gather',
    [flip],
    { axis: 3, indices: Array.from({ length: 24 }, (_, i) => (i * 5) % 24), indicesShape: [24] },
    'gather',
  );
  const row = b.node('Slice', [ga], { starts: [0, 0, 0, 0], ends: [1, 1, 4, 24], steps: [1, 1, 1, 1] }, 'row');
  const ex = b.node('Add', [ga, b.node('Expand', [row], { shape: [1, 3, 4, 24] }, 'expand')], { activation: 'none' }, 'add_row');
  const up = b.node('Resize', [ex], { mode: 'linear', size: [6, 8], scales: [2, 2] }, 'upsample');
  const upConv = b.node(
    'ConvTranspose',
    [up, b.constant('ctw', rand(24 * 2 * 2 * 24, 5), [24, 2, 2, 24]), b.constant('ctb', rand(24), [24])],
    { strides: [2, 2], pads: [1, 1, 2, 1], outputPadding: [0, 1], activation: 'relu' },
    'upconv',
  );
  const down = b.node(
    'Resize',
    [upConv],
    { mode: 'nearest', coordinateMode: 'asymmetric', size: [3, 4], scales: [0.3, 0.25] },
    'downsample',
  );
  const mirrored = b.node('Pad', [down], { pads: [0, 1, 0, 0, 0, 0, 1, 0], value: 0, mode: 'reflect' }, 'reflect');
  const edged = b.node('Pad', [mirrored], { pads: [0, 0, 0, 0, 0, 1, 0, 0], value: 0, mode: 'edge' }, 'edge');
  const pd = b.node('Slice', [edged], { starts: [0, 0, 0, 0], ends: [1, 4, 5, 24], steps: [1, 1, 1, 1] }, 'pad');
  const cl = b.node('Clip', [pd], { min: -0.3, max: 0.8 }, 'clip');
  const re = b.node('Relu', [cl], {}, 'relu');
  const dv = b.node(
    'Div',
    [
      re,
      b.constant(
        'd',
        rand(24).map((v) => Math.abs(v) + 1),
        [24],
      ),
    ],
    {},
    'div',
  );
  const rm = b.node('ReduceMean', [dv], { axes: [1, 2], keepdims: true }, 'rmean');
  const rx = b.node('ReduceMax', [dv], { axes: [3], keepdims: true }, 'rmax');
  const dv2 = b.node('Add', [b.node('Add', [dv, rm], {}, 'plus_mean'), rx], {}, 'plus_max');
  const rs0 = b.node('ReduceSum', [dv2], { axes: [1, 2], keepdims: false }, 'rsum');
  // The float-only reductions over the same axes (Prod of values near 1, so it stays in range).
  const nearOne = b.node(
    'Add',
    [b.node('Mul', [dv2, b.constant('hundredth', [0.01], [1])], {}, 'small'), b.constant('one_r', [1], [1])],
    {},
    'near_one',
  );
  const more = [
    b.node('ReduceProd', [nearOne], { axes: [1, 2], keepdims: false }, 'rprod'),
    ...(['ReduceMin', 'ReduceL1', 'ReduceL2', 'ReduceSumSquare', 'ReduceLogSumExp'] as const).map((op) =>
      b.node(op, [dv2], { axes: [1, 2], keepdims: false }, op.toLowerCase()),
    ),
  ];
  const rs = more.reduce((acc, t, i) => b.node('Add', [acc, t], {}, `reductions_${i}`), rs0);
  const ln = b.node(
    'LayerNormalization',
    [
      dv2,
      b.constant(
        'ln_scale',
        rand(5 * 24).map((v) => v + 1),
        [5, 24],
      ),
      b.constant('ln_bias', rand(5 * 24), [5, 24]),
    ],
    { axis: 2, epsilon: 1e-3 },
    'lnorm',
  );
  const inorm = b.node(
    'InstanceNormalization',
    [
      ln,
      b.constant(
        'in_scale',
        rand(24).map((v) => v + 1),
        [24],
      ),
      b.constant('in_bias', rand(24), [24]),
    ],
    { epsilon: 1e-3 },
    'inorm',
  );
  const tr = b.node('Transpose', [inorm], { perm: [0, 3, 1, 2] }, 'tr');
  const gap = b.node('GlobalAveragePool', [b.node('Transpose', [tr], { perm: [0, 2, 3, 1] }, 'tr2')], {}, 'gap');
  const flat = b.node('Reshape', [gap], { shape: [1, 24] }, 'flat');
  const fc = b.node(
    'Dense',
    [b.node('Add', [flat, rs], {}, 'plus_sum'), b.constant('fw', rand(5 * 24), [5, 24]), b.constant('fb', rand(5), [5])],
    { activation: 'none' },
    'fc',
  );
  b.output(b.node('Softmax', [fc], { axis: -1, beta: 1.5 }, 'probs'));
  b.output(b.node('LogSoftmax', [fc], { axis: -1 }, 'log_probs'));
  b.output(b.node('ArgMax', [fc], { axis: 1, keepdims: false, selectLastIndex: false }, 'class'));
  b.output(b.node('ArgMin', [inorm], { axis: 2, keepdims: true, selectLastIndex: true }, 'argmin'));
  return b.build();
}

/** Largest difference, relative where |b| > 1: float32 sums of large values (ReduceSum) differ in the last bits. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return m;
}

describe('IR ⇄ tfjs', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('matches the reference interpreter on every intermediate tensor', () => {
    const g = everyOpGraph();
    const input = rand(9 * 8 * 3, 2);
    const ref = runGraph(g, { x: input }, { collect: true });
    const model = toTfjs(g);
    const names = g.nodes.map((n) => n.outputs[0]!);
    const outs = tf.tidy(() => {
      const r = model.forward({ x: tf.tensor(input, [1, 9, 8, 3]) }, names);
      return Object.fromEntries(names.map((n) => [n, r[n]!.dataSync() as Float32Array]));
    });
    for (const n of names) {
      expect(outs[n]!.length, n).toBe(ref.values![n]!.length);
      expect(maxDiff(outs[n]!, ref.values![n] as Float32Array), n).toBeLessThan(1e-5);
    }
    model.dispose();
  });

  it('writes variables back exactly, and a batch of 3 gives the same rows as 3 single runs', () => {
    const g = everyOpGraph();
    const model = toTfjs(g);
    const back = fromTfjs(model);
    for (const [name, t] of Object.entries(g.tensors)) {
      if (t.data) expect(Array.from(back.tensors[name]!.data!), name).toEqual(Array.from(t.data));
    }
    expect(back).not.toBe(g);
    const xs = [rand(216, 2), rand(216, 2), rand(216, 2)];
    const batched = tf.tidy(() =>
      model.forward({ x: tf.tensor(Float32Array.from(xs.flatMap((a) => Array.from(a))), [3, 9, 8, 3]) }).probs!.dataSync(),
    );
    xs.forEach((x, i) => {
      const ref = runGraph(back, { x }).outputs.probs as Float32Array;
      expect(maxDiff(batched.subarray(i * 5, i * 5 + 5), ref)).toBeLessThan(1e-5);
    });
    model.dispose();
  });

  it('keeps masked weights at zero through training steps and in the written-back graph', () => {
    const b = new GraphBuilder('masked');
    const x = b.input('x', [1, 6]);
    const w = b.constant('w', rand(4 * 6), [4, 6]);
    b.output(b.node('Dense', [x, w, b.constant('b', rand(4), [4])], {}, 'y'));
    const g = b.build();
    g.tensors.w!.mask = Uint8Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? 0 : 1));
    const model = toTfjs(g);
    const opt = tf.train.adam(0.1);
    const xb = tf.tensor(rand(8 * 6, 1), [8, 6]);
    for (let i = 0; i < 5; i++) opt.minimize(() => tf.sum(tf.square(model.forward({ x: xb }).y!)) as tf.Scalar, false, model.trainable);
    const out = fromTfjs(model);
    const wd = out.tensors.w!.data as Float32Array;
    for (let i = 0; i < 24; i++) {
      if (i % 3 === 0) expect(wd[i]).toBe(0);
      else expect(wd[i]).not.toBe(g.tensors.w!.data![i]); // trained
    }
    const ref = runGraph(out, { x: rand(6) });
    expect(ref.outputs.y!.length).toBe(4);
    model.dispose();
    opt.dispose();
  });

  it('updates BatchNormalization running statistics in training mode only', () => {
    const b = new GraphBuilder('bn');
    const x = b.input('x', [1, 2, 2, 2]);
    b.output(
      b.node(
        'BatchNormalization',
        [x, b.constant('g', [1, 1], [2]), b.constant('be', [0, 0], [2]), b.constant('m', [0, 0], [2]), b.constant('v', [1, 1], [2])],
        { epsilon: 1e-5 },
        'y',
      ),
    );
    const model = toTfjs(b.build());
    const xb = tf.fill([4, 2, 2, 2], 3);
    model.forward({ x: xb });
    expect(Array.from(model.variables.get('m')!.dataSync())).toEqual([0, 0]);
    model.forward({ x: xb }, undefined, { training: true, bnMomentum: 0.5 });
    expect(Array.from(model.variables.get('m')!.dataSync())).toEqual([1.5, 1.5]);
    expect(model.trainable.length).toBe(2); // scale and bias; running stats are not trained
    model.dispose();
  });

  it('rejects int8 graphs and unsupported ops with one error listing each', () => {
    const b = new GraphBuilder('q');
    const x = b.input('x', [1, 4]);
    b.output(b.node('Quantize', [x], {}, { name: 'q', dtype: 'i8', quant: { scale: [0.1], zeroPoint: [0] } }));
    const e = (() => {
      try {
        toTfjs(b.build());
      } catch (err) {
        return err;
      }
    })() as TinyforgeError;
    expect(e).toBeInstanceOf(TinyforgeError);
    expect(e.code).toBe('untrainable-graph');
    expect(e.diagnostic.notes?.join('\n')).toContain('node "q" (Quantize)');
  });
});
