// Slice and Split on runtime tensors: ONNX index rules (negative starts, ends past the axis, negative steps), both
// Split forms (opset 13 input, older attribute), against onnxruntime, and the C kernels against the reference.
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, int64Tensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import type { Node } from '../../src/ir/graph.ts';
import { collapseView, stridedView } from '../../src/reference/strided-view.ts';
import { checkPlumbing } from './plumbing-check.ts';

const KERNELS = { f32: 'tfg_strided_copy_f32', s8: 'tfg_strided_copy_s8' };

function sliceModel(dims: number[], out: number[], starts: number[], ends: number[], axes: number[], steps?: number[]): Uint8Array {
  const inits = [
    int64Tensor('starts', [starts.length], starts),
    int64Tensor('ends', [ends.length], ends),
    int64Tensor('axes', [axes.length], axes),
  ];
  if (steps) inits.push(int64Tensor('steps', [steps.length], steps));
  return encodeModel(
    makeModel({
      nodes: [node('Slice', ['x', 'starts', 'ends', 'axes', ...(steps ? ['steps'] : [])], ['y'])],
      initializers: inits,
      inputs: [valueInfo('x', dims)],
      outputs: [valueInfo('y', out)],
    }),
  );
}

describe('Slice', () => {
  it('a channel half of an NCHW tensor (the ShuffleNet split) matches onnxruntime, exported, int8 and in C', async () => {
    const g = await checkPlumbing({
      bytes: sliceModel([1, 6, 3, 4], [1, 3, 3, 4], [3], [6], [1]),
      dims: [1, 6, 3, 4],
      op: 'Slice',
      kernels: KERNELS,
    });
    // NCHW axis 1 is the IR's channel axis 3.
    expect(g.nodes.find((n) => n.op === 'Slice')!.attrs).toEqual({ starts: [0, 0, 0, 3], ends: [1, 3, 4, 6], steps: [1, 1, 1, 1] });
  });

  it('negative starts, ends past the axis and negative steps follow the ONNX clamping rules', async () => {
    // axis 2: from the last (−1) down to the start with step −2; axis 3: from −3 to "infinity".
    const bytes = sliceModel([1, 2, 5, 6], [1, 2, 3, 3], [-1, -3], [-100, 1000], [2, 3], [-2, 1]);
    await checkPlumbing({ bytes, dims: [1, 2, 5, 6], op: 'Slice', kernels: KERNELS, seed: 3 });
  });

  it('a rank-3 tensor with a step of 2 on the last axis', async () => {
    await checkPlumbing({
      bytes: sliceModel([2, 3, 9], [2, 2, 4], [1, 1], [3, 9], [1, -1], [1, 2]),
      dims: [2, 3, 9],
      op: 'Slice',
      kernels: KERNELS,
    });
  });

  it('the C view of a channel slice of NHWC is [pixels, channels] with a contiguous inner run', () => {
    const node: Node<'Slice'> = {
      name: 's',
      op: 'Slice',
      inputs: ['x'],
      outputs: ['y'],
      attrs: { starts: [0, 0, 0, 3], ends: [1, 3, 4, 6], steps: [1, 1, 1, 1] },
    };
    expect(collapseView(stridedView(node, [1, 3, 4, 6]))).toEqual({ outDims: [12, 3], inStrides: [6, 1], offset: 3 });
  });

  it('a slice that selects nothing is refused with the node named', () => {
    const bytes = sliceModel([1, 4], [1, 0], [3], [1], [1]);
    const error = (() => {
      try {
        importOnnx(bytes, 'empty.onnx');
      } catch (e) {
        return e as TinyforgeError;
      }
    })();
    expect(error).toBeInstanceOf(TinyforgeError);
    expect(error!.code).toBe('unsupported-attribute');
    expect(error!.diagnostic.notes!.join('\n')).toMatch(/node "y" \(Slice\): output "y" would be empty on axis 1/);
  });
});

describe('Split', () => {
  it('opset 13 (sizes as an input) splits channels of an NCHW tensor unevenly', async () => {
    const bytes = encodeModel(
      makeModel({
        nodes: [node('Split', ['x', 'split'], ['a', 'b'], { axis: 1 })],
        initializers: [int64Tensor('split', [2], [2, 5])],
        inputs: [valueInfo('x', [1, 7, 2, 3])],
        outputs: [valueInfo('a', [1, 2, 2, 3]), valueInfo('b', [1, 5, 2, 3])],
      }),
    );
    const g = await checkPlumbing({ bytes, dims: [1, 7, 2, 3], op: 'Slice', kernels: KERNELS });
    expect(g.nodes.filter((n) => n.op === 'Slice')).toHaveLength(2);
  });

  it('opset 11 (sizes as an attribute) and equal parts without sizes', async () => {
    const attrForm = encodeModel(
      makeModel({
        nodes: [node('Split', ['x'], ['a', 'b', 'c'], { axis: -1, split: [1, 2, 3] })],
        inputs: [valueInfo('x', [2, 6])],
        outputs: [valueInfo('a', [2, 1]), valueInfo('b', [2, 2]), valueInfo('c', [2, 3])],
        opset: 11,
      }),
    );
    await checkPlumbing({ bytes: attrForm, dims: [2, 6], op: 'Slice', kernels: KERNELS });
    const equal = encodeModel(
      makeModel({
        nodes: [node('Split', ['x'], ['a', 'b'], { axis: 0 })],
        inputs: [valueInfo('x', [4, 3])],
        outputs: [valueInfo('a', [2, 3]), valueInfo('b', [2, 3])],
      }),
    );
    await checkPlumbing({ bytes: equal, dims: [4, 3], op: 'Slice', kernels: KERNELS });
  });
});
