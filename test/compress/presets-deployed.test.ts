// No recipe step is dropped on the way to flash: for every preset, under --quantize int8 and none, prepareModel (what
// compile/deploy run) then generateModel put in flash exactly the weight bytes the recipe reported, per layer and in
// all, and every layer a step stored packed (clustered, int4, binary, half) is deployed in that storage (half alone
// may become int8 under quantize-int8, which says so). Training is cut to a token amount: the storage is the point.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareModel } from '../../src/cli/steps.ts';
import { deployedLayers } from '../../src/packing/flash-bytes.ts';
import { generateModel } from '../../src/codegen/generate.ts';
import { passes, presets, type Recipe } from '../../src/compress/pipeline.ts';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { cnn } from './prune-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-presets-'));
const model = join(dir, 'cnn.onnx');
writeFileSync(model, exportOnnx(cnn(5, 4, 8)));

/** The preset with every training length cut to its minimum (one epoch where 0 is not allowed) on 200 samples. */
function shortened(name: string): Recipe {
  const cut: Record<string, (min: number) => number> = {
    epochs: (min) => min,
    final_epochs: () => 0,
    samples: () => 200,
    val_samples: () => 50,
    max_steps: () => 2,
    calibration_samples: () => 20,
  };
  return presets[name].map((step) => {
    const spec = passes[step.step].params;
    const out = { ...step };
    for (const [key, f] of Object.entries(cut)) {
      const p = spec[key];
      if (p?.type === 'number') out[key] = f(p.min);
    }
    return out;
  });
}

/** clustered and huffman are one storage; dense-f32 / dense-int8 are no storage. */
const family = (format: string) => (format.startsWith('huffman') || format.startsWith('clustered') ? 'clustered' : format.split('-')[0]);

describe('every preset deploys what its steps reported', () => {
  for (const name of Object.keys(presets)) {
    it(`${name}: flash weight bytes = the recipe's, per layer; no step's storage silently dropped (int8 and float)`, async () => {
      const recipeFile = join(dir, `${name}.json`);
      writeFileSync(recipeFile, JSON.stringify(shortened(name)));
      for (const quantize of ['int8', 'none']) {
        const p = await prepareModel({ modelPath: model, quantize, compress: recipeFile, dataset: 'mnist', calibrationSamples: 20 });
        const c = p.compression;
        const gen = generateModel(p.graph); // reference kernels (micro:bit, mps2-an385 …)
        expect(gen.weightBytes, `${name} ${quantize}`).toBe(c.compressed_bytes);
        expect(deployedLayers(p.graph, gen.weightArrays)).toEqual(c.layers);
        if (c.steps.length) {
          const last = c.steps.at(-1)!;
          expect(last.bytes_after).toBe(c.compressed_bytes);
          expect(last.layers.reduce((s, l) => s + l.bytes_after, 0)).toBe(c.compressed_bytes);
        }
        const deployed = new Map(c.layers.map((l) => [l.node, l.format]));
        c.steps.forEach((step, i) => {
          for (const row of step.layers) {
            const stored = family(String(row.format));
            if (stored === 'dense' || row.format === 'removed') continue;
            const now = deployed.get(row.node)!;
            const halfToInt8 =
              stored === 'f16' &&
              now === 'dense-int8' &&
              c.steps.slice(i + 1).some((s) => s.notes.some((n) => n.includes(`half storage of`)));
            if (!halfToInt8)
              expect(family(now), `${name} ${quantize}: "${row.node}" stored ${row.format} by ${step.name}, deployed ${now}`).toBe(stored);
          }
        });
        // A DSP board re-lays plain int8 rows; that layout is the only difference, and it is reported as such.
        const dsp = generateModel(p.graph, { board: { kernels: 'cortex-m-dsp' } });
        expect(dsp.weightBytes - dsp.weightArrays.reduce((s, a) => s + a.layoutBytes, 0)).toBe(c.compressed_bytes);
      }
    });
  }
});
