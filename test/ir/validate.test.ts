// validateGraph: one error per call, listing every problem, with the specific code and the node named.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, Node } from '../../src/ir/graph.ts';
import { cloneGraph } from '../../src/ir/graph.ts';
import { validateGraph } from '../../src/ir/validate.ts';
import { TinyforgeError, formatDiagnostic } from '../../src/diagnostics.ts';
import { errorOf } from '../errors.ts';

/** x[1,8,8,2] → conv1 (Conv2D) → relu1 → flat (Reshape) → fc (Dense). */
function small(): Graph {
  const b = new GraphBuilder('small');
  const x = b.input('x', [1, 8, 8, 2]);
  const w = b.constant('conv1.w', new Float32Array(4 * 3 * 3 * 2).fill(0.1), [4, 3, 3, 2]);
  const c = b.node('Conv2D', [x, w, ''], { pads: [1, 1, 1, 1] }, 'conv1');
  const r = b.node('Relu', [c], {}, 'relu1');
  const f = b.node('Reshape', [r], { shape: [1, -1] }, 'flat');
  const fw = b.constant('fc.w', new Float32Array(10 * 256).fill(0.01), [10, 256]);
  const fb = b.constant('fc.b', new Float32Array(10), [10]);
  b.output(b.node('Dense', [f, fw, fb], {}, 'fc'));
  return b.build();
}

const validationError = (g: Graph, file?: string): TinyforgeError => errorOf(() => validateGraph(g, file));

const text = (e: TinyforgeError) => formatDiagnostic(e.diagnostic);

describe('validateGraph', () => {
  it('accepts a well-formed graph', () => {
    expect(() => validateGraph(small())).not.toThrow();
  });

  it('nan-weights names the tensor and the node using it', () => {
    const g = cloneGraph(small());
    (g.tensors['fc.w'].data as Float32Array)[17] = NaN;
    (g.tensors['fc.w'].data as Float32Array)[40] = Infinity;
    const e = validationError(g, 'model.onnx');
    expect(e.code).toBe('nan-weights');
    expect(e.diagnostic.location).toMatchObject({ file: 'model.onnx', node: 'fc', op: 'Dense' });
    expect(text(e)).toContain('weights "fc.w" hold 2 NaN/Inf value(s) (first at index 17), used by node "fc" (Dense)');
    expect(e.diagnostic.hint).toMatch(/retrain or re-export/);
  });

  it('unknown-op', () => {
    const g = cloneGraph(small());
    (g.nodes[1] as { op: string }).op = 'Einsum';
    const e = validationError(g);
    expect(e.code).toBe('unknown-op');
    expect(text(e)).toContain('node "relu1" (Einsum): op "Einsum" is not an IR op');
  });

  it('dangling-tensor: a missing input and an unproduced graph output', () => {
    const g = cloneGraph(small());
    g.nodes[3].inputs[2] = 'fc.bias_typo';
    g.outputs.push('logits');
    const e = validationError(g);
    expect(e.code).toBe('dangling-tensor');
    expect(e.diagnostic.notes).toEqual([
      'node "fc" (Dense): input "fc.bias_typo" is not a graph input, a constant or any node\'s output',
      'tensor "logits": is a graph output but no node produces it',
    ]);
  });

  it('not-topological', () => {
    const g = cloneGraph(small());
    [g.nodes[1], g.nodes[2]] = [g.nodes[2], g.nodes[1]];
    const e = validationError(g);
    expect(e.code).toBe('not-topological');
    expect(text(e)).toContain('node "flat" (Reshape): input "relu1" is produced by a later node "relu1"');
  });

  it('dynamic-shape on a graph input', () => {
    const g = cloneGraph(small());
    g.tensors.x.shape = [-1, 8, 8, 2];
    const e = validationError(g);
    expect(e.code).toBe('dynamic-shape');
    expect(text(e)).toContain('tensor "x": has shape [-1,8,8,2]');
  });

  it('tensor-too-large', () => {
    const g = cloneGraph(small());
    g.tensors.relu1.shape = [1, 8192, 8192, 16]; // 4 GiB of float32
    const e = validationError(g);
    expect(e.diagnostic.notes!.some((n) => n.startsWith('[tensor-too-large] tensor "relu1"'))).toBe(true);
  });

  it('invalid-model: bad attrs, stale shapes, wrong data length, int8 without quant, all at once', () => {
    const g = cloneGraph(small());
    const conv = g.nodes[0] as Node<'Conv2D'>;
    conv.attrs.strides = [0, 1];
    g.tensors.flat.shape = [1, 255];
    g.tensors['fc.b'].data = new Float32Array(9);
    g.tensors.x.dtype = 'i8';
    const e = validationError(g);
    expect(e.code).toBe('invalid-model');
    const notes = e.diagnostic.notes!.join('\n');
    expect(notes).toContain('node "conv1" (Conv2D): strides must be two positive integers, got [0,1]');
    expect(notes).toContain('tensor "fc.b": has 9 values but shape [10] needs 10');
    expect(notes).toContain('tensor "x": is int8 but has no quant params');
    expect(notes).toContain('node "flat" (Reshape): output "flat" has shape [1,255] but the op gives [1,256]');
    expect(e.message).toMatch(/^\d+ problems in model "small"$/);
  });

  it('mixed codes give invalid-model with each note tagged by its code', () => {
    const g = cloneGraph(small());
    (g.tensors['conv1.w'].data as Float32Array)[0] = NaN;
    g.outputs.push('nowhere');
    const e = validationError(g);
    expect(e.code).toBe('invalid-model');
    expect(e.diagnostic.notes!.join('\n')).toMatch(/\[nan-weights\] node "conv1" \(Conv2D\)[^\n]*\n\[dangling-tensor\] tensor "nowhere"/);
  });

  it('dtype mismatches: int8 input with float weights, float bias, mixed Add, wrong output dtype', () => {
    const b = new GraphBuilder('mixed');
    const q = { scale: [0.1], zeroPoint: [0] };
    const x = b.input('x', [1, 4], 'i8', q);
    const w = b.constant('w', new Float32Array(8), [2, 4]);
    const bias = b.constant('b', new Float32Array(2), [2]);
    const d = b.node('Dense', [x, w, bias], {}, { name: 'd', quant: q });
    const f = b.input('f', [1, 2]);
    b.output(b.node('Add', [d, f], {}, { name: 'sum', dtype: 'f32' }));
    const e = validationError(b.build());
    expect(e.code).toBe('invalid-model');
    expect(e.diagnostic.notes).toEqual([
      'node "d" (Dense): input is i8 but weights "w" are f32',
      'node "d" (Dense): bias "b" is f32; a i8 Dense needs an i32 bias',
      'node "sum" (Add): mixes i8 input "d" with f32 input "f"; insert a Quantize or Dequantize',
      'node "sum" (Add): output "sum" is f32 but the input is i8',
    ]);
  });
});
