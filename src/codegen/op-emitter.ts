// The contract of src/codegen/ops/<op>.ts: given one node, pick a kernel variant, compute its constants at
// compile time and return one C call. generate.ts builds the context and collects the declarations.
import type { Graph, Node, Tensor } from '../ir/graph.ts';
import type { PackedDecl } from './packing/weight-decl.ts';
import { vlaBytes } from '../packing/storage.ts';

/** Which kernel family a board asks for: reference C everywhere, or Cortex-M DSP (SMLAD) variants where they exist. */
export type KernelSet = 'reference' | 'cortex-m-dsp';

export interface EmitContext<N = Node> {
  g: Graph;
  node: N;
  kernels: KernelSet;
  /** The tensor of input i (undefined when the name is '' = absent optional input). */
  input(i: number): Tensor | undefined;
  output(i?: number): Tensor;
  /** C expression pointing at a tensor's data with its element type, e.g. `(const float *)(tfg_arena + 64)`. `NULL` for '';
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
}

export { vlaBytes };

export interface OpEmission {
  /** Kernel function called, e.g. 'tfg_conv2d_s8'; null when the op needs no code (an aliased Reshape). */
  kernel: string | null;
  /** One C statement without the trailing ';', or '' when kernel is null. */
  call: string;
  /** Stack this call allocates sized to the layer (the kernel's variable-length arrays, each as vlaBytes gives it),
   *  on top of the fixed frame the compiler reports (-fstack-usage). Only for kernels with such arrays. */
  stackBytes?: number;
}

export type OpEmitter<N = Node> = (ctx: EmitContext<N>) => OpEmission;
