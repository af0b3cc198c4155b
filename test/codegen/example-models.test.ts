// The example models (LeNet-300-100, the MNIST CNN) through codegen, float and after the real PTQ pass: host C equals
// the reference (float ≤ 1e-5, int8 identical bytes), Cortex-M4 builds clean, arena figures, and golden generated C.
import { describe, expect, it } from 'vitest';
import { mnistCnn, mnistLenet300 } from '../../examples/models.ts';
import { generateModel } from '../../src/codegen/generate.ts';
import { calibrate } from '../../src/compress/calibrate.ts';
import { quantizeGraphInt8 } from '../../src/compress/quantize-int8.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { TOOL_VERSION } from '../../src/package.ts';
import { quantizeValue } from '../../src/reference/quant.ts';
import { compileForCortexM4, maxFloatViolation, runOnHost } from './host-run.ts';
import { randF32, rng } from './graphs.ts';

const images = (n: number, seed: number) => Array.from({ length: n }, () => randF32(rng(seed++), 784, 0, 1));

function quantized(g: Graph): Graph {
  const ranges = calibrate(
    g,
    images(8, 100).map((x) => ({ [g.inputs[0]]: x })),
  );
  return quantizeGraphInt8(g, ranges).graph;
}

function quantizeInput(g: Graph, x: Float32Array): Int8Array {
  const q = g.tensors[g.inputs[0]].quant!;
  return Int8Array.from(x, (v) => quantizeValue(v, q.scale[0], q.zeroPoint[0]));
}

/** model.h and model.c without the weight arrays (and with the version a placeholder, so a release changes no golden
 *  file): the part of the generated C a reviewer reads. */
function goldenText(files: Record<string, string>): string {
  const c = files['model.c'];
  const text = `${files['model.h']}\n/* ===== model.c (weights elided) ===== */\n${c.slice(0, c.indexOf('/* ---- weights'))}${c.slice(c.indexOf('/* ---- layer parameters'))}`;
  return text.replaceAll(TOOL_VERSION, '<version>');
}

describe.each([
  ['mnist-lenet300', mnistLenet300],
  ['mnist-cnn', mnistCnn],
])('%s', (name, build) => {
  const g = build(1);
  const qg = quantized(g);

  it('float: generated C matches the reference within 1e-5', () => {
    const xs = images(3, 1);
    const run = runOnHost(g, xs);
    xs.forEach((x, i) => {
      const ref = runGraph(g, { [g.inputs[0]]: x }).outputs[g.outputs[0]] as Float32Array;
      const c = new Float32Array(run.outputs[i].buffer.slice(run.outputs[i].byteOffset, run.outputs[i].byteOffset + 40));
      expect(maxFloatViolation(c, ref)).toBeNull();
    });
  });

  it('int8 after PTQ: identical bytes to the int8 reference on 10 images, every kernel set', () => {
    const xs = images(10, 50).map((x) => quantizeInput(qg, x));
    const refs = xs.map((x) => Array.from(runGraph(qg, { [qg.inputs[0]]: x }).outputs[qg.outputs[0]]));
    for (const kernels of ['reference', 'cortex-m-dsp']) {
      const run = runOnHost(qg, xs, { board: { kernels } });
      run.outputs.forEach((o, i) =>
        expect(Array.from(new Int8Array(o.buffer, o.byteOffset, o.byteLength)), `${kernels} image ${i}`).toEqual(refs[i]),
      );
    }
  });

  it('arena within the two-live-tensor bound + 10%, Cortex-M4 build clean, golden C', async () => {
    for (const model of [g, qg]) {
      const gen = generateModel(model);
      expect(gen.arenaBytes).toBeGreaterThanOrEqual(gen.lowerBound);
      expect(gen.arenaBytes).toBeLessThanOrEqual(Math.ceil(gen.lowerBound * 1.1));
      console.log(
        `${name} ${model === g ? 'f32' : 'int8'}: arena ${gen.arenaBytes} B, naive ${gen.naiveBytes} B, lower bound ${gen.lowerBound} B, weights ${gen.weightBytes} B`,
      );
    }
    const gen = generateModel(qg, { board: { kernels: 'cortex-m-dsp' } });
    compileForCortexM4(gen);
    await expect(goldenText(generateModel(qg).files)).toMatchFileSnapshot(`./__snapshots__/${name}-int8.golden.c`);
  });
});
