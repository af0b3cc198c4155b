// numpy broadcasting of two shapes, shared by the binary element-wise ops (Add, Sub, Mul, Div).

/** The broadcast shape, or undefined when the shapes are incompatible (numpy rules: align right, 1 stretches). */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(da === 1 ? db : da);
  }
  return out;
}
