// The signature every reference kernel implements, float (src/reference/float/) and int8 (src/reference/int8/).
import type { Node, Tensor, TensorData } from '../ir/graph.ts';

/** A tensor with its run-time values: constants carry their weights, activations the values computed so far. */
export type Value = Tensor & { data: TensorData };

/**
 * Computes one node. `inputs[i]` is undefined where the node's input name is '' (absent optional input).
 * `outputs` give the shape, dtype and quant of each result; the kernel returns one data array per output.
 * Kernels never mutate their inputs.
 */
export type Kernel = (node: Node, inputs: (Value | undefined)[], outputs: Tensor[]) => TensorData[];
