// What the example model scripts share: a graph builder that names nodes and initializers as PyTorch's ONNX exporter
// does for an eval-mode CNN (BatchNorm folded into each Conv's weights and bias), and the seeded stand-in inputs that
// calibrate int8 ranges for a device = reference check.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type onnxProto from 'onnx-proto';
import { encodeModel, floatTensor, int64Tensor, makeModel, node, valueInfo } from '../src/import/onnx-proto-write.ts';
import { writeNpy } from '../src/data/npy.ts';
import { heNormal, makeRng, type Rng } from '../src/train/prng.ts';

export class ExportWriter {
  readonly nodes: onnxProto.onnx.NodeProto[] = [];
  readonly inits: onnxProto.onnx.TensorProto[] = [];
  private count = 0;
  constructor(private readonly rng: Rng) {}

  fresh(base: string): string {
    return `${base}_${this.count++}`;
  }

  /** Conv with BatchNorm folded: He-normal weights, a small bias, "same" padding for odd kernels. */
  conv(x: string, inC: number, outC: number, k: number, stride: number, groups: number, name: string): string {
    const w = `${name}.weight`;
    const b = `${name}.bias`;
    const fanIn = (inC / groups) * k * k;
    this.inits.push(floatTensor(w, [outC, inC / groups, k, k], heNormal(outC * fanIn, fanIn, this.rng)));
    this.inits.push(floatTensor(b, [outC], Float32Array.from({ length: outC }, () => 0.1 * this.rng.normal())));
    const y = this.fresh(name);
    const p = (k - 1) >> 1;
    this.nodes.push(node('Conv', [x, w, b], [y], { kernel_shape: [k, k], strides: [stride, stride], pads: [p, p, p, p], group: groups }, `${name}/Conv`));
    return y;
  }

  /** One node named `<name>/<op>` with a fresh output. */
  named(op: string, inputs: string[], outputBase: string, name: string): string {
    const y = this.fresh(outputBase);
    this.nodes.push(node(op, inputs, [y], {}, `${name}/${op}`));
    return y;
  }

  op(op: string, inputs: string[], attrs: Parameters<typeof node>[3] = {}, outputs = 1): string[] {
    const outs = Array.from({ length: outputs }, () => this.fresh(op.toLowerCase()));
    this.nodes.push(node(op, inputs, outs, attrs, this.fresh(`/${op}`)));
    return outs;
  }

  ints(values: number[]): string {
    const name = this.fresh('const');
    this.inits.push(int64Tensor(name, [values.length], values));
    return name;
  }

  /** The classifier torchvision ends with: Gemm on the pooled features into `logits` (zero bias). */
  classifier(x: string, features: number, classes: number, seed: number, prefix: string, nodeName: string): void {
    this.inits.push(floatTensor(`${prefix}.weight`, [classes, features], heNormal(classes * features, features, makeRng(seed + 1))));
    this.inits.push(floatTensor(`${prefix}.bias`, [classes], new Float32Array(classes)));
    this.nodes.push(node('Gemm', [x, `${prefix}.weight`, `${prefix}.bias`], ['logits'], { transB: 1 }, nodeName));
  }

  /** The model at opset 13 with one NCHW image input `input` and the `logits` output. */
  encode(name: string, size: number, classes: number): Uint8Array {
    return encodeModel(
      makeModel({
        name,
        nodes: this.nodes,
        initializers: this.inits,
        inputs: [valueInfo('input', [1, 3, size, size])],
        outputs: [valueInfo('logits', [1, classes])],
        opset: 13,
      }),
    );
  }
}

/** count seeded uniform images in [-2, 2] (NHWC, as npy datasets are read) and labels 0..classes-1 into dir. */
export function writeSeededImages(dir: string, count: number, size: number, classes: number, seed: number): void {
  const rng = makeRng(seed + 2);
  mkdirSync(dir, { recursive: true });
  const x = Float32Array.from({ length: count * 3 * size * size }, () => 4 * rng.next() - 2);
  writeFileSync(join(dir, 'x.npy'), writeNpy(x, [count, size, size, 3]));
  writeFileSync(join(dir, 'y.npy'), writeNpy(Int32Array.from({ length: count }, (_, i) => i % classes), [count]));
  console.error(`wrote ${dir}/x.npy and y.npy (${count} inputs)`);
}
