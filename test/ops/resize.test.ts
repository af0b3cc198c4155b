// Resize and Upsample end to end: ONNX import (opset 10/11/13/18 forms, scales or sizes, nearest modes, bilinear
// coordinate modes) and the float reference against onnxruntime; the ONNX export run by onnxruntime; int8 quantization
// keeping the op int8 (nearest moves values exactly; bilinear, TFLM's integer interpolation, within one step of
// onnxruntime's float result requantized); the C kernels against the reference on the host (int8 byte for byte).
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, floatTensor, int64Tensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { product } from '../../src/ir/graph.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { dequantizeArray, quantizeArray } from '../../src/reference/quant.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';
import { checkPlumbing } from './plumbing-check.ts';

const NEAREST = { f32: 'tfg_resize_nearest_x8', s8: 'tfg_resize_nearest_x8' };

interface ResizeCase {
  dims: number[];
  out: number[];
  attrs: Record<string, string | number | number[]>;
  scales?: number[];
  sizes?: number[];
  opset?: number;
  op?: 'Resize' | 'Upsample';
}

function resizeModel(c: ResizeCase): Uint8Array {
  const opset = c.opset ?? 13;
  const inits = [];
  let inputs: string[];
  if (c.op === 'Upsample' || opset < 11) {
    inits.push(floatTensor('scales', [c.scales!.length], c.scales!));
    inputs = ['x', 'scales'];
  } else {
    if (c.scales) inits.push(floatTensor('scales', [c.scales.length], c.scales));
    if (c.sizes) inits.push(int64Tensor('sizes', [c.sizes.length], c.sizes));
    // Opset 11 needs roi and scales present even when sizes are given (empty tensors).
    if (opset < 13) inits.push(floatTensor('roi', [0], []));
    if (opset < 13 && !c.scales) inits.push(floatTensor('scales', [0], []));
    inputs = ['x', opset < 13 ? 'roi' : '', c.scales || opset < 13 ? 'scales' : '', c.sizes ? 'sizes' : ''];
    while (inputs[inputs.length - 1] === '') inputs.pop();
  }
  return encodeModel(
    makeModel({
      nodes: [node(c.op ?? 'Resize', inputs, ['y'], c.attrs)],
      initializers: inits,
      inputs: [valueInfo('x', c.dims)],
      outputs: [valueInfo('y', c.out)],
      opset,
    }),
  );
}

/** Bilinear: float import and export against onnxruntime, int8 within one step, C against the reference. */
async function checkBilinear(c: ResizeCase): Promise<void> {
  const bytes = resizeModel(c);
  const g = simplify(importOnnx(bytes, 'resize.onnx'));
  expect(g.nodes.map((n) => n.op)).toContain('Resize');
  const x = { dims: c.dims, data: randF32(rng(3), product(c.dims), -3, 3) };
  const [ort] = await runOrt(bytes, { x });
  expect(compare(runIr(g, [x])[0], ort), 'import vs onnxruntime').toBeUndefined();
  const [viaExport] = await runOrt(exportOnnx(g), { x });
  expect(compare(viaExport, ort), 'export vs onnxruntime').toBeUndefined();

  const r = rng(4);
  const xShape = g.tensors[g.inputs[0]].shape;
  const calibration = Array.from({ length: 16 }, () => ({ [g.inputs[0]]: randF32(r, product(xShape), -3, 3) }));
  const { ir } = await runPipeline(g, [{ step: 'quantize-int8', samples: 16 }], { data: { calibration } });
  const rz = ir.nodes.find((n) => n.op === 'Resize')!;
  expect(ir.tensors[rz.inputs[0]].dtype).toBe('i8');
  // The int8 resize on int8 values vs the float resize of the same values (dequantized), requantized: one step.
  const xq = ir.tensors[rz.inputs[0]];
  const yq = ir.tensors[rz.outputs[0]];
  const q8 = Int8Array.from({ length: product(xq.shape) }, (_, i) => ((i * 37) % 256) - 128);
  const one = { ...ir, inputs: [rz.inputs[0]], outputs: [rz.outputs[0]], nodes: [rz] };
  const y8 = runGraph(one, { [rz.inputs[0]]: q8 }).outputs[rz.outputs[0]] as Int8Array;
  const floatNode = g.nodes.find((n) => n.op === 'Resize')!;
  const floatOne = { ...g, inputs: [floatNode.inputs[0]], outputs: [floatNode.outputs[0]], nodes: [floatNode] };
  const yf = runGraph(floatOne, { [floatNode.inputs[0]]: dequantizeArray(q8, xq.quant!) }).outputs[floatNode.outputs[0]] as Float32Array;
  const want = quantizeArray(yf, yq.quant!);
  const worst = y8.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
  expect(worst).toBeLessThanOrEqual(1);

  checkAgainstReference(g, { expectKernels: { reference: ['tfg_resize_bilinear_f32'] } });
  checkAgainstReference(ir, { expectKernels: { reference: ['tfg_resize_bilinear_s8'] } });
}

