// A packed constant (src/packing/storage.ts) written as C: its flash arrays, 4-byte aligned, and for clustered weights
// the tfg_huff_stream descriptor that points at them.
import type { Graph } from '../../ir/graph.ts';
import { packWeight, type FlashArray, type PackedWeight } from '../../packing/storage.ts';
import type { WeightStream } from '../../packing/huffman-stream.ts';
import { cComment } from '../c-names.ts';
import { cFloats, cInts, cList } from '../c-literals.ts';

const HEX_DIGITS = { uint8_t: 2, uint16_t: 4, uint32_t: 8 } as const;

function literals(a: FlashArray): string[] {
  if (a.ctype === 'float') return cFloats(a.values);
  if (a.ctype === 'int32_t') return cInts(a.values);
  const digits = HEX_DIGITS[a.ctype];
  return Array.from(a.values, (v) => `0x${(v >>> 0).toString(16).padStart(digits, '0')}u`);
}

function declareArray(a: FlashArray, id: string): string {
  const values = literals(a);
  return `static const ${a.ctype} ${id}${a.suffix}[${Math.max(1, values.length)}] TFG_ALIGN(4) TFG_WEIGHTS_SECTION = {\n${cList(values, a.perLine) || '  0'}\n};`;
}

/** A packed constant's C declarations (main array named `id`, the others `id_*`) with the packing figures. */
export interface PackedDecl extends PackedWeight {
  decl: string;
}

/** The flash declarations of a packed constant, or undefined when it is emitted dense (`stream`: as packWeight's). */
export function packedWeightDecl(g: Graph, name: string, id: string, stream?: WeightStream): PackedDecl | undefined {
  const p = packWeight(g, name, stream);
  if (!p) return undefined;
  const t = g.tensors[name];
  const s = t.storage!;
  const lines = [
    `/* ${cComment(t.name)}: [${t.shape.join(', ')}] ${t.dtype}, stored ${s.kind}${s.kind === 'clustered' ? ` k=${s.codebook.length}${s.huffman ? ' huffman' : ''}${s.sparse ? ' sparse' : ''}` : ''} */`,
    ...p.arrays.map((a) => declareArray(a, id)),
  ];
  const d = p.descriptor;
  if (d) {
    lines.push(
      `/* ${d.layout} */`,
      `static const tfg_huff_stream ${id}_stream = { ${id}, ${d.bytes}u, ${d.bits}u, 0x${d.crc32.toString(16).padStart(8, '0')}u, ${d.count}u, ${d.maxIndex}u, ${d.gapEscape}u, 0x${d.tableBits.toString(16)}u, ${d.flags}u };`,
    );
  }
  return { ...p, decl: lines.join('\n') };
}
