// A sweep job is `tinyforge deploy` with the sweep's flags: the dataset flags a user's own data needs reach each job.
import { describe, expect, it } from 'vitest';
import { deployArgs, type SweepJob } from '../../src/sweep/job.ts';

const job: SweepJob = {
  id: 's-1',
  name: 'm/int8/mps2-an386',
  model: 'm',
  modelPath: 'm.onnx',
  recipe: 'int8',
  board: 'mps2-an386',
  dataset: 'data/speech',
  samples: 50,
  calibrationSamples: 200,
};

describe('deployArgs', () => {
  it('passes --dataset-encoding and --label-column only when the sweep was given them', () => {
    expect(deployArgs(job)).toEqual([
      'm.onnx',
      '--board',
      'mps2-an386',
      '--dataset',
      'data/speech',
      '--samples',
      '50',
      '--compress',
      'int8',
    ]);
    const args = deployArgs({ ...job, datasetEncoding: 'int8', labelColumn: 'y', calibrationSamples: 64 });
    expect(args.slice(9)).toEqual(['--calibration-samples', '64', '--dataset-encoding', 'int8', '--label-column', 'y']);
  });
});
