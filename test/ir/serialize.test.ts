// IR ⇄ JSON keeps every typed array (weights, masks, clustered indices) and Clip's infinite bounds.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { graphFromJson, graphToJson } from '../../src/ir/serialize.ts';

describe('serialize', () => {
  it('round-trips data, masks, clustered storage and infinities', () => {
    const b = new GraphBuilder('s');
    b.input('x', [1, 4]);
    const w = b.constant('w', Float32Array.from([0.5, -0.5, 0, 0.25, 0.5, 0, -0.5, 0.25]), [2, 4]);
    const y = b.node('Dense', ['x', w, ''], { activation: 'none' }, 'y');
    b.output(b.node('Clip', [y], { min: -Infinity, max: Infinity }, 'z'));
    const g = b.build();
    g.tensors.w.mask = Uint8Array.from([1, 1, 0, 1, 1, 0, 1, 1]);
    g.tensors.w.storage = {
      kind: 'clustered',
      codebook: [-0.5, 0, 0.25, 0.5],
      indices: Uint8Array.from([3, 0, 1, 2, 3, 1, 0, 2]),
      huffman: true,
    };
    const back = graphFromJson(graphToJson(g));
    expect(back.tensors.w.data).toBeInstanceOf(Float32Array);
    expect(Array.from(back.tensors.w.data!)).toEqual(Array.from(g.tensors.w.data!));
    expect(back.tensors.w.mask).toEqual(g.tensors.w.mask);
    const st = back.tensors.w.storage;
    expect(st?.kind === 'clustered' && st.indices).toEqual(Uint8Array.from([3, 0, 1, 2, 3, 1, 0, 2]));
    const clip = back.nodes.find((n) => n.op === 'Clip')!;
    expect(clip.attrs).toEqual({ min: -Infinity, max: Infinity });
  });
});
