// Fuzzes the TFLite importer with mutated copies of the KWS model (seeded byte flips, overwritten words,
// truncations): each must import or throw a TinyforgeError naming the file — never a RangeError/TypeError or a hang.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { mlperfTiny } from '../mlperf-tiny.ts';

/** mulberry32: small deterministic PRNG so a failing iteration can be replayed from its number. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ITERATIONS = 400;
// In this file the weight buffers fill bytes ~272..25,200 and the flatbuffer structure (vtables, offsets,
// vector lengths, tensor and operator tables) the second half; half of the mutations aim there.
const META_FRACTION = 0.5;

describe('TFLite importer fuzz', () => {
  const model = new Uint8Array(readFileSync(mlperfTiny('kws01/models/kws_ref_model.tflite')));

  it(`${ITERATIONS} mutated KWS models each import or throw TinyforgeError`, () => {
    const random = rng(20261128);
    const outcomes = { imported: 0, badFile: 0, other: 0 };
    for (let iter = 0; iter < ITERATIONS; iter++) {
      const bytes = model.slice();
      const pick = (): number => {
        const inMeta = random() < 0.5;
        const lo = inMeta ? Math.floor(bytes.length * (1 - META_FRACTION)) : 0;
        return lo + Math.floor(random() * (bytes.length - lo));
      };
      const kind = iter % 4;
      let input: Uint8Array = bytes;
      if (kind === 0) {
        for (let k = 1 + Math.floor(random() * 8); k > 0; k--) bytes[pick()] ^= 1 << Math.floor(random() * 8);
      } else if (kind === 1) {
        for (let k = 1 + Math.floor(random() * 3); k > 0; k--) bytes[pick()] = Math.floor(random() * 256);
      } else if (kind === 2) {
        // Overwrite an aligned word with a large or negative value, the way a bad offset or length looks.
        const at = pick() & ~3;
        const words = [0xffffffff, 0x7fffffff, 0x80000000, bytes.length, bytes.length - 2, Math.floor(random() * 2 ** 32)];
        new DataView(bytes.buffer).setUint32(Math.min(at, bytes.length - 4), words[Math.floor(random() * words.length)], true);
      } else {
        input = bytes.subarray(0, Math.floor(random() * bytes.length));
      }
      try {
        importTflite(input, `fuzz-${iter}.tflite`);
        outcomes.imported++;
      } catch (e) {
        if (!(e instanceof TinyforgeError)) throw new Error(`iteration ${iter} (mutation kind ${kind}) threw ${String(e)}`);
        // File-level problems are 'bad-model-file'; the rest come from the IR validator (e.g. 'nan-weights').
        expect(`${e.message} ${e.diagnostic.location?.file}`).toContain(`fuzz-${iter}.tflite`);
        if (e.code === 'bad-model-file') outcomes.badFile++;
        else outcomes.other++;
      }
    }
    // The mutations must reach the structure, or this test proves nothing.
    expect(outcomes.badFile).toBeGreaterThan(ITERATIONS / 4);
    expect(outcomes.imported).toBeGreaterThan(0);
  });
});
