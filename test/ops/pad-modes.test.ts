// Pad in reflect and edge modes (ONNX opset 11+ and the opset-2 attribute form), against onnxruntime; the C kernel
// against the reference; a reflect pad as wide as the axis is refused as ONNX defines it.
import { describe, expect, it } from 'vitest';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, int64Tensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { checkPlumbing } from './plumbing-check.ts';

const KERNELS = { f32: 'tfg_pad_mirror_x8', s8: 'tfg_pad_mirror_x8' };

function padModel(mode: string, dims: number[], pads: number[], opset = 13): Uint8Array {
  const r = dims.length;
  const out = dims.map((d, i) => d + pads[i] + pads[i + r]);
  return encodeModel(
    makeModel({
      nodes: [opset >= 11 ? node('Pad', ['x', 'p'], ['y'], { mode }) : node('Pad', ['x'], ['y'], { mode, pads })],
      initializers: opset >= 11 ? [int64Tensor('p', [pads.length], pads)] : [],
      inputs: [valueInfo('x', dims)],
      outputs: [valueInfo('y', out)],
      opset,
    }),
  );
}

describe('Pad modes', () => {
  it('reflect on H and W of an NCHW tensor (pads up to size − 1)', async () => {
    const g = await checkPlumbing({
      bytes: padModel('reflect', [1, 2, 3, 4], [0, 0, 2, 1, 0, 0, 1, 3]),
      dims: [1, 2, 3, 4],
      op: 'Pad',
      kernels: KERNELS,
    });
    expect(g.nodes[0].attrs).toMatchObject({ mode: 'reflect' });
  });

  it('edge, wider than the axis, on a rank-3 tensor', async () => {
    await checkPlumbing({ bytes: padModel('edge', [1, 3, 2], [0, 1, 4, 0, 2, 3]), dims: [1, 3, 2], op: 'Pad', kernels: KERNELS });
  });

  it('edge in the opset-2 attribute form', async () => {
    await checkPlumbing({ bytes: padModel('edge', [2, 3], [1, 0, 0, 2], 2), dims: [2, 3], op: 'Pad', kernels: KERNELS });
  });

  it('a reflect pad of the whole axis is refused (it would read past the edge)', () => {
    const error = (() => {
      try {
        importOnnx(padModel('reflect', [1, 3], [0, 3, 0, 0]), 'wide.onnx');
      } catch (e) {
        return e as TinyforgeError;
      }
    })();
    expect(error).toBeInstanceOf(TinyforgeError);
    expect(error!.code).toBe('unsupported-attribute');
    expect(error!.diagnostic.notes!.join('\n')).toMatch(/reflect pad of 3 on axis 1 of size 3/);
  });
});
