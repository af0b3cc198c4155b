// What codegen puts in flash for a graph's constants, per constant and per layer: the one definition of "deployed weight
// bytes" shared by generateModel (what it emitted), the compression pipeline (each step's figure, computed here from the
// graph alone) and report.json. Every flash array is 4-byte aligned (TFG_ALIGN(4)), so the padding counts.
import { isConstant, product, type Graph, type Tensor } from '../ir/graph.ts';
import { deployedFormat, FLASH_CTYPE_BYTES, isFoldedBias, packWeight, type FlashArray, type PackedWeight } from './storage.ts';

/** Bytes of an array once the next one starts on a 4-byte boundary. */
export const alignedBytes = (n: number): number => n + ((4 - (n % 4)) % 4);

/** Padding the 4-byte alignment of each flash array adds (packed byte counts leave it out); an empty array is
 *  declared with one element, as C has no empty arrays. */
export function alignmentPadding(arrays: readonly Pick<FlashArray, 'ctype' | 'values'>[]): number {
  let pad = 0;
  for (const a of arrays) pad += (4 - ((Math.max(1, a.values.length) * FLASH_CTYPE_BYTES[a.ctype]) % 4)) % 4;
  return pad;
}

/** Flash bytes of a packed constant's arrays, descriptor included. */
export const packedFlashBytes = (p: PackedWeight): number => p.bytes + alignmentPadding(p.arrays);
/** Flash bytes of `count` values of a constant's dtype stored plainly. */
export const denseFlashBytes = (t: Tensor, count = product(t.shape)): number => alignedBytes(count * t.data!.BYTES_PER_ELEMENT);

/** One constant in flash: its bytes, how it is stored, and (DSP kernels) the bytes their re-laid copy adds. */
export interface WeightFlash {
  tensor: string;
  bytes: number;
  format: string;
  /** Of `bytes`, what a kernel's own layout (interleaved rows, padding) adds over the stored format; 0 mostly. */
  layoutBytes: number;
}

/** Flash bytes of one constant as the reference kernels read it (packed when its storage is served, else dense); a
 *  bias held in its weight's Huffman stream takes none. */
export function constantFlashBytes(g: Graph, name: string): number {
  if (isFoldedBias(g, name)) return 0;
  const p = packWeight(g, name);
  return p ? packedFlashBytes(p) : denseFlashBytes(g.tensors[name]);
}

/** Every constant a node reads, once, in first-use order. */
export function constantNames(g: Graph): string[] {
  const seen = new Set<string>();
  for (const n of g.nodes) for (const name of n.inputs) if (name && g.tensors[name] && isConstant(g.tensors[name])) seen.add(name);
  return [...seen];
}

/** The flash of every constant, computed from the graph alone (reference kernel layout): what generateModel emits on a
 *  board without kernel-specific layouts, without generating anything. */
export function graphWeightFlash(g: Graph): WeightFlash[] {
  return constantNames(g)
    .filter((name) => !isFoldedBias(g, name))
    .map((name) => ({ tensor: name, bytes: constantFlashBytes(g, name), format: deployedFormat(g, name), layoutBytes: 0 }));
}

/** One row of report.json's compression.layers: a node's constants in flash. */
export interface DeployedLayer {
  node: string;
  op: string;
  /** The weight's format (the first constant's when the node has no weight input). */
  format: string;
  bytes: number;
  /** Values of its constants, and how many of them are non-zero. */
  params: number;
  kept_weights: number;
}

/** Per node, the flash of the constants it reads (a constant read by several nodes counts at its first reader, as in
 *  graphStats), from `arrays` (generateModel's or graphWeightFlash's). Nodes without constants are left out. */
export function deployedLayers(g: Graph, arrays: WeightFlash[]): DeployedLayer[] {
  const flash = new Map(arrays.map((a) => [a.tensor, a]));
  const counted = new Set<string>();
  const rows: DeployedLayer[] = [];
  for (const n of g.nodes) {
    const consts = n.inputs.filter((name, i) => name && g.tensors[name]?.data && !counted.has(name) && n.inputs.indexOf(name) === i);
    if (consts.length === 0) continue;
    consts.forEach((c) => counted.add(c));
    const weight =
      (n.op === 'Dense' || n.op === 'Conv2D' || n.op === 'DepthwiseConv2D') && consts.includes(n.inputs[1])
        ? n.inputs[1]
        : (consts.find((c) => flash.has(c)) ?? consts[0]);
    let kept = 0;
    for (const c of consts) for (const v of g.tensors[c].data!) if (v !== 0) kept++;
    rows.push({
      node: n.name,
      op: n.op,
      format: flash.get(weight)?.format ?? deployedFormat(g, weight),
      bytes: consts.reduce((s, c) => s + (flash.get(c)?.bytes ?? 0), 0),
      params: consts.reduce((s, c) => s + product(g.tensors[c].shape), 0),
      kept_weights: kept,
    });
  }
  return rows;
}