describe('Resize nearest', () => {
  const cases: [string, ResizeCase][] = [
    [
      'opset 13 scales ×2, asymmetric floor (PyTorch nn.Upsample default)',
      {
        dims: [1, 3, 4, 5],
        out: [1, 3, 8, 10],
        scales: [1, 1, 2, 2],
        attrs: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' },
      },
    ],
    [
      'opset 13 sizes, half_pixel round_prefer_floor (the defaults), non-integer factor',
      {
        dims: [1, 2, 5, 4],
        out: [1, 2, 7, 9],
        sizes: [1, 2, 7, 9],
        attrs: { mode: 'nearest' },
      },
    ],
    [
      'opset 11 sizes with empty roi/scales, align_corners round_prefer_ceil',
      {
        dims: [1, 2, 3, 4],
        out: [1, 2, 5, 7],
        sizes: [1, 2, 5, 7],
        opset: 11,
        attrs: { mode: 'nearest', coordinate_transformation_mode: 'align_corners', nearest_mode: 'round_prefer_ceil' },
      },
    ],
    [
      'opset 13 downscale, pytorch_half_pixel ceil',
      {
        dims: [1, 3, 8, 6],
        out: [1, 3, 3, 4],
        sizes: [1, 3, 3, 4],
        attrs: { mode: 'nearest', coordinate_transformation_mode: 'pytorch_half_pixel', nearest_mode: 'ceil' },
      },
    ],
    [
      'opset 13 tf_half_pixel_for_nn (TFLite half_pixel_centers)',
      {
        dims: [1, 2, 3, 3],
        out: [1, 2, 6, 6],
        scales: [1, 1, 2, 2],
        attrs: { mode: 'nearest', coordinate_transformation_mode: 'tf_half_pixel_for_nn' },
      },
    ],
    [
      'opset 18 sizes on axes [2, 3]',
      {
        dims: [1, 2, 4, 4],
        out: [1, 2, 6, 8],
        sizes: [6, 8],
        opset: 18,
        attrs: { mode: 'nearest', axes: [2, 3] },
      },
    ],
    [
      'opset 10 Resize (scales input, asymmetric)',
      {
        dims: [1, 2, 3, 4],
        out: [1, 2, 6, 8],
        scales: [1, 1, 2, 2],
        opset: 10,
        attrs: { mode: 'nearest' },
      },
    ],
    [
      'opset 9 Upsample',
      {
        dims: [1, 3, 2, 3],
        out: [1, 3, 4, 9],
        scales: [1, 1, 2, 3],
        opset: 9,
        op: 'Upsample',
        attrs: { mode: 'nearest' },
      },
    ],
  ];
  for (const [name, c] of cases) {
    it(name, async () => {
      await checkPlumbing({ bytes: resizeModel(c), dims: c.dims, op: 'Resize', kernels: NEAREST });
    });
  }
});

describe('Resize bilinear', () => {
  const cases: [string, ResizeCase][] = [
    [
      'half_pixel ×2 (TF/Keras UpSampling2D bilinear, PyTorch align_corners=False)',
      {
        dims: [1, 3, 4, 5],
        out: [1, 3, 8, 10],
        scales: [1, 1, 2, 2],
        attrs: { mode: 'linear' },
      },
    ],
    [
      'align_corners, sizes',
      {
        dims: [1, 2, 3, 4],
        out: [1, 2, 7, 6],
        sizes: [1, 2, 7, 6],
        attrs: { mode: 'linear', coordinate_transformation_mode: 'align_corners' },
      },
    ],
    [
      'asymmetric, downscale',
      {
        dims: [1, 2, 8, 6],
        out: [1, 2, 4, 3],
        sizes: [1, 2, 4, 3],
        attrs: { mode: 'linear', coordinate_transformation_mode: 'asymmetric' },
      },
    ],
    [
      'pytorch_half_pixel ×1.5',
      {
        dims: [1, 2, 4, 4],
        out: [1, 2, 6, 6],
        sizes: [1, 2, 6, 6],
        attrs: { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' },
      },
    ],
    [
      'opset 9 Upsample linear',
      {
        dims: [1, 2, 3, 3],
        out: [1, 2, 6, 6],
        scales: [1, 1, 2, 2],
        opset: 9,
        op: 'Upsample',
        attrs: { mode: 'linear' },
      },
    ],
  ];
  for (const [name, c] of cases) it(name, () => checkBilinear(c));
});

describe('Resize refusals', () => {
  const refuse = (c: ResizeCase, pattern: RegExp) => {
    let err: unknown;
    try {
      importOnnx(resizeModel(c), 'resize.onnx');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TinyforgeError);
    expect((err as TinyforgeError).code).toBe('unsupported-attribute');
    expect(JSON.stringify((err as TinyforgeError).diagnostic.notes)).toMatch(pattern);
  };
  it('cubic mode', () => refuse({ dims: [1, 1, 2, 2], out: [1, 1, 4, 4], scales: [1, 1, 2, 2], attrs: { mode: 'cubic' } }, /mode cubic/));
  it('tf_crop_and_resize', () =>
    refuse(
      {
        dims: [1, 1, 2, 2],
        out: [1, 1, 4, 4],
        scales: [1, 1, 2, 2],
        attrs: { mode: 'linear', coordinate_transformation_mode: 'tf_crop_and_resize' },
      },
      /tf_crop_and_resize/,
    ));
  it('resizing the channel axis', () =>
    refuse({ dims: [1, 2, 2, 2], out: [1, 4, 4, 4], scales: [1, 2, 2, 2], attrs: { mode: 'nearest' } }, /batch or channel/));
  it('a 3-D input', () => refuse({ dims: [1, 2, 4], out: [1, 2, 8], scales: [1, 1, 2], attrs: { mode: 'nearest' } }, /4-D NCHW/));
});
