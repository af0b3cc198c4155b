// The constants of an int8 GRU / LSTM (src/reference/int8/recurrent.ts): W and R symmetric int8 with one scale per gate
// row (or per tensor), the bias B int32 in two halves, Wb at s_x · s_W[row] and Rb at s_h · s_R[row], where s_h is the
// layer's output scale (the int8 hidden vector R multiplies).
import type { Node, QuantParams, Tensor } from '../ir/graph.ts';
import type { TensorRange } from './calibrate.ts';
import { quantizeBias, quantizeWeightsPerChannel, quantizeWeightsPerTensor, rangeOf as dataRange } from './quant-params.ts';

/** The range of the hidden vector: the output's calibrated range widened to initial_h's (a constant's values or its
 *  calibrated range), since the output's int8 quantization also carries the state fed back into R. */
export function hiddenRange(
  node: Node<'GRU' | 'LSTM'>,
  floatTensors: Record<string, Tensor>,
  calibrated: (name: string) => TensorRange,
): TensorRange {
  const out = calibrated(node.outputs[0]);
  const h0 = node.inputs[4];
  if (!h0) return out;
  const data = floatTensors[h0].data;
  const r = data ? dataRange(data as Float32Array) : calibrated(h0);
  return { min: Math.min(out.min, r.min), max: Math.max(out.max, r.max) };
}

/** The quantized W (input 1), R (input 2) and B (input 3, when present) of a recurrent node, by tensor name. */
export function quantizeRecurrentWeights(
  node: Node<'GRU' | 'LSTM'>,
  floatTensors: Record<string, Tensor>,
  inputScale: number,
  outputQuant: QuantParams,
  perChannel: boolean,
): Record<string, Tensor> {
  const weight = (name: string): Tensor => {
    const t = floatTensors[name];
    const values = t.data as Float32Array;
    const { data, quant } = perChannel ? quantizeWeightsPerChannel(values, t.shape, 0) : quantizeWeightsPerTensor(values);
    return { ...t, shape: [...t.shape], dtype: 'i8', data, quant, storage: undefined };
  };
  const [, wName, rName, bName] = node.inputs;
  const w = weight(wName);
  const r = weight(rName);
  const out: Record<string, Tensor> = { [wName]: w, [rName]: r };
  if (bName) {
    const t = floatTensors[bName];
    const values = t.data as Float32Array;
    const rows = values.length / 2;
    const wb = quantizeBias(values.subarray(0, rows), inputScale, w.quant!.scale);
    const rb = quantizeBias(values.subarray(rows), outputQuant.scale[0], r.quant!.scale);
    const data = new Int32Array(values.length);
    data.set(wb.data);
    data.set(rb.data, rows);
    const scale = [...wb.quant.scale, ...rb.quant.scale];
    out[bName] = { ...t, shape: [...t.shape], dtype: 'i32', data, quant: { scale, zeroPoint: scale.map(() => 0), axis: 0 } };
  }
  return out;
}
