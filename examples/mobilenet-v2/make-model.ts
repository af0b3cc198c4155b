// MobileNetV2 (torchvision's architecture, width ×0.35 by default) written as PyTorch's ONNX exporter writes it at opset
// 13 in eval mode: BatchNorm folded into the convolutions, ReLU6 as Clip with min 0 and max 6 given as scalar inputs,
// the inverted residual's skip as Add, torchvision's adaptive_avg_pool2d(x, (1, 1)) as GlobalAveragePool, then Flatten
// and a Gemm classifier (the eval-mode Dropout vanishes). Weights are He-normal from a fixed seed (not trained): the
// model checks that the ops compute, not accuracy.
// Usage: node --import tsx examples/mobilenet-v2/make-model.ts out.onnx [--size 96] [--classes 2] [--width 0.35] [--seed 1]
//          [--inputs <dir> [--count 8]]   also writes <dir>/x.npy + y.npy: count seeded uniform inputs in [-2, 2] (NHWC, as
//                             npy datasets are read) and labels 0..classes-1, enough to calibrate int8 ranges for a
//                             device = reference check (not a real dataset)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type onnxProto from 'onnx-proto';
import { encodeModel, floatTensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { heNormal, makeRng, type Rng } from '../../src/train/prng.ts';

export interface MobileNetV2Options {
  /** Input height and width (a multiple of 32). */
  size: number;
  classes: number;
  /** torchvision's width_mult. */
  width: number;
  seed: number;
}

/** torchvision's inverted_residual_setting: expansion t, channels c, repeats n, first stride s. */
const SETTING: [number, number, number, number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/** torchvision's _make_divisible: round to a multiple of 8, never more than 10 % below v. */
export function makeDivisible(v: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}

class Writer {
  readonly nodes: onnxProto.onnx.NodeProto[] = [];
  readonly inits: onnxProto.onnx.TensorProto[] = [];
  private count = 0;
  constructor(private readonly rng: Rng) {
    // The exporter's ReLU6 bounds: scalar constants shared by every Clip.
    this.inits.push(floatTensor('relu6.min', [], [0]), floatTensor('relu6.max', [], [6]));
  }

  fresh(base: string): string {
    return `${base}_${this.count++}`;
  }

  /** Conv (BatchNorm folded: He-normal weights, a small bias), optionally followed by ReLU6 as Clip(0, 6). */
  conv(x: string, inC: number, outC: number, k: number, stride: number, groups: number, relu6: boolean, name: string): string {
    const w = `${name}.weight`;
    const b = `${name}.bias`;
    const fanIn = (inC / groups) * k * k;
    this.inits.push(floatTensor(w, [outC, inC / groups, k, k], heNormal(outC * fanIn, fanIn, this.rng)));
    this.inits.push(floatTensor(b, [outC], Float32Array.from({ length: outC }, () => 0.1 * this.rng.normal())));
    const y = this.fresh(name);
    const p = (k - 1) >> 1;
    this.nodes.push(node('Conv', [x, w, b], [y], { kernel_shape: [k, k], strides: [stride, stride], pads: [p, p, p, p], group: groups }, `${name}/Conv`));
    if (!relu6) return y;
    const r = this.fresh(`${name}.relu6`);
    this.nodes.push(node('Clip', [y, 'relu6.min', 'relu6.max'], [r], {}, `${name}/Clip`));
    return r;
  }

  add(a: string, b: string, name: string): string {
    const y = this.fresh(name);
    this.nodes.push(node('Add', [a, b], [y], {}, `${name}/Add`));
    return y;
  }
}

/** torchvision's InvertedResidual: 1×1 expand (unless t = 1), 3×3 depthwise, 1×1 linear projection; Add when shapes allow. */
function invertedResidual(wr: Writer, x: string, inC: number, outC: number, stride: number, t: number, name: string): string {
  const hidden = Math.round(inC * t);
  let h = x;
  let layer = 0;
  if (t !== 1) h = wr.conv(h, inC, hidden, 1, 1, 1, true, `${name}.conv.${layer++}`);
  h = wr.conv(h, hidden, hidden, 3, stride, hidden, true, `${name}.conv.${layer++}`);
  h = wr.conv(h, hidden, outC, 1, 1, 1, false, `${name}.conv.${layer}`);
  return stride === 1 && inC === outC ? wr.add(x, h, name) : h;
}

export function mobileNetV2Onnx(o: MobileNetV2Options): Uint8Array {
  const wr = new Writer(makeRng(o.seed));
  let c = makeDivisible(32 * o.width);
  const last = makeDivisible(1280 * Math.max(1, o.width));
  let h = wr.conv('input', 3, c, 3, 2, 1, true, 'features.0');
  let index = 1;
  for (const [t, channels, n, s] of SETTING) {
    const out = makeDivisible(channels * o.width);
    for (let i = 0; i < n; i++) {
      h = invertedResidual(wr, h, c, out, i === 0 ? s : 1, t, `features.${index++}`);
      c = out;
    }
  }
  h = wr.conv(h, c, last, 1, 1, 1, true, `features.${index}`);
  const pooled = wr.fresh('pool');
  wr.nodes.push(node('GlobalAveragePool', [h], [pooled], {}, '/GlobalAveragePool'));
  const flat = wr.fresh('flatten');
  wr.nodes.push(node('Flatten', [pooled], [flat], { axis: 1 }, '/Flatten'));
  wr.inits.push(floatTensor('classifier.1.weight', [o.classes, last], heNormal(o.classes * last, last, makeRng(o.seed + 1))));
  wr.inits.push(floatTensor('classifier.1.bias', [o.classes], new Float32Array(o.classes)));
  wr.nodes.push(node('Gemm', [flat, 'classifier.1.weight', 'classifier.1.bias'], ['logits'], { transB: 1 }, '/classifier/classifier.1/Gemm'));
  return encodeModel(
    makeModel({
      name: 'mobilenet-v2',
      nodes: wr.nodes,
      initializers: wr.inits,
      inputs: [valueInfo('input', [1, 3, o.size, o.size])],
      outputs: [valueInfo('logits', [1, o.classes])],
      opset: 13,
    }),
  );
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      size: { type: 'string', default: '96' },
      classes: { type: 'string', default: '2' },
      width: { type: 'string', default: '0.35' },
      seed: { type: 'string', default: '1' },
      inputs: { type: 'string' },
      count: { type: 'string', default: '8' },
    },
  });
  if (positionals.length !== 1) {
    console.error('usage: node --import tsx examples/mobilenet-v2/make-model.ts out.onnx [--size 96] [--classes 2] [--width 0.35] [--seed 1]');
    process.exit(2);
  }
  const [size, classes] = [Number(values.size), Number(values.classes)];
  const bytes = mobileNetV2Onnx({ size, classes, width: Number(values.width), seed: Number(values.seed) });
  writeFileSync(positionals[0], bytes);
  console.error(`wrote ${positionals[0]} (${bytes.length} bytes)`);
  if (values.inputs) {
    const count = Number(values.count);
    const rng = makeRng(Number(values.seed) + 2);
    mkdirSync(values.inputs, { recursive: true });
    const x = Float32Array.from({ length: count * 3 * size * size }, () => 4 * rng.next() - 2);
    writeFileSync(join(values.inputs, 'x.npy'), writeNpy(x, [count, size, size, 3]));
    writeFileSync(join(values.inputs, 'y.npy'), writeNpy(Int32Array.from({ length: count }, (_, i) => i % classes), [count]));
    console.error(`wrote ${values.inputs}/x.npy and y.npy (${count} inputs)`);
  }
}
