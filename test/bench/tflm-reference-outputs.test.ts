// The TFLM device-output CSV reader the KWS test and the MLPerf bench share: the real KWS file, and bad files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printedLikeTflm, readTflmDeviceOutputs, sameAsTflm } from '../../src/data/tflm-reference-outputs.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { mlperfTiny } from '../mlperf-tiny.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-tflm-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readTflmDeviceOutputs', () => {
  it('reads the 1000 KWS rows; 901 device answers equal the label (the published 90.1%)', () => {
    const rows = readTflmDeviceOutputs(mlperfTiny('kws01/reference_outputs/tflm_v0.5_nucleo_l4r5zi_device_outputs.csv'));
    expect(rows).toHaveLength(1000);
    expect(rows[0]).toMatchObject({ file: 'tst_000000_Stop_7.bin', label: 7, argmax: 7 });
    expect(rows[0].values).toHaveLength(12);
    expect(rows.filter((r) => r.argmax === r.label)).toHaveLength(901);
  });

  it('prints int8 codes like the firmware and compares them', () => {
    expect(printedLikeTflm([-128, 127, 0])).toEqual([0, 0.996, 0.5]);
    const row = { file: 'a.bin', label: 1, argmax: 1, values: [0, 0.996] };
    expect(sameAsTflm([-128, 127], row)).toBe(true);
    expect(sameAsTflm([-127, 127], row)).toBe(false);
  });

  it('names the file and line of a bad header or a short row', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'name,label\nx,1\n');
    expect(() => readTflmDeviceOutputs(bad)).toThrow(TinyforgeError);
    writeFileSync(bad, 'file,label,device_argmax,out0,out1\na.bin,1,1,0.5\n');
    expect(() => readTflmDeviceOutputs(bad)).toThrow(/line 2 .* 4 fields \(want 5/);
  });
});
