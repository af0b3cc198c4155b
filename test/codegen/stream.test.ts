// The streaming form (`compile --stream`) on the host under ASan/UBSan: `<id>_reset()` then one `<id>_step()` per frame
// gives, after frame t, the bytes the whole-sequence C gives for the first t+1 frames (float, and int8 with the
// recurrent layers in float between int8 layers); `<id>_run` (reset + T steps) gives the whole-sequence bytes; the
// state sits in its own buffer; and models without the streaming form are refused, naming the node and why.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/codegen/generate.ts';
import { streamForm } from '../../src/codegen/stream-form.ts';
import { createLog } from '../../src/compress/pass.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { product, type Graph, type TensorData } from '../../src/ir/graph.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { HOST_FLAGS, maxFloatViolation, runOnHost, writeGenerated } from './host-run.ts';
import { randF32, rng } from './graphs.ts';

const HARNESS = fileURLToPath(new URL('./stream-harness.c', import.meta.url));

const FEATURES = 6;
const STEPS = 5;

/** x [1, T, 6] → Dense 6→5 relu (per frame) → Transpose to [T, 1, 5] → GRU 5→7 writing every step → LSTM 7→4 writing its
 *  last step, from constant initial h and c → Reshape [1, 4] → Dense 4→3. The same weights for every T. */
function stackedModel(steps: number): Graph {
  const r = rng(21);
  const b = new GraphBuilder(`stacked-${steps}`);
  const x = b.input('x', [1, steps, FEATURES]);
  const d1 = b.node('Dense', [x, b.constant('d1.w', randF32(r, 30, -0.8, 0.8), [5, 6]), b.constant('d1.b', randF32(r, 5), [5])], {
    activation: 'relu',
  });
  const tx = b.node('Transpose', [d1], { perm: [1, 0, 2] });
  const gru = b.node(
    'GRU',
    [
      tx,
      b.constant('gru.W', randF32(r, 105, -0.6, 0.6), [21, 5]),
      b.constant('gru.R', randF32(r, 147, -0.6, 0.6), [21, 7]),
      b.constant('gru.B', randF32(r, 42, -0.5, 0.5), [42]),
    ],
    { hiddenSize: 7, reverse: false, sequenceOutput: true, linearBeforeReset: false },
  );
  const lstm = b.node(
    'LSTM',
    [
      gru,
      b.constant('lstm.W', randF32(r, 112, -0.6, 0.6), [16, 7]),
      b.constant('lstm.R', randF32(r, 64, -0.6, 0.6), [16, 4]),
      b.constant('lstm.B', randF32(r, 32, -0.5, 0.5), [32]),
      b.constant('lstm.h0', randF32(r, 4), [1, 1, 4]),
      b.constant('lstm.c0', randF32(r, 4), [1, 1, 4]),
    ],
    { hiddenSize: 4, reverse: false, sequenceOutput: false },
  );
  const flat = b.node('Reshape', [lstm], { shape: [1, 4] });
  b.output(b.node('Dense', [flat, b.constant('d2.w', randF32(r, 12, -0.8, 0.8), [3, 4])], { activation: 'none' }, 'logits'));
  return b.build();
}

const bytesOf = (d: TensorData): Uint8Array => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** Generates `g` in the streaming form, compiles it with the stream harness and feeds each sequence frame by frame
 *  after a reset; returns every step's output bytes, per sequence. */
