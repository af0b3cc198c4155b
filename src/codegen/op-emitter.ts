// The contract of src/codegen/ops/<op>.ts: given one node, pick a kernel variant, compute its constants at
// compile time and return one C call; and, for ops whose kernels take scratch, the scratch rule the memory planner
// asks first. generate.ts builds the contexts and collects the declarations.
import type { Graph, Node, Tensor } from '../ir/graph.ts';
import type { PackedDecl } from './packing/weight-decl.ts';
import type { WeightStream } from '../packing/huffman-stream.ts';

/** Which kernel family a board asks for: reference C everywhere, Cortex-M DSP (SMLAD) variants where they exist, or the
 *  MLA variants of ARMv7-M cores without the DSP extension (Cortex-M3) where they exist (each portable C on other cores,
 *  so every set builds for every board). */
export const KERNEL_SETS = ['reference', 'cortex-m-dsp', 'cortex-m-mla'] as const;
export type KernelSet = (typeof KERNEL_SETS)[number];

/** The kernel set a board's "kernels" field names ('reference' for anything else). */
export function boardKernelSet(kernels: string | undefined): KernelSet {
  return (KERNEL_SETS as readonly (string | undefined)[]).includes(kernels) ? (kernels as KernelSet) : 'reference';
}

/** One layer's kernel as `--tune` chose it: the set, and the kernel function among its op's choices under that set
 *  (KernelChoices; absent: the op's own pick). */
export interface LayerKernel {
  set: KernelSet;
  kernel?: string;
}

/** What a node's kernel choice reads: the graph, the node, its tensors and the board's kernel set. */
export interface NodeContext<N = Node> {
  g: Graph;
  node: N;
  kernels: KernelSet;
  /** The kernel function `--tune` chose for this node among its op's choices under `kernels` (KernelChoices; generate
   *  checks it is one of them); undefined: the op's own pick, the first choice. */
  variant?: string;
  /** The tensor of input i (undefined when the name is '' = absent optional input). */
  input(i: number): Tensor | undefined;
  output(i?: number): Tensor;
}

/** The kernel functions that can run a node under its kernel set, the op's own pick first: beyond the set, the
 *  candidates `--tune` times (the same op tiled or ordered another way, e.g. a 1×1 conv on the 4-column im2col GEMM or
 *  on the 1-channel × 4-pixel one). Fewer than two: nothing to choose. */
export type KernelChoices<N = Node> = (ctx: NodeContext<N>) => string[];

/** What an op's scratch rule reads before the memory planner runs: the node, and the bit stream a clustered constant
 *  is packed into (undefined when it is not packed clustered), encoded once per generation. */
export interface ScratchContext<N = Node> extends NodeContext<N> {
  stream(name: string): WeightStream | undefined;
}

/** Bytes of scratch the kernel a node runs on takes from the arena for its call (0: none): the figure of the kernel's
 *  C function <kernel>_scratch_bytes, computed here so the memory planner can place it before any C is emitted. */
export type ScratchRule<N = Node> = (ctx: ScratchContext<N>) => number;

/** True when the kernel a node runs on reads every input element its outputs need before writing those outputs, so the
 *  memory planner may put the output over a same-sized input that dies there (beyond what OpFacts.inPlace allows for
 *  every kernel of the op). */
export type InPlaceRule<N = Node> = (ctx: NodeContext<N>) => boolean;

export interface EmitContext<N = Node> extends NodeContext<N> {
  /** C expression pointing at a tensor's data with its element type, e.g. `(const float *)(arena + 64)`. `NULL` for '';
   *  a constant's C identifier (as `weight(name)`). */
  ptr(name: string): string;
  /** The C identifier of constant `name`, declared in flash on first use. `relaid`: the values flash holds instead of the
   *  tensor's own (a kernel's layout: interleaved rows, padding), counted as this constant's weight bytes. */
  weight(name: string, relaid?: Int8Array | Int32Array): string;
  /** Declares a `static const` object for this layer and returns its identifier: `declare('geom', 'tfg_conv_geom', '{...}')`; a ctype ending in '[]' declares an array. */
  declare(suffix: string, ctype: string, init: string): string;
  /** Declares `static const int32_t <layer>_<suffix>[]` and returns its identifier. */
  int32Array(suffix: string, values: ArrayLike<number>): string;
  /** True when the memory planner put both tensors in one buffer (Reshape alias). */
  aliased(a: string, b: string): boolean;
  /** The flash form of a packed constant (declaring it), or undefined when it is emitted dense. */
  packed(name: string): PackedDecl | undefined;
  /** The kernel's last two C arguments, `scratch, scratch_bytes`: where the planner put this layer's `bytes` of scratch
   *  in the arena (`NULL, 0` for none). `bytes` must be what the op's scratch rule gave: the check keeps the emitter's
   *  kernel choice and the rule's in step. */
  scratch(bytes: number): string;
  /** Only in the streaming form (`compile --stream`): state this layer keeps from one `<id>_step` call to the next, in
   *  the model's static state buffer (never the arena, which later layers overwrite). The rows lie back to back in
   *  one 8-byte aligned block; `<id>_reset` copies each row's `initial` constant (its C array, same bytes) or zeros it.
   *  Returns the block's address as a C `uint8_t *` expression. */
  persistent?(rows: PersistentRow[]): string;
}

/** One row of a layer's persistent state: its size, and the constant tensor it starts from (absent: zeros). */
export interface PersistentRow {
  bytes: number;
  initial?: string;
}

export interface OpEmission {
  /** Kernel function called, e.g. 'tfg_conv2d_s8'; null when the op needs no code (an aliased Reshape). */
  kernel: string | null;
  /** One C statement without the trailing ';', or '' when kernel is null. */
  call: string;
}

export type OpEmitter<N = Node> = (ctx: EmitContext<N>) => OpEmission;
