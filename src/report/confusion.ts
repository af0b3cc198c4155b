// The confusion matrix of the device's answers: how often each true class was answered as each class.

/** counts[label][prediction] over `classes` classes (at least as many as the largest label or answer + 1). */
export function confusionMatrix(labels: readonly number[], predictions: readonly number[], classes = 0): number[][] {
  const n = Math.max(classes, ...labels.map((l) => l + 1), ...predictions.map((p) => p + 1));
  const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  labels.forEach((l, i) => counts[l][predictions[i]]++);
  return counts;
}
