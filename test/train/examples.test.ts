// The committed example models reach their stated accuracy on the full MNIST test set, and their READMEs say so.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { importOnnx } from '../../src/import/onnx.ts';
import { loadDataset } from '../../src/data/load-dataset.ts';
import { graphStats } from '../../src/ir/stats.ts';
import { evaluate } from '../../src/train/evaluate.ts';

const EXAMPLES = [
  { name: 'mnist-lenet300', minTop1: 0.98, params: 266_610 },
  { name: 'mnist-cnn', minTop1: 0.988, params: undefined },
];

describe('example models', () => {
  for (const ex of EXAMPLES) {
    it(`${ex.name}: top-1 on 10k test images ≥ ${ex.minTop1 * 100}% and matches its README`, async () => {
      const path = `examples/${ex.name}/model.onnx`;
      const g = importOnnx(new Uint8Array(readFileSync(path)), path);
      expect(g.metadata.preprocess).toEqual({ scale: 1 / 255, mean: [0], std: [1] });
      const test = await loadDataset('mnist', { split: 'test' });
      const ev = await evaluate(g, test);
      expect(ev.samples).toBe(10000);
      expect(ev.top1).toBeGreaterThanOrEqual(ex.minTop1);
      const readme = readFileSync(`examples/${ex.name}/README.md`, 'utf8');
      expect(readme).toContain(`**${(ev.top1 * 100).toFixed(2)}%** (${ev.correct} correct)`);
      const stats = graphStats(g);
      if (ex.params !== undefined) expect(stats.totals.params).toBe(ex.params);
      expect(readme).toContain(`| parameters | ${stats.totals.params.toLocaleString('en-US')} |`);
    });
  }
});
