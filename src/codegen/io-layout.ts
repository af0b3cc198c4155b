// How a model's inputs and outputs sit in the one input and one output buffer of <id>_run: back to back in graph
// order, each at a 4-byte aligned offset. One input/output is the usual case (offset 0); several (ONNX node tests) are
// packed the same way, so the serial protocol and the C ABI stay one blob each way.
import { product, type Graph, type Tensor } from '../ir/graph.ts';
import { cFloat } from './c-literals.ts';
import { cComment } from './c-names.ts';
import { DTYPE_BYTES } from './memory-planner.ts';

export interface IoSlot {
  tensor: string;
  offset: number;
  bytes: number;
}

export interface IoLayout {
  inputs: IoSlot[];
  outputs: IoSlot[];
  /** <M>_INPUT_BYTES / <M>_OUTPUT_BYTES: the packed sizes. */
  inputBytes: number;
  outputBytes: number;
}

function pack(g: Graph, names: string[]): { slots: IoSlot[]; bytes: number } {
  let offset = 0;
  const slots = names.map((tensor) => {
    const t = g.tensors[tensor];
    const bytes = product(t.shape) * DTYPE_BYTES[t.dtype];
    const slot = { tensor, offset, bytes };
    offset += bytes;
    if (tensor !== names[names.length - 1]) offset = Math.ceil(offset / 4) * 4; // next slot float-aligned
    return slot;
  });
  return { slots, bytes: offset };
}

/** The packing of g's inputs and outputs (host side: concatenate inputs at these offsets, split outputs the same way). */
export function ioLayout(g: Graph): IoLayout {
  const i = pack(g, g.inputs);
  const o = pack(g, g.outputs);
  return { inputs: i.slots, outputs: o.slots, inputBytes: i.bytes, outputBytes: o.bytes };
}

function tensorMacros(prefix: string, t: Tensor, slot: IoSlot): string[] {
  const lines = [
    `#define ${prefix}_OFFSET ${slot.offset}`,
    `#define ${prefix}_ELEMENTS ${product(t.shape)}`,
    `#define ${prefix}_RANK ${t.shape.length}`,
    `#define ${prefix}_SHAPE { ${t.shape.join(', ')} }`,
    `#define ${prefix}_IS_INT8 ${t.dtype === 'i8' ? 1 : 0}`,
  ];
  if (t.quant) lines.push(`#define ${prefix}_SCALE ${cFloat(t.quant.scale[0])}`, `#define ${prefix}_ZERO_POINT ${t.quant.zeroPoint[0]}`);
  return lines;
}

/** Header macros: <M>_<KIND>_BYTES and _COUNT, and per tensor <M>_<KIND><k>_*; with a single tensor also the unindexed
 *  <M>_<KIND>_{ELEMENTS,RANK,SHAPE,IS_INT8,SCALE,ZERO_POINT} the serial main and library users read (<M>: the model's
 *  macro prefix, TFG_MODEL by default). */
export function ioMacros(g: Graph, macro: string, kind: 'INPUT' | 'OUTPUT', slots: IoSlot[], bytes: number): string {
  const prefix = `${macro}_${kind}`;
  const lines = [`#define ${prefix}_BYTES ${bytes}`, `#define ${prefix}_COUNT ${slots.length}`];
  slots.forEach((s, k) => {
    lines.push(`/* ${kind.toLowerCase()} ${k}: "${cComment(s.tensor)}" */`);
    lines.push(...tensorMacros(`${prefix}${k}`, g.tensors[s.tensor], s));
  });
  if (slots.length === 1) lines.push(...tensorMacros(prefix, g.tensors[slots[0].tensor], slots[0]).filter((l) => !l.includes('_OFFSET')));
  return lines.join('\n');
}

/** `static inline` helpers for every int8 input/output with one scale: `<id>_quantize_input<k>(float)` → int8 (as
 *  quantizeValue in src/ir/quantization.ts: float32 divide, round half away from zero, saturate) and
 *  `<id>_dequantize_output<k>(int8)` → float (as dequantizeValue); with one tensor of a kind also the unindexed name, calling the first. */
export function ioHelpers(
  g: Graph,
  names: { macro: string; quantizeInput: string; dequantizeOutput: string },
  kind: 'INPUT' | 'OUTPUT',
  slots: IoSlot[],
): string {
  const out: string[] = [];
  slots.forEach((slot, k) => {
    const t = g.tensors[slot.tensor];
    if (t.dtype !== 'i8' || !t.quant || t.quant.scale.length !== 1) return;
    const m = `${names.macro}_${kind}${k}`;
    const fn = kind === 'INPUT' ? names.quantizeInput : names.dequantizeOutput;
    if (kind === 'INPUT') {
      out.push(
        `static inline int8_t ${fn}${k}(float x) {`,
        `  float v = x / ${m}_SCALE;`,
        `  int32_t q;`,
        `  if (!(v > -256.0f)) v = -256.0f; /* NaN, and beyond any int8 */`,
        `  if (v > 256.0f) v = 256.0f;`,
        `  q = (int32_t)v;`,
        `  if (v - (float)q >= 0.5f) q++;`,
        `  else if (v - (float)q <= -0.5f) q--;`,
        `  q += ${m}_ZERO_POINT;`,
        `  return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);`,
        `}`,
      );
    } else {
      out.push(`static inline float ${fn}${k}(int8_t q) {`, `  return ${m}_SCALE * (float)((int32_t)q - ${m}_ZERO_POINT);`, `}`);
    }
    if (slots.length === 1) {
      out.push(
        kind === 'INPUT'
          ? `static inline int8_t ${fn}(float x) { return ${fn}0(x); }`
          : `static inline float ${fn}(int8_t q) { return ${fn}0(q); }`,
      );
    }
  });
  return out.join('\n');
}
