// Gather with constant indices on a runtime tensor: along the NCHW channel axis (stays 4-D, runs in NHWC), with a
// scalar index (drops the axis) and with 2-D indices, against onnxruntime; C kernel against the reference.
import { describe, it } from 'vitest';
import { encodeModel, int64Tensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { checkPlumbing } from './plumbing-check.ts';

const KERNELS = { f32: 'tfg_gather_x8', s8: 'tfg_gather_x8' };

function gatherModel(dims: number[], out: number[], indices: number[], indexDims: number[], axis: number): Uint8Array {
  return encodeModel(
    makeModel({
      nodes: [node('Gather', ['x', 'i'], ['y'], { axis })],
      initializers: [int64Tensor('i', indexDims, indices)],
      inputs: [valueInfo('x', dims)],
      outputs: [valueInfo('y', out)],
    }),
  );
}

describe('Gather', () => {
  it('picks channels of an NCHW tensor in any order, with repeats and negative indices', async () => {
    await checkPlumbing({
      bytes: gatherModel([1, 5, 3, 2], [1, 4, 3, 2], [4, 0, -1, 2], [4], 1),
      dims: [1, 5, 3, 2],
      op: 'Gather',
      kernels: KERNELS,
    });
  });

  it('a scalar index drops the axis (rank 4 → 3)', async () => {
    await checkPlumbing({ bytes: gatherModel([1, 3, 4, 5], [1, 3, 5], [2], [], 2), dims: [1, 3, 4, 5], op: 'Gather', kernels: KERNELS });
  });

  it('2-D indices on the last axis of a rank-2 tensor', async () => {
    await checkPlumbing({ bytes: gatherModel([3, 6], [3, 2, 2], [5, 1, 0, 3], [2, 2], -1), dims: [3, 6], op: 'Gather', kernels: KERNELS });
  });
});
