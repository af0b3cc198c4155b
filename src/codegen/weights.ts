// Emits the graph's constants as `static const` C arrays (flash), 4-byte aligned, with the original name in a comment.
import { isConstant, type Graph, type Tensor } from '../ir/graph.ts';
import { cComment, type CNames } from './c-names.ts';
import { cFloats, cInts, cList } from './c-literals.ts';
import { clusteredStream, deployedFormat } from '../packing/storage.ts';
import type { WeightStream } from '../packing/huffman-stream.ts';
import { alignedBytes, constantFlashBytes, denseFlashBytes, packedFlashBytes, type WeightFlash } from '../packing/flash-bytes.ts';
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
  return `/* ${cComment(t.name)}: ${shape} */\nstatic const ${C_TYPE[t.dtype]} ${id}[${Math.max(1, data.length)}] TFG_ALIGN(4) TFG_WEIGHTS_SECTION = {\n${cList(values, perLine) || '  0'}\n};`;
}

function declareRelaid(t: Tensor, id: string, data: Int8Array | Int32Array): string {
  return `/* ${cComment(t.name)}: [${t.shape.join(', ')}] ${t.dtype} re-laid for its kernel (${data.length} values) */\nstatic const ${C_TYPE[t.dtype]} ${id}[${Math.max(1, data.length)}] TFG_ALIGN(4) TFG_WEIGHTS_SECTION = {\n${cList(cInts(data), t.dtype === 'i8' ? 16 : 12) || '  0'}\n};`;
}

/** Declares constants as the emitters reference them (first-use order, deterministic), so a weight that no kernel
 *  reads (e.g. a bias folded into another array) never reaches flash. Bytes count each array's 4-byte alignment. */
export class WeightTable {
  private readonly ids = new Map<string, WeightArray>();
  private readonly packs = new Map<string, PackedDecl>();
  private readonly relaid = new Set<string>();
  private readonly streams = new Map<string, WeightStream | undefined>();

  constructor(
    private readonly g: Graph,
    private readonly names: CNames,
  ) {}

  /** The C identifier of constant `name`, declaring it on first use. With `relaid`, flash holds those values (the
   *  tensor's dtype, any length: an interleaved or padded copy for a DSP kernel) instead of the tensor's own, and they
   *  still count as weight bytes; a constant is declared one way only. */
  ref(name: string, relaid?: Int8Array | Int32Array): string {
    let w = this.ids.get(name);
    if (w && (relaid !== undefined) !== this.relaid.has(name)) {
      throw new Error(`constant "${name}" is read both as stored and re-laid for a kernel; give the re-laid copy its own tensor`);
    }
    if (!w) {
      const t = this.g.tensors[name];
      const id = this.names.name(name, 'w_');
      const format = deployedFormat(this.g, name);
      if (relaid) {
        this.relaid.add(name);
        const bytes = alignedBytes(relaid.byteLength);
        this.ids.set(name, {
          tensor: name,
          id,
          bytes,
          format,
          layoutBytes: bytes - constantFlashBytes(this.g, name),
          decl: declareRelaid(t, id, relaid),
        });
        return id;
      }
      const packed = packedWeightDecl(this.g, name, id, this.stream(name)); // Tensor.storage kinds: src/packing/
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

  /** The bit stream clustered constant `name` is packed into (undefined when it is not packed clustered), encoded
   *  once: the scratch rules size the Huffman decoders' scratch from it before the weight is declared. */
  stream(name: string): WeightStream | undefined {
    if (!this.streams.has(name)) this.streams.set(name, clusteredStream(this.g, name));
    return this.streams.get(name);
  }

  /** The Huffman stream descriptors declared so far (`<id>_stream`, first-use order): the streams the generated model
   *  CRC-checks once (tfg_huff_verify) before it runs. */
  huffStreams(): string[] {
    return [...this.packs.entries()].filter(([, p]) => p.descriptor).map(([name]) => `${this.ids.get(name)!.id}_stream`);
  }

  isWeight(name: string): boolean {
    return isConstant(this.g.tensors[name]);
  }

  arrays(): WeightArray[] {
    return [...this.ids.values()];
  }
}
