// The accuracy a pass reports is measured on samples no step trained on, and its note says which: the caller's
// validation data when it has some (the CLI's test split), else the end of the training data, labelled as weaker.
import { describe, expect, it } from 'vitest';
import { createLog } from '../../src/compress/pass.ts';
import { runPipeline, validateRecipe } from '../../src/compress/pipeline.ts';
import { heldOutNotes } from '../../src/report/held-out.ts';
import { sliceDataset, splitData } from '../../src/compress/prune-finetune.ts';
import { pruneWeights } from '../../src/compress/prune-weights.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { evaluate } from '../../src/train/evaluate.ts';
import { mlp, mnistSlice, trained } from './prune-fixtures.ts';

/** The (raw pixel) images a dataset view returns, as strings, to compare which samples two views hold. */
const images = (ds: Dataset) => new Set(Array.from({ length: ds.size }, (_, i) => ds.get(i).x.join(',')));

describe('held-out accuracy', () => {
  it('with validation data: trains on the first samples of the dataset, measures on the end of the validation data', async () => {
    const train = await mnistSlice(300);
    const test = await mnistSlice(200, 'test');
    const s = splitData(train, 250, 50, test);
    expect(s.train.size).toBe(250);
    expect(s.val!.size).toBe(50);
    expect(s.val!.get(0).x).toEqual(test.get(150).x);
    expect(s.valLabel).toBe('on 50 mnist-test samples [150, 200), which no step trains on');
    // Without validation data the end of the dataset is held out, and the label warns that the model may know it.
    const f = splitData(train, 300, 50);
    expect(f.train.size).toBe(250);
    const seen = images(f.train);
    expect([...images(f.val!)].some((x) => seen.has(x))).toBe(false);
    expect(f.valLabel).toMatch(
      /^on 50 mnist-train samples \[250, 300\) held out from fine-tuning \(the input model may have trained on them\)$/,
    );
  });

  it('a pass reports the accuracy of its input and output on the validation data, and says so', async () => {
    const train = await mnistSlice(1200);
    const test = await mnistSlice(400, 'test');
    const base = await trained(mlp(5, 32, 16), train, 2);
    const params = validateRecipe([{ step: 'prune-weights', sparsity: 0.5, steps: 1, epochs: 1, samples: 1200, val_samples: 300 }])[0]!;
    const { ir, report } = await pruneWeights.run(base, { params, data: { dataset: train, validation: test } }, createLog());
    const val = sliceDataset(test, 100, 300);
    const r = report as typeof report & { accuracy_before: number; accuracy_after: number };
    // Exactly the figures of the input and output models on test[100, 400), not on any training image.
    expect(r.accuracy_before).toBe((await evaluate(base, val)).top1);
    expect(r.accuracy_after).toBe((await evaluate(ir, val)).top1);
    expect((await evaluate(base, train)).top1).not.toBe(r.accuracy_before);
    expect(report.notes.join('\n')).toContain('on 300 mnist-test samples [100, 400), which no step trains on');
  }, 60_000);
});

describe('figures on samples a step validated on', () => {
  it('the pipeline records the validation range of each step that checked accuracy, and later figures on it say so', async () => {
    const train = await mnistSlice(600);
    const test = await mnistSlice(200, 'test');
    const base = await trained(mlp(5, 16, 8), train, 1);
    const recipe = [
      { step: 'prune-weights', sparsity: 0.5, steps: 1, epochs: 1, samples: 600, val_samples: 80 },
      { step: 'quantize-int8' },
    ];
    const calibration = [{ [base.inputs[0]]: new Float32Array(784) }];
    const { compression } = await runPipeline(base, recipe, { data: { dataset: train, validation: test, calibration } });
    expect(compression.steps[0].held_out).toEqual({ dataset: 'mnist-test', start: 120, end: 200 });
    expect(compression.steps[1].held_out).toBeUndefined(); // quantize-int8 checks nothing on the validation data
    expect(heldOutNotes(compression.steps, 'mnist-test', 120)).toEqual([]);
    const [note] = heldOutNotes(compression.steps, 'mnist-test', 150);
    expect(note).toContain('test samples [120, 150) are among those the prune-weights step checked its accuracy on');
    expect(heldOutNotes(compression.steps, 'other-test', 200)).toEqual([]);
  }, 60_000);
});
