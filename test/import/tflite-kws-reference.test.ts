// The imported KWS int8 model run through our reference interpreter on all 1000 kws01 samples, compared with the
// outputs TFLM + CMSIS-NN printed on a real Cortex-M4 (v0.5 reference submission): top-1, same top-1, identical vectors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMlperfFolder } from '../../src/data/mlperf-folder.ts';
import { printedLikeTflm, readTflmDeviceOutputs, sameAsTflm, type TflmDeviceRow } from '../../src/data/tflm-reference-outputs.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { mlperfTiny } from '../mlperf-tiny.ts';

const KWS = mlperfTiny('kws01');

function readDeviceOutputs(): TflmDeviceRow[] {
  return readTflmDeviceOutputs(`${KWS}/reference_outputs/tflm_v0.5_nucleo_l4r5zi_device_outputs.csv`);
}

/** First index of the maximum, like np.argmax (the MLPerf runner's tie rule). */
function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

describe('KWS int8 through the reference interpreter vs TFLM on device', () => {
  it('matches the device outputs on the 1000 kws01 samples', { timeout: 600_000 }, () => {
    const modelPath = `${KWS}/models/kws_ref_model.tflite`;
    const g = importTflite(new Uint8Array(readFileSync(modelPath)), modelPath);
    const out = g.tensors[g.outputs[0]];
    expect(out.quant).toEqual({ scale: [0.00390625], zeroPoint: [-128] });
    const ds = loadMlperfFolder(`${KWS}/samples`, { split: 'test', input: g.tensors[g.inputs[0]] });
    const device = readDeviceOutputs();
    expect(device).toHaveLength(1000);
    expect(ds.size).toBe(1000);

    let top1 = 0;
    let sameTop1 = 0;
    let identical = 0;
    let deviceTop1 = 0;
    const differing: string[] = [];
    for (let i = 0; i < ds.size; i++) {
      const row = device[i];
      expect(ds.files[i]).toBe(row.file);
      const q = runGraph(g, { [g.inputs[0]]: ds.getQuantized(i) }).outputs[g.outputs[0]] as Int8Array;
      const ours = argmax(q);
      if (ours === ds.get(i).label) top1++;
      if (ours === row.argmax) sameTop1++;
      if (row.argmax === row.label) deviceTop1++;
      // Distinct int8 codes are 1/256 apart, so after truncation to 3 decimals equal text means equal bytes.
      if (sameAsTflm(q, row)) identical++;
      else differing.push(`${row.file}: ours [${printedLikeTflm(q)}] device [${row.values}]`);
    }
    expect(deviceTop1).toBe(901); // the published 90.1%, a check that the CSV was read right
    expect(top1 / ds.size).toBeGreaterThanOrEqual(0.9);
    expect(sameTop1 / ds.size).toBeGreaterThanOrEqual(0.995);
    expect(identical, differing.slice(0, 5).join('\n')).toBeGreaterThanOrEqual(995);
  });
});
