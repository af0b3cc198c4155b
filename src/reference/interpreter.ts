// runGraph: the TS reference interpreter. Runs nodes in graph order with the float kernels, or the int8 kernels
// (src/reference/int8/) when a node's first input is i8; the oracle for codegen and the C kernels.
import { TinyforgeError } from '../diagnostics.ts';
import type { Graph, Node, Tensor, TensorData } from '../ir/graph.ts';
import { product } from '../ir/graph.ts';
import { floatKernels } from './float/index.ts';
import { int8Kernels } from './int8/index.ts';
import type { Kernel, Value } from './kernel.ts';

export interface RunOptions {
  /** Keep every tensor's value (constants excluded) in `values`, for per-layer comparison with the device. */
  collect?: boolean;
}

export interface RunResult {
  outputs: Record<string, TensorData>;
  values?: Record<string, TensorData>;
}

const ARRAY_FOR = { f32: Float32Array, i8: Int8Array, i32: Int32Array, u8: Uint8Array } as const;

/** The kernel for a node: int8 when its first input is i8, else float. */
export function kernelFor(node: Node, firstInput: Tensor | undefined): Kernel | undefined {
  if (firstInput?.dtype === 'i8') return int8Kernels[node.op] ?? undefined;
  return floatKernels[node.op];
}

function checkInput(g: Graph, name: string, data: TensorData | undefined): void {
  const t = g.tensors[name];
  if (!data) {
    throw new TinyforgeError('missing-input', `graph input "${name}" was not given`, {
      notes: [
        `the model "${g.name}" takes inputs ${g.inputs.map((i) => `"${i}" [${g.tensors[i]?.shape}] ${g.tensors[i]?.dtype}`).join(', ')}`,
      ],
      hint: 'pass one typed array per graph input, keyed by the input name',
    });
  }
  if (data.length !== product(t.shape) || !(data instanceof ARRAY_FOR[t.dtype])) {
    throw new TinyforgeError(
      'bad-input',
      `graph input "${name}" needs ${product(t.shape)} ${t.dtype} values (shape [${t.shape}]), got ${data.length} in a ${data.constructor.name}`,
      {
        hint:
          t.dtype === 'i8'
            ? 'the model is quantized: quantize the input with its scale and zero point first'
            : 'check the input shape and preprocessing',
      },
    );
  }
}

/** Runs `g` on `inputs` (one typed array per graph input, NHWC) and returns the graph outputs (and every value when collect). */
export function runGraph(g: Graph, inputs: Record<string, TensorData>, opts: RunOptions = {}): RunResult {
  const values = new Map<string, Value>();
  for (const t of Object.values(g.tensors)) if (t.data) values.set(t.name, t as Value);
  for (const name of g.inputs) {
    checkInput(g, name, inputs[name]);
    values.set(name, { ...g.tensors[name], data: inputs[name] });
  }
  for (const node of g.nodes) {
    const ins = node.inputs.map((name) => {
      if (name === '') return undefined;
      const v = values.get(name);
      if (!v)
        throw new TinyforgeError('dangling-tensor', `input "${name}" of node "${node.name}" has no value`, {
          location: { node: node.name, op: node.op },
          hint: 'run validateGraph(g) first; it lists every such problem',
        });
      return v;
    });
    const kernel = kernelFor(node, ins[0]);
    if (!kernel) {
      throw new TinyforgeError('unsupported-op', `no ${ins[0]?.dtype ?? 'f32'} reference kernel for ${node.op}`, {
        location: { node: node.name, op: node.op },
        hint:
          ins[0]?.dtype === 'i8'
            ? 'keep this node in float (exclude it from quantization), or add the kernel under src/reference/int8/'
            : 'add a float kernel under src/reference/float/',
      });
    }
    const outTensors = node.outputs.map((o) => g.tensors[o]);
    const results = kernel(node, ins, outTensors);
    outTensors.forEach((t, i) => values.set(t.name, { ...t, data: results[i] }));
  }
  const outputs: Record<string, TensorData> = Object.create(null);
  for (const name of g.outputs) outputs[name] = values.get(name)!.data;
  if (!opts.collect) return { outputs };
  const all: Record<string, TensorData> = Object.create(null);
  for (const [name, v] of values) if (!g.tensors[name]?.data) all[name] = v.data;
  return { outputs, values: all };
}
