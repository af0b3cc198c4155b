// NCHW ⇄ NHWC at the graph boundary: the IR is NHWC inside, while a model file's inputs and outputs keep their own layout.
import type { TensorData } from './graph.ts';

/** Transposes a 4-D tensor with the given permutation of its source dims. */
function permute4(src: TensorData, dims: number[], perm: number[]): TensorData {
  const out = new (src.constructor as { new (n: number): TensorData })(src.length);
  const outDims = perm.map((p) => dims[p]);
  const stride = [dims[1] * dims[2] * dims[3], dims[2] * dims[3], dims[3], 1];
  let o = 0;
  for (let a = 0; a < outDims[0]; a++)
    for (let b = 0; b < outDims[1]; b++)
      for (let c = 0; c < outDims[2]; c++)
        for (let d = 0; d < outDims[3]; d++) {
          const idx = [a, b, c, d];
          let s = 0;
          for (let k = 0; k < 4; k++) s += idx[k] * stride[perm[k]];
          out[o++] = src[s];
        }
  return out;
}

/** NCHW data with dims [n,c,h,w] → NHWC. */
export function nchwToNhwc(data: TensorData, nchw: number[]): TensorData {
  return permute4(data, nchw, [0, 2, 3, 1]);
}

/** NHWC data with dims [n,h,w,c] → NCHW. */
export function nhwcToNchw(data: TensorData, nhwc: number[]): TensorData {
  return permute4(data, nhwc, [0, 3, 1, 2]);
}
