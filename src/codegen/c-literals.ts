// C literal formatting for generated code: exact float32 values, int arrays wrapped for readable diffs.

/** A float32 value as a C float literal that round-trips exactly (±Infinity become ±FLT_MAX: only clamps use them). */
export function cFloat(x: number): string {
  if (x === Infinity) return 'FLT_MAX';
  if (x === -Infinity) return '-FLT_MAX';
  if (Number.isNaN(x)) throw new Error('NaN cannot be emitted as a C constant');
  const f = Math.fround(x);
  if (Object.is(f, -0)) return '-0.0f';
  // 9 significant digits always round-trip a float32; keep the shortest form that does.
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return /[.e]/.test(s) ? `${s}f` : `${s}.0f`;
  }
  return `${f.toPrecision(9)}f`;
}

/** An int32 as C text; INT32_MIN needs the (-MAX - 1) form to stay an int. */
export function cInt(x: number): string {
  if (!Number.isInteger(x)) throw new Error(`not an integer: ${x}`);
  return x === -2147483648 ? '(-2147483647 - 1)' : String(x);
}

/** Comma-separated values, `perLine` to a line, indented for an array initializer. */
export function cList(values: readonly string[], perLine = 16): string {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += perLine) lines.push(`  ${values.slice(i, i + perLine).join(', ')}`);
  return lines.join(',\n');
}

export const cInts = (xs: ArrayLike<number>): string[] => Array.from(xs, cInt);
export const cFloats = (xs: ArrayLike<number>): string[] => Array.from(xs, cFloat);
