// Shared OpDef parts for MaxPool and AveragePool: NHWC window with explicit pads, no dilation.
import type { InputInfo } from './op-def.ts';
import { requireActivation, requirePads, requirePositivePair, requireRank, requireWindowFits, windowOutSize } from './op-def.ts';

interface PoolAttrs {
  kernel: [number, number];
  strides: [number, number];
  pads: [number, number, number, number];
  activation: string;
}

export function validatePool([x]: (InputInfo | undefined)[], a: PoolAttrs): string[] {
  const problems = [
    ...requirePositivePair('kernel', a.kernel),
    ...requirePositivePair('strides', a.strides),
    ...requirePads(a.pads),
    ...requireActivation(a.activation),
    ...requireRank('input', x, 4),
  ];
  if (problems.length) return problems;
  // ONNX requires pads smaller than the kernel, so every window sees at least one real element.
  if (a.pads[0] >= a.kernel[0] || a.pads[2] >= a.kernel[0] || a.pads[1] >= a.kernel[1] || a.pads[3] >= a.kernel[1]) {
    problems.push(`pads ${JSON.stringify(a.pads)} must be smaller than the kernel ${JSON.stringify(a.kernel)}`);
  }
  return [...problems, ...requireWindowFits(x!, a.kernel, [1, 1], a.pads)];
}

export function inferPool([x]: (InputInfo | undefined)[], a: PoolAttrs): number[][] {
  const [n, h, w, c] = x!.shape;
  return [
    [
      n,
      windowOutSize(h, a.kernel[0], a.strides[0], 1, a.pads[0], a.pads[2]),
      windowOutSize(w, a.kernel[1], a.strides[1], 1, a.pads[1], a.pads[3]),
      c,
    ],
  ];
}
