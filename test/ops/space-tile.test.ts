// DepthToSpace (DCR, CRD), SpaceToDepth and Tile with constant repeats, imported as Reshape/Transpose/Expand on the
// tensor in ONNX order: against onnxruntime, exported and re-run, int8 kept in int8, and the C kernels on the host.
import { describe, it } from 'vitest';
import { encodeModel, int64Tensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { checkPlumbing } from './plumbing-check.ts';

function model(op: string, dims: number[], out: number[], attrs: Record<string, number | string>, repeats?: number[]): Uint8Array {
  return encodeModel(
    makeModel({
      nodes: [node(op, repeats ? ['x', 'r'] : ['x'], ['y'], attrs)],
      initializers: repeats ? [int64Tensor('r', [repeats.length], repeats)] : [],
      inputs: [valueInfo('x', dims)],
      outputs: [valueInfo('y', out)],
    }),
  );
}

const MOVE = { f32: 'tfg_transpose_f32', s8: 'tfg_transpose_s8' };
const COPY = { f32: 'tfg_strided_copy_f32', s8: 'tfg_strided_copy_s8' };

describe('DepthToSpace, SpaceToDepth, Tile', () => {
  for (const mode of ['DCR', 'CRD'])
    it(`DepthToSpace ${mode}, blocksize 2`, async () => {
      const bytes = model('DepthToSpace', [1, 8, 3, 2], [1, 2, 6, 4], { blocksize: 2, mode });
      await checkPlumbing({ bytes, dims: [1, 8, 3, 2], op: 'Transpose', kernels: MOVE });
    });
  it('SpaceToDepth, blocksize 2', async () => {
    const bytes = model('SpaceToDepth', [1, 3, 4, 6], [1, 12, 2, 3], { blocksize: 2 });
    await checkPlumbing({ bytes, dims: [1, 3, 4, 6], op: 'Transpose', kernels: MOVE });
  });
  it('Tile over H and W of an NCHW tensor', async () => {
    const bytes = model('Tile', [1, 3, 2, 4], [1, 3, 6, 8], {}, [1, 1, 3, 2]);
    await checkPlumbing({ bytes, dims: [1, 3, 2, 4], op: 'Expand', kernels: COPY });
  });
  it('Tile of a rank-2 tensor on both axes', async () => {
    const bytes = model('Tile', [3, 5], [6, 10], {}, [2, 2]);
    await checkPlumbing({ bytes, dims: [3, 5], op: 'Expand', kernels: COPY });
  });
});
