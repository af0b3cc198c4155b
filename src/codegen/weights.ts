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

/** Declares constants as the emitters reference them (first-use order, deterministic), so a weight that no kernel
 *  reads (e.g. a bias folded into another array) never reaches flash. Storage encodings are emitted dense. */
export class WeightTable {
  private readonly ids = new Map<string, WeightArray>();

  constructor(private readonly g: Graph, private readonly names: CNames) {}

  /** The C identifier of constant `name`, declaring it on first use. */
  ref(name: string): string {
    let w = this.ids.get(name);
    if (!w) {
      const t = this.g.tensors[name];
      const id = this.names.name(name, 'w_');
      const packed = packedWeightDecl(this.g, name, id); // Tensor.storage kinds: src/codegen/packing/
      w = packed ? { tensor: name, id, bytes: packed.bytes, decl: packed.decl } : { tensor: name, id, bytes: product(t.shape) * t.data!.BYTES_PER_ELEMENT, decl: declare(t, id) };
      this.ids.set(name, w);
    }
    return w.id;
  }

  isWeight(name: string): boolean {
    return isConstant(this.g.tensors[name]);
  }

  arrays(): WeightArray[] {
    return [...this.ids.values()];
  }
}
