// BinaryConnect (Courbariaux et al. 2015) weights for one layer: real-valued weights kept in [−1, 1] (scaled by the layer's
// max |w|), binarized in every forward pass (deterministic sign, or +1 with probability hard_sigmoid(w)), scaled by α
// (mean |w| per output channel or per layer); the gradient taken at the binary weights updates the real ones, then
// they are clipped back to [−1, 1].
import type { Rng } from './prng.ts';

export type BinarizeMode = 'deterministic' | 'stochastic';
export type AlphaMode = 'per-channel' | 'per-layer';

export interface BinaryLayerState {
  /** Real-valued weights / scale, in [−1, 1], IR layout [out, ...]. */
  real: Float32Array;
  /** max |w| of the layer when training started: real = w / scale. */
  scale: number;
  out: number;
  row: number;
}

export function initBinaryLayer(w: Float32Array, out: number): BinaryLayerState {
  let m = 0;
  for (const v of w) m = Math.max(m, Math.abs(v));
  const scale = m > 0 ? m : 1;
  return { real: Float32Array.from(w, (v) => v / scale), scale, out, row: w.length / out };
}

/** α per output channel: mean |w| of the channel (or of the whole layer), in the original weight units. */
export function alphas(s: BinaryLayerState, mode: AlphaMode): number[] {
  const a: number[] = [];
  let total = 0;
  for (let o = 0; o < s.out; o++) {
    let sum = 0;
    for (let i = 0; i < s.row; i++) sum += Math.abs(s.real[o * s.row + i]);
    total += sum;
    a.push(Math.fround((s.scale * sum) / s.row));
  }
  if (mode === 'per-layer') return a.map(() => Math.fround((s.scale * total) / (s.row * s.out)));
  return a;
}

/** The binary forward weights ±α[o]; stochastic mode draws +1 with probability clip((w + 1) / 2, 0, 1). */
export function binarize(s: BinaryLayerState, alpha: number[], mode: BinarizeMode, rng?: Rng): Float32Array {
  const out = new Float32Array(s.real.length);
  for (let i = 0; i < out.length; i++) {
    const a = alpha[Math.floor(i / s.row)];
    const w = s.real[i];
    const plus = mode === 'stochastic' && rng ? rng.next() < Math.min(1, Math.max(0, (w + 1) / 2)) : w >= 0;
    out[i] = plus ? a : -a;
  }
  return out;
}

/** Clips the real weights to [−1, 1] after an update (BinaryConnect: keeps them where binarization can flip them). */
export function clipReal(s: BinaryLayerState): void {
  for (let i = 0; i < s.real.length; i++) s.real[i] = Math.min(1, Math.max(-1, s.real[i]));
}
