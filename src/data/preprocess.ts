// Input preprocessing a model expects (x = (raw·scale − mean[c]) / std[c], channels last), and parsing of the CLI forms.
import { TinyforgeError } from '../diagnostics.ts';
import type { Preprocess } from '../ir/graph.ts';

/** Applies `p` to raw NHWC values (any leading dims; channel = index mod `channels`). Returns a new array; no `p` = copy. */
export function applyPreprocess(raw: Float32Array, p: Preprocess | undefined, channels = 1): Float32Array {
  const out = new Float32Array(raw.length);
  if (!p) {
    out.set(raw);
    return out;
  }
  const mean = expand(p.mean, channels, 0, 'mean');
  const std = expand(p.std, channels, 1, 'std');
  const inv = std.map((s) => 1 / s);
  for (let i = 0; i < raw.length; i++) {
    const c = i % channels;
    out[i] = (raw[i]! * p.scale - mean[c]!) * inv[c]!;
  }
  return out;
}

/** One value per channel: a single value is broadcast, an empty list means the default. */
function expand(v: number[], channels: number, fallback: number, what: string): number[] {
  if (v.length === 0) return new Array(channels).fill(fallback);
  if (v.length === 1) return new Array(channels).fill(v[0]);
  if (v.length !== channels) {
    throw new TinyforgeError('bad-preprocess', `${what} has ${v.length} values but the input has ${channels} channels`, {
      hint: `give one ${what} value, or one per channel (${channels})`,
    });
  }
  return v;
}

/** Parses a number or a fraction, e.g. '0.5', '1/255', '-1e-3'. */
export function parseNumber(text: string, what = 'value'): number {
  const s = text.trim();
  const parts = s.split('/');
  const nums = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
  const value = parts.length === 1 ? nums[0]! : parts.length === 2 ? nums[0]! / nums[1]! : NaN;
  if (!Number.isFinite(value)) {
    throw new TinyforgeError('bad-preprocess', `${what} "${text}" is not a number or fraction`, {
      hint: `write it like 0.00392 or 1/255`,
    });
  }
  return value;
}

/** Parses a comma-separated list, e.g. '0.485,0.456,0.406'. */
export function parseNumberList(text: string, what = 'value'): number[] {
  return text.split(',').map((t) => parseNumber(t, what));
}

/** Builds a Preprocess from CLI strings (`--input-scale 1/255 --mean 0.1307 --std 0.3081`); unset parts take the defaults. */
export function parsePreprocess(opts: { scale?: string; mean?: string; std?: string }): Preprocess {
  const p: Preprocess = {
    scale: opts.scale === undefined ? 1 : parseNumber(opts.scale, 'input scale'),
    mean: opts.mean === undefined ? [0] : parseNumberList(opts.mean, 'mean'),
    std: opts.std === undefined ? [1] : parseNumberList(opts.std, 'std'),
  };
  if (p.scale === 0) {
    throw new TinyforgeError('bad-preprocess', '--input-scale must not be 0 (every input would be 0)', {
      hint: 'give the factor raw inputs are multiplied by, e.g. --input-scale 1/255',
    });
  }
  if (p.std.some((s) => s === 0)) {
    throw new TinyforgeError('bad-preprocess', 'std must not be 0', {
      hint: 'give the standard deviation the model was trained with, e.g. --std 0.3081',
    });
  }
  return p;
}
