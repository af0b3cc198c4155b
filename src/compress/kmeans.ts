// One-dimensional k-means for weight sharing (Deep Compression): linear, density or k-means++ initialisation (seeded),
// Lloyd iterations on the sorted values with prefix sums (O(n + k) per iteration after one sort).
import { makeRng } from '../train/prng.ts';

export type KmeansInit = 'linear' | 'density' | 'kmeans++';

export interface KmeansResult {
  /** k centroids, ascending. */
  centroids: Float32Array;
  /** Cluster of each input value, in input order. */
  assign: Uint8Array;
}

/** Index of the centroid nearest to v (centroids ascending; ties go to the lower one). */
export function nearest(centroids: Float32Array, v: number): number {
  let lo = 0;
  let hi = centroids.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v > (centroids[mid] + centroids[mid + 1]) / 2) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function initCentroids(sorted: Float32Array, k: number, init: KmeansInit, seed: number): Float64Array {
  const n = sorted.length;
  const c = new Float64Array(k);
  const lo = sorted[0];
  const hi = sorted[n - 1];
  if (init === 'linear') {
    // Deep Compression's choice: evenly spaced over [min, max], so large (rare, important) weights keep their own centroids.
    for (let j = 0; j < k; j++) c[j] = k === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * j) / (k - 1);
  } else if (init === 'density') {
    for (let j = 0; j < k; j++) c[j] = sorted[Math.min(n - 1, Math.floor(((j + 0.5) * n) / k))];
  } else {
    const rng = makeRng(seed);
    const dist = new Float64Array(n).fill(Infinity);
    c[0] = sorted[rng.int(n)];
    for (let j = 1; j < k; j++) {
      let total = 0;
      for (let i = 0; i < n; i++) {
        const d = (sorted[i] - c[j - 1]) ** 2;
        if (d < dist[i]) dist[i] = d;
        total += dist[i];
      }
      let r = rng.next() * total;
      let pick = n - 1;
      for (let i = 0; i < n; i++) {
        r -= dist[i];
        if (r <= 0) {
          pick = i;
          break;
        }
      }
      c[j] = sorted[pick];
    }
    c.sort();
  }
  return c;
}

/** Clusters `values` into at most k groups. */
export function kmeans1d(
  values: Float32Array,
  k: number,
  opts: { init?: KmeansInit; seed?: number; iterations?: number } = {},
): KmeansResult {
  const n = values.length;
  if (n === 0) return { centroids: new Float32Array(0), assign: new Uint8Array(0) };
  const sorted = Float32Array.from(values).sort();
  const c = initCentroids(sorted, Math.min(k, n), opts.init ?? 'linear', opts.seed ?? 1);
  const kk = c.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + sorted[i];
  for (let it = 0; it < (opts.iterations ?? 30); it++) {
    // On sorted values each cluster is a contiguous run bounded by midpoints between consecutive centroids.
    let start = 0;
    let moved = false;
    for (let j = 0; j < kk; j++) {
      let end = start;
      const bound = j === kk - 1 ? Infinity : (c[j] + c[j + 1]) / 2;
      while (end < n && sorted[end] <= bound) end++;
      if (end > start) {
        const mean = (prefix[end] - prefix[start]) / (end - start);
        if (mean !== c[j]) moved = true;
        c[j] = mean; // an empty cluster keeps its centroid
      }
      start = end;
    }
    c.sort();
    if (!moved) break;
  }
  const centroids = Float32Array.from(c);
  const assign = new Uint8Array(n);
  for (let i = 0; i < n; i++) assign[i] = nearest(centroids, values[i]);
  return { centroids, assign };
}
