// Emits the graph's constants as `static const` C arrays (flash), 4-byte aligned, with the original name in a comment.
import { isConstant, type Graph, type Tensor } from '../ir/graph.ts';
import { cComment, type CNames } from './c-names.ts';
import { cFloats, cInts, cList } from './c-literals.ts';
import { deployedFormat } from '../packing/storage.ts';
import { alignedBytes, denseFlashBytes, packedFlashBytes, type WeightFlash } from '../packing/flash-bytes.ts';
import { packedWeightDecl, type PackedDecl } from './packing/weight-decl.ts';

export const C_TYPE = { f32: 'float', i8: 'int8_t', i32: 'int32_t', u8: 'uint8_t' } as const;

export interface WeightArray extends WeightFlash {
  id: string;
  decl: string;
}

function declare(t: Tensor, id: string): string {
  const data = t.data!;
  const values = t.dtype === 'f32' ? cFloats(data) : cInts(data);
  const perLine = t.dtype === 'f32' ? 8 : 16;
  const shape = `[${t.shape.join(', ')}] ${t.dtype}${t.quant ? ` scale[0]=${t.quant.scale[0]} zp[0]=${t.quant.zeroPoint[0]}` : ''}`;
  return `/* ${cComment(t.name)}: ${shape} */\nstatic const ${C_TYPE[t.dtype]} ${id}[${Math.max(1, data.length)}] TFG_ALIGN(4) = {\n${cList(values, perLine) || '  0'}\n};`;
}

/** Per generation (reset when a WeightTable is made): constant tensors an op emitter re-laid for its kernel. */
const relaid = new WeakMap<Graph, Map<string, Int8Array | Int32Array>>();

/** Makes the next `ctx.ptr(name)` of this generation emit `data` (the tensor's dtype, any length: an interleaved or
 *  padded copy for a DSP kernel) instead of the tensor's own values, so it still counts as weight bytes. */
export function relayWeight(g: Graph, name: string, data: Int8Array | Int32Array): void {
  let m = relaid.get(g);
  if (!m) relaid.set(g, (m = new Map()));
  m.set(name, data);
}

function declareRelaid(t: Tensor, id: string, data: Int8Array | Int32Array): string {
  return `/* ${cComment(t.name)}: [${t.shape.join(', ')}] ${t.dtype} re-laid for its kernel (${data.length} values) */\nstatic const ${C_TYPE[t.dtype]} ${id}[${Math.max(1, data.length)}] TFG_ALIGN(4) = {\n${cList(cInts(data), t.dtype === 'i8' ? 16 : 12) || '  0'}\n};`;
}

/** Declares constants as the emitters reference them (first-use order, deterministic), so a weight that no kernel
 *  reads (e.g. a bias folded into another array) never reaches flash. Bytes count each array's 4-byte alignment. */
export class WeightTable {
  private readonly ids = new Map<string, WeightArray>();
  private readonly packs = new Map<string, PackedDecl>();

  constructor(private readonly g: Graph, private readonly names: CNames) {
    relaid.delete(g); // a new generation: no re-laid copies from an earlier one (e.g. another kernel set)
  }

  /** The C identifier of constant `name`, declaring it on first use. */
  ref(name: string): string {
    let w = this.ids.get(name);
    if (!w) {
      const t = this.g.tensors[name];
      const id = this.names.name(name, 'w_');
      const format = deployedFormat(this.g, name);
      const copy = relaid.get(this.g)?.get(name);
      if (copy) {
        const bytes = alignedBytes(copy.byteLength);
        this.ids.set(name, { tensor: name, id, bytes, format, layoutBytes: bytes - denseFlashBytes(t), decl: declareRelaid(t, id, copy) });
        return id;
      }
      const packed = packedWeightDecl(this.g, name, id); // Tensor.storage kinds: src/packing/
      if (packed) this.packs.set(name, packed);
      w = packed
        ? { tensor: name, id, bytes: packedFlashBytes(packed), format, layoutBytes: 0, decl: packed.decl }
        : { tensor: name, id, bytes: denseFlashBytes(t), format, layoutBytes: 0, decl: declare(t, id) };
      this.ids.set(name, w);
    }
    return w.id;
  }

  /** The packed form of constant `name` (declaring it), or undefined when it is emitted dense. */
  packed(name: string): PackedDecl | undefined {
    if (!this.isWeight(name)) return undefined;
    this.ref(name);
    return this.packs.get(name);
  }

  isWeight(name: string): boolean {
    return isConstant(this.g.tensors[name]);
  }

  arrays(): WeightArray[] {
    return [...this.ids.values()];
  }
}
