// ShuffleNet's channel shuffle as PyTorch exports it (Reshape to [N, g, C/g, H, W], Transpose [0,2,1,3,4], Reshape
// back) becomes one ChannelShuffle after import, and matches onnxruntime in the reference, the export, int8 and C.
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/import/onnx.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { encodeModel, int64Tensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { checkPlumbing } from './plumbing-check.ts';

function shuffleModel(dims: number[], groups: number, perm = [0, 2, 1, 3, 4]): Uint8Array {
  const [n, c, h, w] = dims;
  return encodeModel(
    makeModel({
      nodes: [node('Reshape', ['x', 'grouped'], ['g']), node('Transpose', ['g'], ['t'], { perm }), node('Reshape', ['t', 'flat'], ['y'])],
      initializers: [int64Tensor('grouped', [5], [n, groups, c / groups, h, w]), int64Tensor('flat', [4], [n, -1, h, w])],
      inputs: [valueInfo('x', dims)],
      outputs: [valueInfo('y', dims)],
    }),
  );
}

describe('ChannelShuffle', () => {
  it('the 5-D Reshape/Transpose/Reshape chain becomes one ChannelShuffle (2 groups, 8×8 pixels)', async () => {
    const g = await checkPlumbing({
      bytes: shuffleModel([1, 12, 8, 8], 2),
      dims: [1, 12, 8, 8],
      op: 'ChannelShuffle',
      kernels: { f32: 'tfg_strided_copy_f32', s8: 'tfg_strided_copy_s8' },
    });
    expect(g.nodes.map((n) => n.op)).toEqual(['ChannelShuffle']);
    expect(g.nodes[0].attrs).toEqual({ groups: 2 });
  });

  it('3 groups on a 1×1 map (the layout transposes vanish there) is found too', async () => {
    const g = simplify(importOnnx(shuffleModel([1, 6, 1, 1], 3), 's.onnx'));
    expect(g.nodes.map((n) => n.op)).toEqual(['ChannelShuffle']);
    expect(g.nodes[0].attrs).toEqual({ groups: 3 });
  });

  it('a 5-D transpose that is not a shuffle stays as it is', () => {
    // Swapping H and W inside the grouped view moves pixels, not channels.
    const g = simplify(importOnnx(shuffleModel([1, 4, 3, 3], 2, [0, 1, 2, 4, 3]), 'not.onnx'));
    expect(g.nodes.map((n) => n.op)).not.toContain('ChannelShuffle');
  });
});
