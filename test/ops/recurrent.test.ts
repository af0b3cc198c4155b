// GRU (both linear_before_reset forms) and LSTM on small random ONNX models: the import and float reference against
// onnxruntime (Y, Y_h, forward and reverse, constant and runtime initial state), the ONNX export run by onnxruntime,
// the C kernels against the reference on the host, int8 quantization keeping them in int8, and the
// ONNX attributes tinyforge refuses, each named.
import { describe, expect, it } from 'vitest';
import { encodeModel, floatTensor, int64Tensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { product, type Graph } from '../../src/ir/graph.ts';
import { createLog } from '../../src/compress/pass.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

interface RnnCase {
  op: 'GRU' | 'LSTM';
  steps: number;
  batch: number;
  inSize: number;
  hidden: number;
  attrs?: Record<string, number | string | { strings: string[] }>;
  /** Which of Y, Y_h the graph outputs. */
  outputs: ('Y' | 'Y_h')[];
  bias?: boolean;
  /** initial_h (and initial_c): absent, a constant, or computed from x (tanh of its first step; needs hidden = inSize). */
  initial?: 'none' | 'const' | 'runtime';
  seed?: number;
}

const gates = (op: 'GRU' | 'LSTM') => (op === 'GRU' ? 3 : 4);

function rnnModel(c: RnnCase): Uint8Array {
  const r = rng(c.seed ?? 3);
  const g = gates(c.op) * c.hidden;
  const inits = [
    floatTensor('W', [1, g, c.inSize], randF32(r, g * c.inSize, -0.6, 0.6)),
    floatTensor('R', [1, g, c.hidden], randF32(r, g * c.hidden, -0.6, 0.6)),
  ];
  if (c.bias ?? true) inits.push(floatTensor('B', [1, 2 * g], randF32(r, 2 * g, -0.5, 0.5)));
  const nodes = [];
  const stateNames = c.op === 'GRU' ? ['h0'] : ['h0', 'c0'];
  if (c.initial === 'const') stateNames.forEach((s) => inits.push(floatTensor(s, [1, c.batch, c.hidden], randF32(r, c.batch * c.hidden))));
  if (c.initial === 'runtime') {
    inits.push(int64Tensor('first', [1], [0]), int64Tensor('one', [1], [1]), int64Tensor('axis0', [1], [0]));
    nodes.push(node('Slice', ['x', 'first', 'one', 'axis0'], ['x0']));
    stateNames.forEach((s) => nodes.push(node('Tanh', ['x0'], [s])));
  }
  const state = c.initial && c.initial !== 'none' ? stateNames : [];
  const ins = ['x', 'W', 'R', c.bias === false ? '' : 'B', '', ...state];
  while (ins[ins.length - 1] === '') ins.pop();
  const outs = c.op === 'GRU' ? ['Y', 'Y_h'] : ['Y', 'Y_h', ''];
  nodes.push(node(c.op, ins, outs.slice(0, c.outputs.includes('Y_h') ? 2 : 1), { hidden_size: c.hidden, ...c.attrs }));
  const dims = { Y: [c.steps, 1, c.batch, c.hidden], Y_h: [1, c.batch, c.hidden] };
  return encodeModel(
    makeModel({
      nodes,
      initializers: inits,
      inputs: [valueInfo('x', [c.steps, c.batch, c.inSize])],
      outputs: c.outputs.map((o) => valueInfo(o, dims[o])),
      opset: 14,
    }),
  );
}

async function checkRnn(c: RnnCase): Promise<Graph> {
  const bytes = rnnModel(c);
  const g = simplify(importOnnx(bytes, `${c.op}.onnx`));
  expect(g.nodes.filter((n) => n.op === c.op)).toHaveLength(1);
  const dims = [c.steps, c.batch, c.inSize];
  const x = { dims, data: randF32(rng((c.seed ?? 3) + 10), product(dims), -2, 2) };
  const ort = await runOrt(bytes, { x });
  const ours = runIr(g, [x]);
  ort.forEach((o, i) => expect(compare(ours[i], o), `${c.outputs[i]} vs onnxruntime`).toBeUndefined());
  const viaExport = await runOrt(exportOnnx(g), { x });
  ort.forEach((o, i) => expect(compare(viaExport[i], o), `exported ${c.outputs[i]}`).toBeUndefined());
  const kernel = c.op === 'GRU' ? 'tfg_gru_f32' : 'tfg_lstm_f32';
  for (const o of g.outputs) checkAgainstReference({ ...g, outputs: [o] }, { expectKernels: { reference: [kernel] } });
  return g;
}

describe('GRU', () => {
  it('linear_before_reset 0: Y and Y_h of a forward GRU with bias match onnxruntime and the host C', async () => {
    await checkRnn({ op: 'GRU', steps: 5, batch: 1, inSize: 4, hidden: 6, outputs: ['Y', 'Y_h'] });
  });

  it('linear_before_reset 1, reverse, a constant initial_h, batch 2', async () => {
    await checkRnn({
      op: 'GRU',
      steps: 4,
      batch: 2,
      inSize: 3,
      hidden: 5,
      outputs: ['Y', 'Y_h'],
      initial: 'const',
      attrs: { linear_before_reset: 1, direction: 'reverse', activations: { strings: ['Sigmoid', 'Tanh'] } },
      seed: 5,
    });
  });

  it('only Y_h used, no bias, initial_h computed from the input at run time', async () => {
    const g = await checkRnn({
      op: 'GRU',
      steps: 6,
      batch: 1,
      inSize: 4,
      hidden: 4,
      outputs: ['Y_h'],
      bias: false,
      initial: 'runtime',
      seed: 8,
    });
    const gru = g.nodes.find((n) => n.op === 'GRU')!;
    expect(gru.op === 'GRU' && gru.attrs.sequenceOutput).toBe(false);
    expect(g.tensors[gru.inputs[4]].data).toBeUndefined();
  });

  it('int8 quantization runs the GRU in int8 (recurrent-int8.test.ts checks its arithmetic)', async () => {
    const c: RnnCase = { op: 'GRU', steps: 4, batch: 1, inSize: 3, hidden: 4, outputs: ['Y_h'] };
    const g = simplify(importOnnx(rnnModel(c), 'gru.onnx'));
    const r = rng(4);
    const calibration = Array.from({ length: 8 }, () => ({ [g.inputs[0]]: randF32(r, 12, -2, 2) }));
    const log = createLog();
    const { ir } = await runPipeline(g, [{ step: 'quantize-int8', samples: 8 }], { data: { calibration }, log });
    const gru = ir.nodes.find((n) => n.op === 'GRU')!;
    expect(ir.tensors[gru.inputs[0]].dtype).toBe('i8');
    expect(log.diagnostics.map((d) => d.code)).not.toContain('float-fallback');
  });
});

describe('only the last step read', () => {
  // y[step] of Y [T,1,B,H] through Gather on axis 0: simplify lets the layer write one step when that step is the
  // last one computed (T−1 forward, 0 reverse), and leaves it writing every step otherwise.
  const picked = (direction: string, step: number) => {
    const r = rng(11);
    return encodeModel(
      makeModel({
        nodes: [
          node('GRU', ['x', 'W', 'R'], ['Y'], { hidden_size: 4, direction, linear_before_reset: 1 }),
          node('Gather', ['Y', 'step'], ['y'], { axis: 0 }),
        ],
        initializers: [
          floatTensor('W', [1, 12, 3], randF32(r, 36)),
          floatTensor('R', [1, 12, 4], randF32(r, 48)),
          int64Tensor('step', [], [step]),
        ],
        inputs: [valueInfo('x', [5, 1, 3])],
        outputs: [valueInfo('y', [1, 1, 4])],
        opset: 14,
      }),
    );
  };
  it.each([
    ['forward', 4, false],
    ['forward', 3, true],
    ['reverse', 0, false],
    ['reverse', 4, true],
  ] as const)('%s GRU, step %i: writes every step = %s, and matches onnxruntime', async (direction, step, sequence) => {
    const bytes = picked(direction, step);
    const g = simplify(importOnnx(bytes, 'gru.onnx'));
    const gru = g.nodes.find((n) => n.op === 'GRU')!;
    expect(gru.op === 'GRU' && gru.attrs.sequenceOutput).toBe(sequence);
    const x = { dims: [5, 1, 3], data: randF32(rng(12), 15, -2, 2) };
    const [ort] = await runOrt(bytes, { x });
    expect(compare(runIr(g, [x])[0], ort)).toBeUndefined();
  });
});

describe('LSTM', () => {
  it('Y and Y_h of a forward LSTM with bias match onnxruntime and the host C', async () => {
    await checkRnn({ op: 'LSTM', steps: 5, batch: 1, inSize: 4, hidden: 6, outputs: ['Y', 'Y_h'] });
  });

  it('reverse, constant initial_h and initial_c, batch 2', async () => {
    await checkRnn({
      op: 'LSTM',
      steps: 4,
      batch: 2,
      inSize: 3,
      hidden: 5,
      outputs: ['Y', 'Y_h'],
      initial: 'const',
      attrs: { direction: 'reverse' },
      seed: 6,
    });
  });

  it('only Y_h, runtime initial state', async () => {
    await checkRnn({ op: 'LSTM', steps: 3, batch: 1, inSize: 5, hidden: 5, outputs: ['Y_h'], initial: 'runtime', seed: 9 });
  });
});

describe('refused GRU/LSTM forms', () => {
  const refused = (c: RnnCase): TinyforgeError => {
    try {
      importOnnx(rnnModel(c), 'rnn.onnx');
    } catch (e) {
      if (e instanceof TinyforgeError) return e;
      throw e;
    }
    throw new Error('import succeeded');
  };
  const base = { steps: 3, batch: 1, inSize: 2, hidden: 3, outputs: ['Y'] as ('Y' | 'Y_h')[] };

  it.each([
    ['GRU', { direction: 'bidirectional' }, 'bidirectional'],
    ['GRU', { layout: 1 }, 'layout=1'],
    ['GRU', { activations: { strings: ['Relu', 'Tanh'] } }, 'activations [relu, tanh]'],
    ['LSTM', { clip: 3.5 }, 'clip'],
    ['LSTM', { input_forget: 1 }, 'input_forget'],
  ] as const)('%s %j names the attribute', (op, attrs, words) => {
    const e = refused({ ...base, op, attrs: attrs as RnnCase['attrs'] });
    expect(e.code).toBe('unsupported-attribute');
    expect(e.diagnostic.notes?.join('\n')).toContain(words);
  });

  it('sequence_lens shorter than T and a used Y_c are refused, each named', () => {
    const r = rng(1);
    const lstm = (lens: number[], outs: string[]) =>
      encodeModel(
        makeModel({
          nodes: [node('LSTM', ['x', 'W', 'R', '', 'lens'], outs, { hidden_size: 2 })],
          initializers: [
            floatTensor('W', [1, 8, 3], randF32(r, 24)),
            floatTensor('R', [1, 8, 2], randF32(r, 16)),
            int64Tensor('lens', [1], lens),
          ],
          inputs: [valueInfo('x', [4, 1, 3])],
          outputs: outs.filter(Boolean).map((o) => valueInfo(o, o === 'Y' ? [4, 1, 1, 2] : [1, 1, 2])),
          opset: 14,
        }),
      );
    const notesOf = (bytes: Uint8Array) => {
      try {
        importOnnx(bytes, 'lstm.onnx');
      } catch (e) {
        return ((e as TinyforgeError).diagnostic.notes ?? []).join('\n');
      }
      return 'imported';
    };
    expect(notesOf(lstm([3], ['Y']))).toContain('sequence_lens [3] differ from the 4 steps of X');
    expect(notesOf(lstm([4], ['', '', 'Y_c']))).toContain('output Y_c ("Y_c", the last cell state) is used');
    expect(notesOf(lstm([4], ['Y']))).toBe('imported');
  });
});
