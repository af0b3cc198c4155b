// GraphBuilder: builds small IR graphs in a few lines for tests and passes; build() runs shape inference.
import type { DType, Graph, GraphMetadata, Node, OpAttrs, OpType, QuantParams, Tensor, TensorData } from './graph.ts';
import { opDefs } from './ops/index.ts';
import { inferShapes } from './shape-inference.ts';

/** Options for a node's output tensor; a plain string is the output (and node) name. */
export interface OutputOptions {
  /** Output tensor name; default `<op lower-case>_<n>`. */
  name?: string;
  /** Node name; default = the output tensor name. */
  node?: string;
  /** Output dtype, e.g. 'i8' for quantized graphs; default from the op (Quantize → i8) or input 0. */
  dtype?: DType;
  quant?: QuantParams;
}

function dtypeOf(data: TensorData): DType {
  if (data instanceof Float32Array) return 'f32';
  if (data instanceof Int8Array) return 'i8';
  if (data instanceof Int32Array) return 'i32';
  return 'u8';
}

function toTyped(data: readonly number[], dtype: DType): TensorData {
  switch (dtype) {
    case 'f32':
      return Float32Array.from(data);
    case 'i8':
      return Int8Array.from(data);
    case 'i32':
      return Int32Array.from(data);
    case 'u8':
      return Uint8Array.from(data);
  }
}

/**
 * ```ts
 * const b = new GraphBuilder('lenet');
 * const x = b.input('x', [1, 784]);
 * const w = b.constant('w1', new Float32Array(300 * 784), [300, 784]);
 * const h = b.node('Dense', [x, w], { activation: 'relu' });
 * b.output(h);
 * const g = b.build();
 * ```
 */
export class GraphBuilder {
  private readonly tensors: Record<string, Tensor> = Object.create(null);
  private readonly nodes: Node[] = [];
  private readonly inputs: string[] = [];
  private readonly outputs: string[] = [];
  private meta: GraphMetadata = {};
  private counter = 0;

  constructor(private readonly name = 'graph') {}

  /** A graph input (an activation, NHWC when 4-D). Returns its name. */
  input(name: string, shape: number[], dtype: DType = 'f32', quant?: QuantParams): string {
    this.addTensor({ name, shape: [...shape], dtype, ...(quant ? { quant } : {}) });
    this.inputs.push(name);
    return name;
  }

  /** A constant (weights, bias). Plain number arrays become Float32Array unless `dtype` says otherwise. */
  constant(name: string, data: TensorData | readonly number[], shape: number[], quant?: QuantParams, dtype?: DType): string {
    const typed = ArrayBuffer.isView(data) ? (data as TensorData) : toTyped(data as number[], dtype ?? 'f32');
    if (typed.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new Error(
        `GraphBuilder: constant "${name}" has ${typed.length} values but shape [${shape}] needs ${shape.reduce((a, b) => a * b, 1)}`,
      );
    }
    this.addTensor({ name, shape: [...shape], dtype: dtype ?? dtypeOf(typed), data: typed, ...(quant ? { quant } : {}) });
    return name;
  }

  /** Adds a node; attrs left out take the op's defaults (e.g. activation 'none', strides [1,1]). Returns the output tensor name. */
  node<K extends OpType>(op: K, inputs: string[], attrs: Partial<OpAttrs[K]> = {}, output?: string | OutputOptions): string {
    const opts: OutputOptions = typeof output === 'string' ? { name: output } : (output ?? {});
    const outName = opts.name ?? `${op.toLowerCase()}_${this.counter++}`;
    const defaults = opDefs[op]?.defaults ?? {};
    const node = {
      name: opts.node ?? outName,
      op,
      inputs: [...inputs],
      outputs: [outName],
      attrs: { ...structuredClone(defaults), ...attrs },
    } as Node;
    this.nodes.push(node);
    if (opts.dtype || opts.quant) {
      // Shape is filled by inferShapes; dtype and quant given here are kept.
      this.addTensor({ name: outName, shape: [], dtype: opts.dtype ?? 'f32', ...(opts.quant ? { quant: opts.quant } : {}) });
      if (!opts.dtype) delete (this.tensors[outName] as Partial<Tensor>).dtype;
    }
    return outName;
  }

  /** Marks a tensor as a graph output. */
  output(name: string): this {
    this.outputs.push(name);
    return this;
  }

  metadata(m: GraphMetadata): this {
    this.meta = { ...this.meta, ...m };
    return this;
  }

  /** The graph with every node output's shape inferred. Throws TinyforgeError if a node is malformed. */
  build(): Graph {
    const g: Graph = {
      name: this.name,
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      tensors: Object.assign(Object.create(null), this.tensors),
      nodes: [...this.nodes],
      metadata: { ...this.meta },
    };
    return inferShapes(g);
  }

  private addTensor(t: Tensor): void {
    if (this.tensors[t.name]) throw new Error(`GraphBuilder: tensor "${t.name}" is defined twice`);
    this.tensors[t.name] = t;
  }
}
