// MobileNetV2 (torchvision's architecture, width ×0.35 by default) written as PyTorch's ONNX exporter writes it at opset
// 13 in eval mode: BatchNorm folded into the convolutions, ReLU6 as Clip with min 0 and max 6 given as scalar inputs,
// the inverted residual's skip as Add, torchvision's adaptive_avg_pool2d(x, (1, 1)) as GlobalAveragePool, then Flatten
// and a Gemm classifier (the eval-mode Dropout vanishes). Weights are He-normal from a fixed seed (not trained): the
// model checks that the ops compute, not accuracy.
// Usage: node --import tsx examples/mobilenet-v2/make-model.ts out.onnx [--size 96] [--classes 2] [--width 0.35] [--seed 1]
//          [--inputs <dir> [--count 8]]   also writes <dir>/x.npy + y.npy: count seeded uniform inputs in [-2, 2] (NHWC, as
//                             npy datasets are read) and labels 0..classes-1, enough to calibrate int8 ranges for a
//                             device = reference check (not a real dataset)
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { floatTensor, node } from '../../src/import/onnx-proto-write.ts';
import { makeRng } from '../../src/train/prng.ts';
import { ExportWriter, writeSeededImages } from '../export-writer.ts';

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

/** A folded Conv, optionally followed by ReLU6 as the exporter writes it: Clip(0, 6) with scalar bound inputs. */
function conv(wr: ExportWriter, x: string, inC: number, outC: number, k: number, stride: number, groups: number, relu6: boolean, name: string): string {
  const y = wr.conv(x, inC, outC, k, stride, groups, name);
  return relu6 ? wr.named('Clip', [y, 'relu6.min', 'relu6.max'], `${name}.relu6`, name) : y;
}

/** torchvision's InvertedResidual: 1×1 expand (unless t = 1), 3×3 depthwise, 1×1 linear projection; Add when shapes allow. */
function invertedResidual(wr: ExportWriter, x: string, inC: number, outC: number, stride: number, t: number, name: string): string {
  const hidden = Math.round(inC * t);
  let h = x;
  let layer = 0;
  if (t !== 1) h = conv(wr, h, inC, hidden, 1, 1, 1, true, `${name}.conv.${layer++}`);
  h = conv(wr, h, hidden, hidden, 3, stride, hidden, true, `${name}.conv.${layer++}`);
  h = conv(wr, h, hidden, outC, 1, 1, 1, false, `${name}.conv.${layer}`);
  return stride === 1 && inC === outC ? wr.named('Add', [x, h], name, name) : h;
}

export function mobileNetV2Onnx(o: MobileNetV2Options): Uint8Array {
  const wr = new ExportWriter(makeRng(o.seed));
  // The exporter's ReLU6 bounds: scalar constants shared by every Clip.
  wr.inits.push(floatTensor('relu6.min', [], [0]), floatTensor('relu6.max', [], [6]));
  let c = makeDivisible(32 * o.width);
  const last = makeDivisible(1280 * Math.max(1, o.width));
  let h = conv(wr, 'input', 3, c, 3, 2, 1, true, 'features.0');
  let index = 1;
  for (const [t, channels, n, s] of SETTING) {
    const out = makeDivisible(channels * o.width);
    for (let i = 0; i < n; i++) {
      h = invertedResidual(wr, h, c, out, i === 0 ? s : 1, t, `features.${index++}`);
      c = out;
    }
  }
  h = conv(wr, h, c, last, 1, 1, 1, true, `features.${index}`);
  const pooled = wr.fresh('pool');
  wr.nodes.push(node('GlobalAveragePool', [h], [pooled], {}, '/GlobalAveragePool'));
  const flat = wr.fresh('flatten');
  wr.nodes.push(node('Flatten', [pooled], [flat], { axis: 1 }, '/Flatten'));
  wr.classifier(flat, last, o.classes, o.seed, 'classifier.1', '/classifier/classifier.1/Gemm');
  return wr.encode('mobilenet-v2', o.size, o.classes);
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
  if (values.inputs) writeSeededImages(values.inputs, Number(values.count), size, classes, Number(values.seed));
}
