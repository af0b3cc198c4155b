// TFLite import: the four MLPerf Tiny models (int8 and float) against facts read from the files, hand-built
// flatbuffers for padding / flattening / quantization edge cases, and the errors for unsupported or corrupt input.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { MLPERF_TINY } from '../mlperf-tiny.ts';

const load = (rel: string) => {
  const path = MLPERF_TINY + rel;
  return { path, bytes: new Uint8Array(readFileSync(path)) };
};
const importFile = (rel: string) => {
  const { path, bytes } = load(rel);
  return importTflite(bytes, path);
};
const ops = (g: Graph) => g.nodes.map((n) => n.op);
const count = (g: Graph, op: string) => g.nodes.filter((n) => n.op === op).length;
const io = (g: Graph, name: string) => {
  const t = g.tensors[name];
  return { dtype: t.dtype, shape: t.shape, scale: t.quant?.scale, zeroPoint: t.quant?.zeroPoint };
};
const params = (g: Graph) => Object.values(g.tensors).reduce((s, t) => s + (t.data?.length ?? 0), 0);
const isFloat32 = (x: number) => Math.fround(x) === x;

/** Index of `needle` inside `hay`, to prove constant data came from the file's own bytes. */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('MLPerf Tiny int8 models', () => {
  it('KWS DS-CNN: 13 ops, int8 I/O with the published quantization, per-channel conv weights', () => {
    const { path, bytes } = load('kws01/models/kws_ref_model.tflite');
    const g = importTflite(bytes, path);
    expect(ops(g)).toEqual([
      'Conv2D',
      'DepthwiseConv2D',
      'Conv2D',
      'DepthwiseConv2D',
      'Conv2D',
      'DepthwiseConv2D',
      'Conv2D',
      'DepthwiseConv2D',
      'Conv2D',
      'AveragePool',
      'Reshape',
      'Dense',
      'Softmax',
    ]);
    expect(io(g, g.inputs[0])).toEqual({ dtype: 'i8', shape: [1, 49, 10, 1], scale: [0.5847029089927673], zeroPoint: [83] });
    expect(io(g, g.outputs[0])).toEqual({ dtype: 'i8', shape: [1, 12], scale: [0.00390625], zeroPoint: [-128] });
    expect(params(g)).toBe(22604);
    expect(g.metadata.source).toEqual({ path, format: 'tflite' });
    expect(g.metadata.inputLayout).toBe('NHWC');

    const conv = g.nodes[0];
    // 49x10 input, 10x4 filter, stride 2, SAME: TFLite pads 9 rows as 4 above / 5 below, 2 columns as 1 / 1.
    expect(conv.attrs).toEqual({ strides: [2, 2], dilations: [1, 1], pads: [4, 1, 5, 1], groups: 1, activation: 'relu' });
    const w = g.tensors[conv.inputs[1]];
    expect(w.shape).toEqual([64, 10, 4, 1]);
    expect(w.quant?.axis).toBe(0);
    expect(w.quant?.scale).toHaveLength(64);
    expect(w.quant?.scale.every(isFloat32)).toBe(true);
    expect(w.quant?.zeroPoint).toEqual(new Array(64).fill(0));
    expect(indexOfBytes(bytes, new Uint8Array(w.data!.buffer, 0, 64))).toBeGreaterThan(0);
    const bias = g.tensors[conv.inputs[2]];
    expect(bias.dtype).toBe('i32');
    expect(bias.quant?.scale).toHaveLength(64);
    // Bias scale = input scale x per-channel weight scale (TFLite spec), to float32 rounding.
    const sIn = g.tensors[g.inputs[0]].quant!.scale[0];
    for (let c = 0; c < 64; c++) expect(Math.abs(bias.quant!.scale[c] / (sIn * w.quant!.scale[c]) - 1)).toBeLessThan(1e-6);

    const dw = g.nodes[1];
    expect(dw.attrs).toMatchObject({ multiplier: 1, pads: [1, 1, 1, 1], activation: 'relu' });
    expect(g.tensors[dw.inputs[1]].shape).toEqual([1, 3, 3, 64]);
    expect(g.nodes[9].attrs).toEqual({ kernel: [25, 5], strides: [25, 5], pads: [0, 0, 0, 0], countIncludePad: false, activation: 'none' });
    expect(g.nodes[11].attrs).toEqual({ activation: 'none' });
    expect(g.tensors[g.nodes[11].inputs[1]].quant?.axis).toBeUndefined(); // FC weights are per-tensor
    expect(g.nodes[12].attrs).toEqual({ axis: 1, beta: 1 });
  });

  it('VWW MobileNetV1: 31 ops, u8-derived int8 input, unused QUANTIZE/DEQUANTIZE opcodes ignored', () => {
    const g = importFile('vww01/models/vww_96_int8.tflite');
    expect(g.nodes).toHaveLength(31);
    expect([count(g, 'Conv2D'), count(g, 'DepthwiseConv2D'), count(g, 'AveragePool'), count(g, 'Dense'), count(g, 'Softmax')]).toEqual([
      14, 13, 1, 1, 1,
    ]);
    expect(io(g, g.inputs[0])).toEqual({ dtype: 'i8', shape: [1, 96, 96, 3], scale: [0.003921568859368563], zeroPoint: [-128] });
    expect(io(g, g.outputs[0])).toEqual({ dtype: 'i8', shape: [1, 2], scale: [0.00390625], zeroPoint: [-128] });
    expect(params(g)).toBe(210850);
    expect((g.metadata.tflite as { operatorCodes: string[] }).operatorCodes).toContain('DEQUANTIZE/v2');
    // 96x96, 3x3 stride 2 SAME: TFLite puts the single padding row/column at the bottom/right.
    expect(g.nodes[0].attrs).toMatchObject({ strides: [2, 2], pads: [0, 0, 1, 1] });
  });

  it('IC ResNet-8: 16 ops with three residual ADDs', () => {
    const g = importFile('ic01/models/pretrainedResnet_quant.tflite');
    expect(g.nodes).toHaveLength(16);
    expect([
      count(g, 'Conv2D'),
      count(g, 'Add'),
      count(g, 'AveragePool'),
      count(g, 'Reshape'),
      count(g, 'Dense'),
      count(g, 'Softmax'),
    ]).toEqual([9, 3, 1, 1, 1, 1]);
    expect(io(g, g.inputs[0])).toEqual({ dtype: 'i8', shape: [1, 32, 32, 3], scale: [1], zeroPoint: [-128] });
    expect(params(g)).toBe(77706);
    const addNode = g.nodes.find((n) => n.op === 'Add')!;
    expect(addNode.inputs.every((n) => g.tensors[n].dtype === 'i8' && g.tensors[n].quant?.scale.length === 1)).toBe(true);
  });

  it('AD autoencoder: ten FULLY_CONNECTED layers, per-tensor weights', () => {
    const g = importFile('ad01/models/ad01_int8.tflite');
    expect(ops(g)).toEqual(new Array(10).fill('Dense'));
    expect(io(g, g.inputs[0])).toEqual({ dtype: 'i8', shape: [1, 640], scale: [0.3910152316093445], zeroPoint: [89] });
    expect(io(g, g.outputs[0])).toEqual({ dtype: 'i8', shape: [1, 640], scale: [0.36449846625328064], zeroPoint: [96] });
    expect(params(g)).toBe(265864);
    expect(g.nodes.map((n) => g.tensors[n.inputs[1]].shape[0])).toEqual([128, 128, 128, 128, 8, 128, 128, 128, 128, 640]);
  });
});

