// Expand on a runtime tensor: broadcasting to a constant shape, from the same rank and from a lower one, against
// onnxruntime; C kernel against the reference.
import { describe, it } from 'vitest';
import { encodeModel, int64Tensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { checkPlumbing } from './plumbing-check.ts';

const KERNELS = { f32: 'tfg_strided_copy_f32', s8: 'tfg_strided_copy_s8' };

function expandModel(dims: number[], shape: number[], out: number[]): Uint8Array {
  return encodeModel(
    makeModel({
      nodes: [node('Expand', ['x', 's'], ['y'])],
      initializers: [int64Tensor('s', [shape.length], shape)],
      inputs: [valueInfo('x', dims)],
      outputs: [valueInfo('y', out)],
    }),
  );
}

describe('Expand', () => {
  it('an NCHW tensor broadcast over H and W (the shape given with 1s where the input is wider)', async () => {
    await checkPlumbing({
      bytes: expandModel([1, 3, 1, 1], [1, 1, 4, 5], [1, 3, 4, 5]),
      dims: [1, 3, 1, 1],
      op: 'Expand',
      kernels: KERNELS,
    });
  });

  it('a rank-2 tensor lifted to rank 3 (a GRU initial state: [1, H] → [2, 1, H])', async () => {
    await checkPlumbing({ bytes: expandModel([1, 6], [2, 1, 6], [2, 1, 6]), dims: [1, 6], op: 'Expand', kernels: KERNELS });
  });
});
