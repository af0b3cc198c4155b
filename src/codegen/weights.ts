// Emits the graph's constants as `static const` C arrays (flash), 4-byte aligned, with the original name in a comment.
import { isConstant, product, type Graph, type Tensor } from '../ir/graph.ts';
import { cComment, type CNames } from './c-names.ts';
import { cFloats, cInts, cList } from './c-literals.ts';
import { packedWeightDecl } from './packing/pack-weights.ts';

export const C_TYPE = { f32: 'float', i8: 'int8_t', i32: 'int32_t', u8: 'uint8_t' } as const;

export interface WeightArray {
  tensor: string;
  id: string;
  bytes: number;
  decl: string;
}

function declare(t: Tensor, id: string): string {
  const data = t.data!;
  const values = t.dtype === 'f32' ? cFloats(data) : cInts(data);
  const perLine = t.dtype === 'f32' ? 8 : 16;
  const shape = `[${t.shape.join(', ')}] ${t.dtype}${t.quant ? ` scale[0]=${t.quant.scale[0]} zp[0]=${t.quant.zeroPoint[0]}` : ''}`;
  return `/* ${cComment(t.name)}: ${shape} */\nstatic const ${C_TYPE[t.dtype]} ${id}[${Math.max(1, data.length)}] TFG_ALIGN(4) = {\n${cList(values, perLine) || '  0'}\n};`;
}

/** One array per constant that a node reads, in first-use order (deterministic). Storage encodings are emitted dense. */
export function emitWeights(g: Graph, names: CNames): WeightArray[] {
  const seen = new Set<string>();
  const out: WeightArray[] = [];
  for (const node of g.nodes) {
    for (const name of node.inputs) {
      if (!name || seen.has(name) || !isConstant(g.tensors[name])) continue;
      seen.add(name);
      const t = g.tensors[name];
      const id = names.name(name, 'w_');
      const packed = packedWeightDecl(g, name, id); // Tensor.storage kinds: src/codegen/packing/
      if (packed) out.push({ tensor: name, id, bytes: packed.bytes, decl: packed.decl });
      else out.push({ tensor: name, id, bytes: product(t.shape) * t.data!.BYTES_PER_ELEMENT, decl: declare(t, id) });
    }
  }
  return out;
}
