// One format's fuzz test: TINYFORGE_FUZZ_RUNS cases (2,000 by default) from a fixed seed, each ending in a result or
// a TinyforgeError with a stable code, within the time bound, with no file outside the output folder touched.
// One test file per format, so vitest spreads them over its workers; `npm run fuzz` runs 10,000 a format.
import { describe, expect, it } from 'vitest';
import { allFormats } from './formats.ts';
import { fuzzFormat } from './harness.ts';

const RUNS = Number(process.env.TINYFORGE_FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.TINYFORGE_FUZZ_SEED ?? 20261206);

export function fuzzTest(name: string): void {
  describe(`fuzzing ${name}`, () => {
    it(`${RUNS} cases: no crash, no hang, no file lost`, async () => {
      const format = (await allFormats()).find((f) => f.name === name)!;
      const s = await fuzzFormat(format, { runs: RUNS, seed: SEED, boundMs: 10_000 });
      expect(s.failures).toEqual([]);
      expect(s.cases).toBe(RUNS);
      expect(s.crashes + s.hangs + s.filesLost).toBe(0);
      // The cases must get past the first check, or the property proves little: both endings occur, with several codes.
      expect(s.cleanErrors).toBeGreaterThan(RUNS / 4);
      expect(s.results).toBeGreaterThan(0);
      expect(Object.keys(s.codes).length).toBeGreaterThan(1);
    }, 600_000);
  });
}
