// ShuffleNetV2 (torchvision's architecture, width ×0.5 by default) written as PyTorch's ONNX exporter writes it at opset
// 13 in eval mode: BatchNorm folded into the convolutions, the channel split as Split (x.chunk(2, dim=1)), the channel
// shuffle as Reshape [N, g, C/g, H, W] → Transpose [0,2,1,3,4] → Reshape [N, -1, H, W], global pooling as torchvision's
// x.mean([2, 3]) exports it (ReduceMean over axes 2, 3 without keepdims), and a Gemm classifier. Weights are He-normal from a fixed seed (not trained): the model checks that the ops compute, not accuracy.
// Usage: node --import tsx examples/shufflenet-v2/make-model.ts out.onnx [--size 64] [--classes 10] [--seed 1]
//          [--inputs <dir> [--count 32]]   also writes <dir>/x.npy + y.npy: count seeded uniform inputs in [-2, 2] (NHWC, as npy datasets are read) and labels 0..classes-1,
//                             enough to calibrate int8 ranges for a device = reference check (not a real dataset)
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { makeRng } from '../../src/train/prng.ts';
import { ExportWriter, writeSeededImages } from '../export-writer.ts';

export interface ShuffleNetOptions {
  /** Input height and width (a multiple of 32). */
  size: number;
  classes: number;
  seed: number;
  /** torchvision's stages_out_channels; the default is ShuffleNetV2-x0.5. */
  channels?: [number, number, number, number, number];
  /** Blocks per stage (torchvision: 4, 8, 4). */
  repeats?: [number, number, number];
}

/** A folded Conv, optionally followed by Relu. */
function conv(wr: ExportWriter, x: string, inC: number, outC: number, k: number, stride: number, groups: number, relu: boolean, name: string): string {
  const y = wr.conv(x, inC, outC, k, stride, groups, name);
  return relu ? wr.named('Relu', [y], `${name}.relu`, name) : y;
}

/** torchvision's channel_shuffle(x, 2), as traced with static shapes. */
function channelShuffle(wr: ExportWriter, x: string, c: number, hw: number): string {
  const [grouped] = wr.op('Reshape', [x, wr.ints([1, 2, c / 2, hw, hw])]);
  const [swapped] = wr.op('Transpose', [grouped], { perm: [0, 2, 1, 3, 4] });
  return wr.op('Reshape', [swapped, wr.ints([1, -1, hw, hw])])[0];
}

/** torchvision's InvertedResidual: stride 1 splits the channels and transforms one half; stride 2 runs two branches. */
function block(wr: ExportWriter, x: string, inC: number, outC: number, stride: number, hw: number, name: string): string {
  const half = outC / 2;
  const outHw = hw / stride;
  let left: string;
  let right: string;
  if (stride === 1) {
    [left, right] = wr.op('Split', [x, wr.ints([half, half])], { axis: 1 }, 2);
  } else {
    left = conv(wr, x, inC, inC, 3, 2, inC, false, `${name}.branch1.0`);
    left = conv(wr, left, inC, half, 1, 1, 1, true, `${name}.branch1.2`);
    right = x;
  }
  const rightIn = stride === 1 ? half : inC;
  right = conv(wr, right, rightIn, half, 1, 1, 1, true, `${name}.branch2.0`);
  right = conv(wr, right, half, half, 3, stride, half, false, `${name}.branch2.3`);
  right = conv(wr, right, half, half, 1, 1, 1, true, `${name}.branch2.5`);
  const [joined] = wr.op('Concat', [left, right], { axis: 1 });
  return channelShuffle(wr, joined, outC, outHw);
}

export function shuffleNetV2Onnx(o: ShuffleNetOptions): Uint8Array {
  const channels = o.channels ?? [24, 48, 96, 192, 1024];
  const repeats = o.repeats ?? [4, 8, 4];
  const wr = new ExportWriter(makeRng(o.seed));
  let hw = o.size / 2;
  let h = conv(wr, 'input', 3, channels[0], 3, 2, 1, true, 'conv1');
  [h] = wr.op('MaxPool', [h], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  hw /= 2;
  let c = channels[0];
  repeats.forEach((n, s) => {
    const out = channels[s + 1];
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? 2 : 1;
      h = block(wr, h, c, out, stride, hw, `stage${s + 2}.${i}`);
      hw /= stride;
      c = out;
    }
  });
  h = conv(wr, h, c, channels[4], 1, 1, 1, true, 'conv5');
  [h] = wr.op('ReduceMean', [h], { axes: [2, 3], keepdims: 0 });
  wr.classifier(h, channels[4], o.classes, o.seed, 'fc', '/fc/Gemm');
  return wr.encode('shufflenet-v2', o.size, o.classes);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      size: { type: 'string', default: '64' },
      classes: { type: 'string', default: '10' },
      seed: { type: 'string', default: '1' },
      inputs: { type: 'string' },
      count: { type: 'string', default: '32' },
    },
  });
  if (positionals.length !== 1) {
    console.error('usage: node --import tsx examples/shufflenet-v2/make-model.ts out.onnx [--size 64] [--classes 10] [--seed 1]');
    process.exit(2);
  }
  const bytes = shuffleNetV2Onnx({ size: Number(values.size), classes: Number(values.classes), seed: Number(values.seed) });
  writeFileSync(positionals[0], bytes);
  console.error(`wrote ${positionals[0]} (${bytes.length} bytes)`);
  if (values.inputs) writeSeededImages(values.inputs, Number(values.count), Number(values.size), Number(values.classes), Number(values.seed));
}