describe('MLPerf Tiny float models', () => {
  it('VWW, IC and AD float import with f32 tensors and the same structure as the int8 ones', () => {
    const vww = importFile('vww01/models/vww_96_float.tflite');
    const ic = importFile('ic01/models/pretrainedResnet.tflite');
    const ad = importFile('ad01/models/ad01_fp32.tflite');
    expect([vww.nodes.length, ic.nodes.length, ad.nodes.length]).toEqual([31, 16, 10]);
    expect([params(vww), params(ic), params(ad)]).toEqual([210850, 77706, 265864]);
    for (const g of [vww, ic, ad]) {
      expect(Object.values(g.tensors).every((t) => t.dtype === 'f32' && t.quant === undefined)).toBe(true);
    }
  });

  it('hybrid KWS "float32": the five int8 conv filters are dequantized to float and listed', () => {
    const g = importFile('kws01/models/kws_ref_model_float32.tflite');
    expect(g.nodes).toHaveLength(13);
    expect(io(g, g.inputs[0]).dtype).toBe('f32');
    const listed = (g.metadata.tflite as { hybridWeightsDequantized: string[] }).hybridWeightsDequantized;
    expect(listed).toHaveLength(5);
    for (const name of listed) expect(g.tensors[name].dtype).toBe('f32');
    // Per-tensor int8 dequantized: every value is an integer multiple of one scale.
    const w = g.tensors[listed[0]].data as Float32Array;
    const step = Math.min(...[...w].filter((v) => v > 0));
    expect([...w].every((v) => Math.abs(v / step - Math.round(v / step)) < 1e-3)).toBe(true);
  });
});
