// What an ONNX op handler sees: the node, its attributes and its inputs (constant or IR activation), with checked accessors.
import type { Pads } from '../ir/graph.ts';
import { type Act, ImportContext, ImportProblem, type OnnxValue } from './onnx-context.ts';
import type { Attrs, ConstValue, NodeProto } from './onnx-proto-read.ts';

export class OpCall {
  constructor(
    readonly ctx: ImportContext,
    readonly node: NodeProto,
    readonly name: string,
    readonly a: Attrs,
    readonly ins: (OnnxValue | undefined)[],
    /** Output names when a wrapper renames them (1-D ops run as 2-D). */
    private readonly outNames?: string[],
  ) {}

  get op(): string {
    return this.node.opType ?? '';
  }
  get opset(): number {
    return this.ctx.opset;
  }
  get outs(): string[] {
    return this.outNames ?? (this.node.output ?? []).map(String);
  }
  inputName(i: number): string {
    return this.node.input?.[i] ?? '';
  }

  /** Input i as a runtime tensor. */
  act(i: number): Act {
    const v = this.ins[i];
    if (!v || v.kind !== 'act') throw new ImportProblem(`input ${i} ("${this.inputName(i)}") must be a runtime tensor here`);
    return v;
  }

  /** Input i as a constant (weights, shapes, axes); runtime values are not allowed in these slots. */
  constIn(i: number, what: string): ConstValue {
    const v = this.ins[i];
    if (!v) throw new ImportProblem(`${what} (input ${i}) is missing`);
    if (v.kind !== 'const')
      throw new ImportProblem(`${what} (input ${i}, "${this.inputName(i)}") must be a constant (initializer), not a runtime tensor`);
    return v.c;
  }

  optConst(i: number, what: string): ConstValue | undefined {
    return this.ins[i] ? this.constIn(i, what) : undefined;
  }

  /** Fails unless an output other than the first is unused by the graph. */
  onlyFirstOutputUsed(used: Set<string>): void {
    this.outs.slice(1).forEach((o, i) => {
      if (o && used.has(o))
        throw new ImportProblem(`output ${i + 1} ("${o}") is used, tinyforge computes only the first output of ${this.op}`);
    });
  }
}

/** Resolves ONNX auto_pad / pads to explicit [top, left, bottom, right] for 2-D windows. */
export function resolvePads(a: Attrs, inHW: number[], kernel: number[], strides: number[], dilations: number[]): Pads {
  const autoPad = a.str('auto_pad', 'NOTSET');
  if (autoPad === 'NOTSET') {
    const p = a.ints('pads', [0, 0, 0, 0])!;
    if (p.length !== 4) throw new ImportProblem(`pads has ${p.length} values, a 2-D window needs 4`);
    if (p.some((x) => x < 0)) throw new ImportProblem(`negative pads [${p}] are not supported`);
    return [p[0], p[1], p[2], p[3]];
  }
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') throw new ImportProblem(`auto_pad ${autoPad} is not an ONNX value`);
  const begin: number[] = [],
    end: number[] = [];
  for (let i = 0; i < 2; i++) {
    const out = Math.ceil(inHW[i] / strides[i]);
    const total = Math.max((out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - inHW[i], 0);
    // SAME_UPPER puts the odd pixel at the end, SAME_LOWER at the beginning.
    const b = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
    begin.push(b);
    end.push(total - b);
  }
  return [begin[0], begin[1], end[0], end[1]];
}

/** Output size of a window op along one axis (floor mode). */
export function windowOut(inSize: number, padBegin: number, padEnd: number, kernel: number, stride: number, dilation: number): number {
  return Math.floor((inSize + padBegin + padEnd - ((kernel - 1) * dilation + 1)) / stride) + 1;
}
