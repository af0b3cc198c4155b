// The state of one ONNX import: what each ONNX value is (constant, IR activation, unknown), the IR graph being built, and the problems found.
import type { Node, OpAttrs, OpType, Tensor } from '../ir/graph.ts';
import { irShape, isMemoryNoop, permute, TO_NCHW, TO_NHWC, transposeData } from './onnx-layout.ts';
import type { ConstValue } from './onnx-proto-read.ts';

/** An ONNX activation lives in IR tensor `ir`; `shape` is its ONNX shape (NCHW when 4-D), the IR shape is irShape(shape). */
export type OnnxValue = { kind: 'const'; c: ConstValue } | { kind: 'act'; ir: string; shape: number[] } | { kind: 'unknown' };
export type Act = Extract<OnnxValue, { kind: 'act' }>;

/** Thrown by an op handler when the op is supported but this use of it is not (attribute, rank, runtime weight). */
export class ImportProblem extends Error {}

export class ImportContext {
  /** No prototype: tensor names come from the file, and "constructor" or "__proto__" must be plain keys. */
  readonly tensors: Record<string, Tensor> = Object.create(null);
  readonly nodes: Node[] = [];
  readonly values = new Map<string, OnnxValue>();
  private readonly nodeNames = new Set<string>();

  constructor(
    readonly file: string,
    readonly opset: number,
  ) {}

  /** A fresh tensor name based on `base` (model names are kept as they are; codegen sanitises). */
  uniqueTensorName(base: string): string {
    let name = base;
    for (let i = 1; Object.hasOwn(this.tensors, name); i++) name = `${base}_${i}`;
    return name;
  }

  uniqueNodeName(base: string): string {
    let name = base;
    for (let i = 1; this.nodeNames.has(name); i++) name = `${base}_${i}`;
    this.nodeNames.add(name);
    return name;
  }

  /** Declares an activation tensor for ONNX value `onnxName` with ONNX shape `shape`. */
  defineAct(onnxName: string, shape: number[]): Act {
    const ir = this.uniqueTensorName(onnxName);
    this.tensors[ir] = { name: ir, shape: irShape(shape), dtype: 'f32' };
    const v: Act = { kind: 'act', ir, shape };
    this.values.set(onnxName, v);
    return v;
  }

  /** A scratch activation (inserted layout transposes) with an explicit IR shape. */
  scratch(base: string, irShapeOf: number[]): string {
    const ir = this.uniqueTensorName(base);
    this.tensors[ir] = { name: ir, shape: irShapeOf, dtype: 'f32' };
    return ir;
  }

  /** Adds a constant IR tensor (f32) and returns its name. */
  constant(base: string, shape: number[], data: ArrayLike<number>): string {
    const name = this.uniqueTensorName(base);
    this.tensors[name] = { name, shape: [...shape], dtype: 'f32', data: Float32Array.from(data) };
    return name;
  }

  /** A constant operand for an elementwise op. Next to a 4-D activation, it is first broadcast to rank 4 the ONNX
   *  way (leading 1s) and then put in NHWC, so the IR broadcast means the same as the ONNX one. */
  constOperand(base: string, c: ConstValue, nextTo4d: boolean): string {
    if (!nextTo4d || c.dims.length > 4) return this.constant(base, c.dims, c.data);
    const dims4 = [...new Array(4 - c.dims.length).fill(1), ...c.dims];
    const data = transposeData(Float64Array.from(c.data), dims4, TO_NHWC, (n) => new Float64Array(n));
    return this.constant(base, permute(dims4, TO_NHWC), data);
  }

  addNode<K extends OpType>(op: K, name: string, inputs: string[], outputs: string[], attrs: OpAttrs[K]): void {
    this.nodes.push({ name: this.uniqueNodeName(name), op, inputs, outputs, attrs } as Node);
  }

  /** The IR tensor holding `v` in ONNX (NCHW) memory order, inserting a Transpose when the bytes would move. */
  inOnnxOrder(v: Act, nodeName: string): string {
    if (v.shape.length !== 4) return v.ir;
    const nhwc = irShape(v.shape);
    if (isMemoryNoop(nhwc, TO_NCHW)) return v.ir;
    const out = this.scratch(`${v.ir}__nchw`, [...v.shape]);
    this.addNode('Transpose', `${nodeName}/to_nchw`, [v.ir], [out], { perm: TO_NCHW });
    return out;
  }

  /** Produces ONNX value `onnxName` (shape `shape`) from a tensor in ONNX memory order, converting 4-D results to NHWC. */
  fromOnnxOrder(onnxName: string, shape: number[], produce: (outIr: string) => void, nodeName: string): Act {
    const out = this.defineAct(onnxName, shape);
    if (shape.length !== 4 || isMemoryNoop(shape, TO_NHWC)) {
      produce(out.ir);
      return out;
    }
    const tmp = this.scratch(`${out.ir}__nchw`, [...shape]);
    produce(tmp);
    this.addNode('Transpose', `${nodeName}/to_nhwc`, [tmp], [out.ir], { perm: TO_NHWC });
    return out;
  }
}
