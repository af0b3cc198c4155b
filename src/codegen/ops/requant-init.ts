// The tfg_requant_params initializer from a quant-helper requantization (identity flagged when the quantization is unchanged).
import type { Quant1 } from '../../reference/int8/common.ts';
import { prepareRequantize } from '../../reference/int8/quantize.ts';

export function requantInit(qin: Quant1, qout: Quant1, multiplier?: number, shift?: number): string {
  const p = prepareRequantize(qin, qout);
  const identity = qin.scale === qout.scale && qin.zeroPoint === qout.zeroPoint ? 1 : 0;
  return `{ ${qin.zeroPoint}, ${qout.zeroPoint}, ${multiplier ?? p.multiplier}, ${shift ?? p.shift}, ${identity} }`;
}
