// ShuffleNetV2 (torchvision's architecture, width ×0.5 by default) written as PyTorch's ONNX exporter writes it at opset
// 13 in eval mode: BatchNorm folded into the convolutions, the channel split as Split (x.chunk(2, dim=1)), the channel
// shuffle as Reshape [N, g, C/g, H, W] → Transpose [0,2,1,3,4] → Reshape [N, -1, H, W], global pooling as torchvision's
// x.mean([2, 3]) exports it (ReduceMean over axes 2, 3 without keepdims), and a Gemm classifier. Weights are He-normal from a fixed seed (not trained): the model checks that the ops compute, not accuracy.
// Usage: node --import tsx examples/shufflenet-v2/make-model.ts out.onnx [--size 64] [--classes 10] [--seed 1]
//          [--inputs <dir> [--count 32]]   also writes <dir>/x.npy + y.npy: count seeded uniform inputs in [-2, 2] (NHWC, as npy datasets are read) and labels 0..classes-1,
//                             enough to calibrate int8 ranges for a device = reference check (not a real dataset)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type onnxProto from 'onnx-proto';
import { encodeModel, floatTensor, int64Tensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { heNormal, makeRng, type Rng } from '../../src/train/prng.ts';

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

class Writer {
  readonly nodes: onnxProto.onnx.NodeProto[] = [];
  readonly inits: onnxProto.onnx.TensorProto[] = [];
  private count = 0;
  constructor(private readonly rng: Rng) {}

  fresh(base: string): string {
    return `${base}_${this.count++}`;
  }

  /** Conv (BatchNorm folded: He-normal weights, a small bias), optionally followed by Relu. */
  conv(x: string, inC: number, outC: number, k: number, stride: number, groups: number, relu: boolean, name: string): string {
    const w = `${name}.weight`;
    const b = `${name}.bias`;
    const fanIn = (inC / groups) * k * k;
    this.inits.push(floatTensor(w, [outC, inC / groups, k, k], heNormal(outC * fanIn, fanIn, this.rng)));
    this.inits.push(floatTensor(b, [outC], Float32Array.from({ length: outC }, () => 0.1 * this.rng.normal())));
    const y = this.fresh(name);
    const p = (k - 1) >> 1;
    this.nodes.push(node('Conv', [x, w, b], [y], { kernel_shape: [k, k], strides: [stride, stride], pads: [p, p, p, p], group: groups }, `${name}/Conv`));
    if (!relu) return y;
    const r = this.fresh(`${name}.relu`);
    this.nodes.push(node('Relu', [y], [r], {}, `${name}/Relu`));
    return r;
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
}

/** torchvision's channel_shuffle(x, 2), as traced with static shapes. */
function channelShuffle(wr: Writer, x: string, c: number, hw: number): string {
  const [grouped] = wr.op('Reshape', [x, wr.ints([1, 2, c / 2, hw, hw])]);
  const [swapped] = wr.op('Transpose', [grouped], { perm: [0, 2, 1, 3, 4] });
  return wr.op('Reshape', [swapped, wr.ints([1, -1, hw, hw])])[0];
}

/** torchvision's InvertedResidual: stride 1 splits the channels and transforms one half; stride 2 runs two branches. */
function block(wr: Writer, x: string, inC: number, outC: number, stride: number, hw: number, name: string): string {
  const half = outC / 2;
  const outHw = hw / stride;
  let left: string;
  let right: string;
  if (stride === 1) {
    [left, right] = wr.op('Split', [x, wr.ints([half, half])], { axis: 1 }, 2);
  } else {
    left = wr.conv(x, inC, inC, 3, 2, inC, false, `${name}.branch1.0`);
    left = wr.conv(left, inC, half, 1, 1, 1, true, `${name}.branch1.2`);
    right = x;
  }
  const rightIn = stride === 1 ? half : inC;
  right = wr.conv(right, rightIn, half, 1, 1, 1, true, `${name}.branch2.0`);
  right = wr.conv(right, half, half, 3, stride, half, false, `${name}.branch2.3`);
  right = wr.conv(right, half, half, 1, 1, 1, true, `${name}.branch2.5`);
  const [joined] = wr.op('Concat', [left, right], { axis: 1 });
  return channelShuffle(wr, joined, outC, outHw);
}

export function shuffleNetV2Onnx(o: ShuffleNetOptions): Uint8Array {
  const channels = o.channels ?? [24, 48, 96, 192, 1024];
  const repeats = o.repeats ?? [4, 8, 4];
  const wr = new Writer(makeRng(o.seed));
  let hw = o.size / 2;
  let h = wr.conv('input', 3, channels[0], 3, 2, 1, true, 'conv1');
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
  h = wr.conv(h, c, channels[4], 1, 1, 1, true, 'conv5');
  [h] = wr.op('ReduceMean', [h], { axes: [2, 3], keepdims: 0 });
  wr.inits.push(floatTensor('fc.weight', [o.classes, channels[4]], heNormal(o.classes * channels[4], channels[4], makeRng(o.seed + 1))));
  wr.inits.push(floatTensor('fc.bias', [o.classes], new Float32Array(o.classes)));
  wr.nodes.push(node('Gemm', [h, 'fc.weight', 'fc.bias'], ['logits'], { transB: 1 }, '/fc/Gemm'));
  return encodeModel(
    makeModel({
      name: 'shufflenet-v2',
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
  if (values.inputs) {
    const [count, size, classes] = [Number(values.count), Number(values.size), Number(values.classes)];
    const rng = makeRng(Number(values.seed) + 2);
    mkdirSync(values.inputs, { recursive: true });
    const x = Float32Array.from({ length: count * 3 * size * size }, () => 4 * rng.next() - 2);
    writeFileSync(join(values.inputs, 'x.npy'), writeNpy(x, [count, size, size, 3]));
    writeFileSync(join(values.inputs, 'y.npy'), writeNpy(Int32Array.from({ length: count }, (_, i) => i % classes), [count]));
    console.error(`wrote ${values.inputs}/x.npy and y.npy (${count} inputs)`);
  }
}