function stepOnHost(g: Graph, sequences: TensorData[]): { steps: Uint8Array[][]; gen: ReturnType<typeof generateModel> } {
  const dir = mkdtempSync(join(tmpdir(), 'tfg-stream-'));
  try {
    const gen = generateModel(g, { stream: true });
    writeGenerated(dir, gen);
    const inc = ['-I', dir, '-I', join(dir, 'tfg/include')];
    const exe = join(dir, 'stream');
    execFileSync('gcc', [...HOST_FLAGS, ...inc, ...gen.sources.map((s) => join(dir, s)), HARNESS, '-o', exe, '-lm'], { stdio: 'pipe' });
    writeFileSync(join(dir, 'in.bin'), Buffer.concat(sequences.map((s) => Buffer.from(bytesOf(s)))));
    const { steps, stepInputBytes } = gen.stream!;
    const outBytes = gen.io.outputBytes;
    execFileSync(exe, [join(dir, 'in.bin'), join(dir, 'out.bin'), String(stepInputBytes), String(steps), String(outBytes)], {
      stdio: 'pipe',
    });
    const out = readFileSync(join(dir, 'out.bin'));
    expect(out.length).toBe(sequences.length * steps * outBytes);
    const at = (k: number, t: number) => new Uint8Array(out.subarray((k * steps + t) * outBytes, (k * steps + t + 1) * outBytes));
    return { gen, steps: sequences.map((_, k) => Array.from({ length: steps }, (_, t) => at(k, t))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('streaming form on the host', () => {
  it('after frame t, <id>_step gives the whole-sequence C output of the first t+1 frames, bit for bit (float GRU → LSTM)', () => {
    const r = rng(5);
    const sequences = [randF32(r, STEPS * FEATURES, -2, 2), randF32(r, STEPS * FEATURES, -2, 2)];
    const { steps, gen } = stepOnHost(stackedModel(STEPS), sequences);
    expect(gen.kernels).toEqual(expect.arrayContaining(['tfg_gru_f32_step', 'tfg_lstm_f32_step']));
    expect(gen.kernels).not.toContain('tfg_gru_f32');
    // GRU h (7 floats, block padded to 8 bytes: 32) + LSTM h and c (4 + 4 floats: 32)
    expect(gen.stream).toEqual({ steps: STEPS, stepInputBytes: FEATURES * 4, stateBytes: 64 });
    for (let t = 0; t < STEPS; t++) {
      const prefix = stackedModel(t + 1);
      const whole = runOnHost(
        prefix,
        sequences.map((s) => s.slice(0, (t + 1) * FEATURES)),
      );
      sequences.forEach((s, k) => {
        expect(hex(steps[k][t]), `sequence ${k}, frame ${t}`).toBe(hex(whole.outputs[k]));
        const ref = runGraph(prefix, { x: s.slice(0, (t + 1) * FEATURES) }).outputs.logits as Float32Array;
        expect(maxFloatViolation(new Float32Array(steps[k][t].slice().buffer), ref)).toBeNull();
      });
    }
  });

  it('<id>_run is reset + one step per frame: the whole-sequence bytes, the state outside the arena', () => {
    const g = stackedModel(STEPS);
    const r = rng(6);
    const inputs = [randF32(r, STEPS * FEATURES, -2, 2), randF32(r, STEPS * FEATURES, -2, 2)];
    const whole = runOnHost(g, inputs);
    const streamed = runOnHost(g, inputs, { stream: true });
    inputs.forEach((_, k) => expect(hex(streamed.outputs[k])).toBe(hex(whole.outputs[k])));
    const header = streamed.gen.files['model.h'];
    expect(header).toContain(`#define TFG_MODEL_STEPS ${STEPS}u`);
    expect(header).toContain('#define TFG_MODEL_STATE_BYTES 64u');
    expect(header).toContain(`#define TFG_MODEL_INPUT_BYTES ${STEPS * FEATURES * 4}`);
    expect(streamed.gen.files['model.c']).toMatch(/memcpy\(tfg_model_state \+ \d+, w_lstm_h0, 16u\);/);
    // one frame's activations instead of T: the arena shrinks, the state is not in it
    expect(streamed.gen.arenaBytes).toBeLessThan(whole.gen.arenaBytes);
  });

  it('examples/gru-kws in int8 with the GRU in float (quantize-int8 recurrent: float, what --stream asks): every step bit for bit the whole-sequence C', async () => {
    const g = simplify(importOnnx(new Uint8Array(readFileSync('examples/gru-kws/model.onnx')), 'gru-kws.onnx'));
    const r = rng(7);
    const sample = product(g.tensors[g.inputs[0]].shape);
    const calibration = Array.from({ length: 8 }, () => ({ [g.inputs[0]]: randF32(r, sample, -2, 2) }));
    const { ir } = await runPipeline(g, [{ step: 'quantize-int8', samples: 8, recurrent: 'float' }], {
      data: { calibration },
      log: createLog(),
    });
    expect(ir.tensors[ir.inputs[0]].dtype).toBe('i8');
    const inputs = [0, 1].map(() => Int8Array.from(randF32(r, sample, -128, 127), Math.round));
    const whole = runOnHost(ir, inputs);
    const { steps, gen } = stepOnHost(ir, inputs);
    expect(gen.stream).toEqual({ steps: 49, stepInputBytes: 10, stateBytes: 48 * 4 });
    inputs.forEach((x, k) => {
      expect(hex(steps[k][48])).toBe(hex(whole.outputs[k]));
      expect(Array.from(new Int8Array(steps[k][48].slice().buffer))).toEqual(
        Array.from(runGraph(ir, { [ir.inputs[0]]: x }).outputs[ir.outputs[0]]),
      );
    });
  });
});

/** The refusal streamForm gives for `g`: its code, node and message. */
function refusal(g: Graph): TinyforgeError {
  try {
    streamForm(g);
  } catch (err) {
    if (err instanceof TinyforgeError) return err;
    throw err;
  }
  throw new Error('streamForm accepted the graph');
}

describe('models without the streaming form are refused', () => {
  const gruWeights = (b: GraphBuilder, inSize: number, r = rng(1)) => [
    b.constant('W', randF32(r, 9 * inSize), [9, inSize]),
    b.constant('R', randF32(r, 27), [9, 3]),
  ];
  const gruAttrs = { hiddenSize: 3, reverse: false, sequenceOutput: false, linearBeforeReset: false };

  it('a Conv over time before the GRU', () => {
    const b = new GraphBuilder('conv-then-gru');
    const x = b.input('x', [1, 1, 8, 2]); // NHWC: 8 time steps along W, 2 features
    const conv = b.node('Conv2D', [x, b.constant('k', randF32(rng(2), 12), [2, 1, 3, 2])], {
      strides: [1, 1],
      dilations: [1, 1],
      pads: [0, 1, 0, 1],
      groups: 1,
      activation: 'none',
    });
    const seq = b.node('Reshape', [conv], { shape: [8, 1, 2] });
    b.output(b.node('GRU', [seq, ...gruWeights(b, 2)], gruAttrs));
    const e = refusal(b.build());
    expect(e.code).toBe('stream-not-possible');
    expect(e.diagnostic.location).toMatchObject({ node: conv, op: 'Conv2D' });
    expect(e.message).toContain('slides a window over the time axis');
  });

  it('a reverse GRU, an output with every step, and a model without a recurrent layer', () => {
    const model = (attrs: object) => {
      const b = new GraphBuilder('gru');
      const x = b.input('x', [4, 1, 2]);
      b.output(b.node('GRU', [x, ...gruWeights(b, 2)], { ...gruAttrs, ...attrs }, 'y'));
      return b.build();
    };
    expect(refusal(model({ reverse: true })).message).toContain('runs backwards over time');
    expect(refusal(model({ sequenceOutput: true })).message).toContain('writes the graph output "y" with every time step');
    const b = new GraphBuilder('dense');
    const x = b.input('x', [1, 4]);
    b.output(b.node('Dense', [x, b.constant('w', randF32(rng(3), 8), [2, 4])], { activation: 'none' }));
    expect(refusal(b.build()).message).toContain('no GRU or LSTM layer');
  });

  it('a Softmax over the features runs per step; one over the time axis is refused', () => {
    const model = (axis: number) => {
      const b = new GraphBuilder('softmax');
      const x = b.input('x', [4, 1, 2]);
      const p = b.node('Softmax', [x], { axis }, 'p');
      b.output(b.node('GRU', [p, ...gruWeights(b, 2)], gruAttrs));
      return b.build();
    };
    const form = streamForm(model(2));
    expect(form.steps).toBe(4);
    expect(form.step.tensors.p.shape).toEqual([1, 1, 2]);
    const e = refusal(model(0));
    expect(e.diagnostic.location).toMatchObject({ node: 'p', op: 'Softmax' });
    expect(e.message).toContain('normalises along the time axis');
  });

  it('a Dense over the time axis, and an initial state computed from the input', () => {
    const b = new GraphBuilder('dense-over-time');
    const x = b.input('x', [1, 1, 4]); // 4 time steps, last
    const mixed = b.node('Dense', [x, b.constant('w', randF32(rng(4), 16), [4, 4])], { activation: 'none' }, 'mixed');
    const seq = b.node('Transpose', [mixed], { perm: [2, 0, 1] });
    b.output(b.node('GRU', [seq, ...gruWeights(b, 1)], gruAttrs));
    const e = refusal(b.build());
    expect(e.diagnostic.location).toMatchObject({ node: 'mixed', op: 'Dense' });
    expect(e.message).toContain('the time axis');

    const c = new GraphBuilder('runtime-state');
    const y = c.input('x', [4, 1, 3]);
    const h0 = c.node('Slice', [y], { starts: [0, 0, 0], ends: [1, 1, 3], steps: [1, 1, 1] }, 'h0');
    c.output(
      c.node(
        'GRU',
        [y, c.constant('W', randF32(rng(5), 27), [9, 3]), c.constant('R', randF32(rng(6), 27), [9, 3]), '', h0],
        gruAttrs,
        'gru',
      ),
    );
    const s = refusal(c.build());
    expect(s.message).toMatch(/"h0"|Slice/);
  });
});
