// ONNX export: onnxruntime-node runs the exported model and agrees with the reference interpreter; import(export(g)) runs the same.
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { onnx } from '../../src/import/onnx-proto-read.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { validateGraph } from '../../src/ir/validate.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { randn, runIr, runOrt, smallCnn } from './onnx-fixtures.ts';

describe('exportOnnx', () => {
  it('exports the imported CNN (simplified: fused relu/relu6, folded BN) so onnxruntime agrees, in NCHW at the boundary', async () => {
    const preprocess = { scale: 1 / 255, mean: [0.1307], std: [0.3081] };
    const g = simplify(importOnnx(smallCnn({ metadata: { 'tinyforge.preprocess': JSON.stringify(preprocess) } }), 'cnn.onnx'));
    const bytes = exportOnnx(g);
    const m = onnx.ModelProto.decode(bytes);
    expect(m.graph!.input![0].type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue))).toEqual([1, 4, 12, 12]);
    expect(m.metadataProps!.find((p) => p.key === 'tinyforge.preprocess')?.value).toBe(JSON.stringify(preprocess));
    const x = { name: 'x', dims: [1, 4, 12, 12], data: randn(576, 21, 3) };
    const [ort] = await runOrt(bytes, { x });
    const ours = runIr(g, [x])[0];
    expect(compare(ort, ours)).toBeUndefined();

    const back = importOnnx(bytes, 'exported.onnx');
    validateGraph(back);
    expect(back.metadata.preprocess).toEqual(preprocess);
    expect(compare(runIr(back, [x])[0], ours)).toBeUndefined();
    expect(compare(runIr(simplify(back), [x])[0], ours)).toBeUndefined();
  });

  it('exports every float op the IR has (built with GraphBuilder, NHWC graph) and round-trips it', async () => {
    const b = new GraphBuilder('all_ops');
    const x = b.input('x', [1, 6, 6, 3]);
    const c = b.node('Conv2D', [x, b.constant('w', randn(4 * 9 * 3, 1, 0.4), [4, 3, 3, 3]), b.constant('b', randn(4, 2, 0.1), [4])], {
      strides: [1, 1],
      dilations: [2, 2],
      pads: [2, 1, 2, 2],
      groups: 1,
      activation: 'relu6',
    });
    const bn = b.node(
      'BatchNormalization',
      [
        c,
        ...['g', 'be', 'm', 'v'].map((n, i) =>
          b.constant(
            n,
            randn(4, 3 + i, 0.3).map((v) => (i === 3 ? Math.abs(v) + 0.5 : v)),
            [4],
          ),
        ),
      ],
      { epsilon: 1e-5 },
    );
    const lr = b.node('LeakyRelu', [bn], { alpha: 0.2 });
    const p = b.node('Pad', [lr], { pads: [0, 1, 0, 0, 0, 0, 1, 0], value: -0.5 });
    const ap = b.node('AveragePool', [p], { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1], countIncludePad: true });
    const mp = b.node('MaxPool', [ap], { kernel: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0] });
    const s = b.node('Sigmoid', [mp]);
    const t = b.node('Tanh', [mp]);
    const mul = b.node('Mul', [s, t]);
    const sub = b.node('Sub', [mul, b.constant('k', [0.25, -0.5, 1, 2], [4])]);
    const div = b.node('Div', [sub, b.constant('d', [2], [1])]);
    const hs = b.node('HardSwish', [b.node('Mul', [mp, b.constant('k8', [8], [1])])]);
    const ex = b.node('Log', [b.node('Exp', [b.node('HardSigmoid', [hs], { alpha: 0.3, beta: 0.2 })])]);
    // The one-input math ops, on the sigmoid's (0, 1) values so each sees inputs in its domain.
    const rc = b.node('Reciprocal', [b.node('Add', [b.node('Sqrt', [b.node('Abs', [s])]), b.constant('one', [1], [1])])]);
    const trig = b.node('Cos', [b.node('Sin', [b.node('Erf', [rc])])]);
    const expo = b.node('Celu', [b.node('Selu', [b.node('Elu', [trig], { alpha: 0.5 })])], { alpha: 1.5 });
    const soft = b.node('Mish', [b.node('ThresholdedRelu', [b.node('Softsign', [b.node('Softplus', [expo])])], { alpha: 0.1 })]);
    const gl = b.node('Gelu', [b.node('Gelu', [soft], { approximate: 'none' })], { approximate: 'tanh' });
    const seven = b.node('Mul', [s, b.constant('seven', [7], [1])]);
    const rounding = b.node('Add', [
      b.node('Add', [b.node('Floor', [seven]), b.node('Ceil', [seven])]),
      b.node('Add', [b.node('Round', [seven]), b.node('Sign', [seven])]),
    ]);
    const mixed = b.node('Add', [gl, b.node('Mul', [rounding, b.constant('tenth', [0.1], [1])])]);
    const math = b.node('Pow', [b.node('Min', [b.node('Max', [mixed, s]), b.constant('cap', [2], [1])]), b.constant('two', [2], [1])]);
    const pr = b.node('PRelu', [b.node('Add', [ex, math]), b.constant('slope', [0.1, 0.2, 0.3, 0.4], [4])]);
    const red = b.node('Add', [
      b.node('Add', [pr, b.node('ReduceMean', [pr], { axes: [1, 2], keepdims: true })]),
      b.node('ReduceMax', [pr], { axes: [3], keepdims: true }),
    ]);
    const cat = b.node('Concat', [div, red], { axis: 3 });
    // The value-moving ops: cat is [1,3,2,8].
    const cs = b.node('ChannelShuffle', [cat], { groups: 2 });
    const rev = b.node('Slice', [cs], { starts: [0, 2, 0, 0], ends: [1, -1, 2, 8], steps: [1, -1, 1, 1] });
    const ga = b.node('Gather', [rev], { axis: 3, indices: [7, 6, 5, 4, 3, 2, 1, 0], indicesShape: [8] });
    const first = b.node('Slice', [ga], { starts: [0, 0, 0, 0], ends: [1, 3, 2, 1], steps: [1, 1, 1, 1] });
    const moved = b.node('Add', [ga, b.node('Expand', [first], { shape: [1, 3, 2, 8] })]);
    const up = b.node('Resize', [moved], { mode: 'linear', coordinateMode: 'align_corners', size: [5, 4], scales: [5 / 3, 2] });
    const upConv = b.node('ConvTranspose', [up, b.constant('ctw', randn(8 * 3 * 3 * 8, 41, 0.2), [8, 3, 3, 8])], {
      strides: [2, 2],
      pads: [1, 1, 1, 1],
      outputPadding: [1, 1],
    });
    const down = b.node('Resize', [upConv], { mode: 'nearest', size: [3, 2], scales: [0.3, 0.3] });
    const gap = b.node('GlobalAveragePool', [b.node('Pad', [down], { pads: [0, 1, 1, 0, 0, 1, 0, 0], value: 0, mode: 'reflect' })]);
    const tr = b.node('Transpose', [cat], { perm: [0, 3, 1, 2] });
    const flat = b.node('Reshape', [tr], { shape: [1, -1] });
    const d = b.node('Dense', [flat, b.constant('dw', randn(5 * 48, 9, 0.2), [5, 48])], { activation: 'relu' });
    const clip = b.node('Clip', [d], { min: -0.1, max: 0.3 });
    const relu = b.node('Relu', [b.node('Add', [clip, b.constant('ab', [1, 2, 3, 4, 5], [5])])]);
    const sm = b.node('Softmax', [relu], { axis: -1, beta: 1 });
    b.output(sm);
    b.output(b.node('LogSoftmax', [relu], { axis: -1 }));
    b.output(gap);
    b.output(b.node('ReduceSum', [cat], { axes: [1, 3], keepdims: false }));
    b.output(
      b.node(
        'InstanceNormalization',
        [cat, b.constant('in_scale', randn(8, 47, 0.5), [8]), b.constant('in_bias', randn(8, 48, 0.5), [8])],
        {
          epsilon: 1e-5,
        },
      ),
    );
    b.output(b.node('LayerNormalization', [cat, b.constant('ln_scale', randn(16, 46, 0.5), [2, 8])], { axis: 2, epsilon: 1e-5 }));
    for (const op of ['ReduceMin', 'ReduceL1', 'ReduceL2', 'ReduceSumSquare', 'ReduceLogSumExp'] as const)
      b.output(b.node(op, [cat], { axes: [1, 3], keepdims: false }));
    b.output(b.node('ReduceProd', [b.node('Sigmoid', [cat])], { axes: [1, 3], keepdims: true }));
    b.output(b.node('ArgMax', [relu], { axis: 1, keepdims: false, selectLastIndex: false }));
    b.output(b.node('ArgMin', [cat], { axis: 3, keepdims: true, selectLastIndex: true }));
    // The recurrent ops read cat as 3 steps of a batch of 2: a GRU's every step into an LSTM's last one.
    const steps = b.node('Reshape', [cat], { shape: [3, 2, 8] });
    const gru = b.node('GRU', [steps, b.constant('gw', randn(9 * 8, 41, 0.4), [9, 8]), b.constant('gr', randn(9 * 3, 42, 0.4), [9, 3])], {
      hiddenSize: 3,
      reverse: false,
      sequenceOutput: true,
      linearBeforeReset: true,
    });
    const lw = b.constant('lw', randn(8 * 3, 43, 0.4), [8, 3]);
    const lstm = b.node('LSTM', [gru, lw, b.constant('lr', randn(8 * 2, 44, 0.4), [8, 2]), b.constant('lb', randn(16, 45, 0.2), [16])], {
      hiddenSize: 2,
      reverse: true,
      sequenceOutput: false,
    });
    b.output(lstm);
    const g = { ...b.build(), metadata: { inputLayout: 'NCHW', outputLayout: 'NCHW' } };
    validateGraph(g);
    const bytes = exportOnnx(g);
    const xin = { name: 'x', dims: [1, 3, 6, 6], data: randn(108, 31, 2) };
    const ort = await runOrt(bytes, { x: xin });
    const ours = runIr(g, [xin]);
    ort.forEach((o, k) => expect(compare(o, ours[k]), `output ${k}`).toBeUndefined());
    const back = importOnnx(bytes, 'all.onnx');
    runIr(back, [xin]).forEach((o, k) => expect(compare(o, ours[k]), `round trip output ${k}`).toBeUndefined());
  });

  it('refuses int8 graphs with a clear error', () => {
    const b = new GraphBuilder('q');
    const x = b.input('x', [1, 4], 'i8', { scale: [0.1], zeroPoint: [0] });
    b.output(b.node('Relu', [x], {}, { dtype: 'i8', quant: { scale: [0.1], zeroPoint: [0] } }));
    expect(() => exportOnnx(b.build())).toThrow(expect.objectContaining({ code: 'unsupported-export' }));
  });
});
