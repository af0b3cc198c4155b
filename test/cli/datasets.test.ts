// The datasets users have, through the real CLI: MLPerf KWS samples on QEMU (device = reference = TFLM's outputs),
// image folders, x.npy + y.npy and CSV each calibrating int8 and evaluating the example CNN on QEMU, and the bad
// dataset inputs that used to hang or crash: each one error and exit 2 before any board starts.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../src/data/npy.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { mnistDigits, writeCsvDataset, writeImageFolder, writeNpyDataset } from '../data/dataset-fixtures.ts';

const KWS = 'examples/mlperf-tiny/kws01';
const KWS_MODEL = `${KWS}/models/kws_ref_model.tflite`;
const CNN = 'examples/mnist-cnn/model.onnx';
const dir = mkdtempSync(join(tmpdir(), 'tfg-cli-datasets-'));

function cli(...args: string[]) {
  const r = spawnSync('node', ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const report = (out: string) => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));

describe('--dataset in every command', () => {
  it('says which formats it accepts, next to --dataset-encoding and --label-column', () => {
    const all = buildProgram().commands.flatMap((c) => [c, ...c.commands]);
    const withData = all.filter((c) => c.options.some((o) => o.long === '--dataset'));
    expect(withData.map((c) => c.name()).sort()).toEqual(['compile', 'compress', 'defend', 'deploy', 'eval', 'lottery', 'robustness']);
    for (const c of withData) {
      let text = '';
      c.configureOutput({ writeOut: (t) => (text += t), writeErr: (t) => (text += t) });
      c.outputHelp();
      const flat = text.replace(/\s+/g, ' ');
      for (const part of [
        "'mnist'",
        'MLPerf Tiny folder',
        'class subfolders of PNG/JPEG images',
        'x.npy + y.npy',
        '.csv file',
        '--dataset-encoding',
        '--label-column',
      ]) {
        expect(flat, `${c.name()} --help`).toContain(part);
      }
    }
  });
});

describe('MLPerf KWS through --dataset <folder>', () => {
  it("200 samples on mps2-an386: top-1 ≥ 0.88, device = reference, and byte for byte TFLM's device outputs", () => {
    const out = join(dir, 'kws');
    const r = cli('deploy', KWS_MODEL, '--board', 'mps2-an386', '--dataset', `${KWS}/samples`, '--samples', '200', '-o', out);
    expect(r.stderr).not.toContain('error[');
    expect(r.code).toBe(0);
    const a = report(out).accuracy;
    expect(a.samples).toBe(200);
    expect(a.device_top1).toBeGreaterThanOrEqual(0.88);
    expect(a).toMatchObject({ agreement: 1, agreement_kind: 'identical-bytes' });
    expect(a.tflm_reference).toMatchObject({ samples: 200, identical: 200, same_top1: 200 });
    expect(r.stdout).toContain('200/200 identical bytes');
  }, 600_000);

  it('a folder not named kws01 needs --dataset-encoding, and with it gives the same figures', () => {
    const mine = join(dir, 'my-words');
    mkdirSync(mine);
    const lines = readFileSync(`${KWS}/samples/y_labels.csv`, 'utf8').trim().split('\n').slice(0, 40);
    for (const l of lines) copyFileSync(join(KWS, 'samples', l.split(',')[0]), join(mine, l.split(',')[0]));
    writeFileSync(join(mine, 'y_labels.csv'), lines.join('\n') + '\n');
    const without = cli('eval', KWS_MODEL, '--dataset', mine);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('--dataset-encoding');
    const mineEval = cli('eval', KWS_MODEL, '--dataset', mine, '--dataset-encoding', 'int8', '--json');
    const kwsEval = cli('eval', KWS_MODEL, '--dataset', `${KWS}/samples`, '--limit', '40', '--json');
    expect(mineEval.code).toBe(0);
    const [m, k] = [JSON.parse(mineEval.stdout), JSON.parse(kwsEval.stdout)];
    expect(m.samples).toBe(40);
    expect(m.reference_top1).toBe(k.reference_top1);
    expect(m.reference_top1).toBeGreaterThan(0.8);
    const bad = cli('eval', KWS_MODEL, '--dataset', mine, '--dataset-encoding', 'int4');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('int8, uint8, float32');
  });
});

describe('your own data: calibrate int8 and evaluate the example CNN on mps2-an386', () => {
  const root = join(dir, 'own');
  beforeAll(() => {
    // train/: 200 PNGs scaled to 36×36 (the loader resizes them); test/: 30 JPEGs at 28×28.
    writeImageFolder(join(root, 'images', 'train'), mnistDigits('train', 200), { format: 'png', size: 36 });
    writeImageFolder(join(root, 'images', 'test'), mnistDigits('test', 30), { format: 'jpeg' });
    writeNpyDataset(join(root, 'npy'), mnistDigits('test', 100));
    writeCsvDataset(join(root, 'digits.csv'), mnistDigits('test', 100));
  });

  const cases: [string, string[]][] = [
    ['image folder (train/ PNG, test/ JPEG)', ['images']],
    ['x.npy + y.npy', ['npy']],
    ['CSV with a named label column', ['digits.csv', '--label-column', 'digit']],
  ];
  for (const [name, [path, ...flags]] of cases) {
    it(
      name,
      () => {
        const out = join(dir, `own-${path}`);
        const r = cli(
          'deploy',
          CNN,
          '--board',
          'mps2-an386',
          '--dataset',
          join(root, path),
          ...flags,
          '--samples',
          '30',
          '--calibration-samples',
          '50',
          '-o',
          out,
        );
        expect(r.stderr).not.toContain('error[');
        expect(r.code).toBe(0);
        const rep = report(out);
        // Calibrated on this dataset: 50 samples taken from it by the int8 step.
        expect(rep.compression.steps.map((s: { name: string }) => s.name)).toEqual(['quantize-int8']);
        expect(rep.compression.steps[0].options.samples).toBe(50);
        expect(rep.compression.steps[0].notes[0]).toContain('calibrated on 50 samples');
        expect(rep.accuracy).toMatchObject({ samples: 30, agreement: 1, agreement_kind: 'identical-bytes' });
        expect(rep.accuracy.device_top1).toBeGreaterThanOrEqual(0.85);
        expect(rep.accuracy.float_top1).toBeGreaterThanOrEqual(0.85);
        if (path === 'images') {
          expect(rep.accuracy.classes).toEqual([
            '0-zero',
            '1-one',
            '2-two',
            '3-three',
            '4-four',
            '5-five',
            '6-six',
            '7-seven',
            '8-eight',
            '9-nine',
          ]);
          expect(r.stderr).toContain('note: classes (index: subfolder): 0: 0-zero, 1: 1-one');
          expect(r.stderr).toContain('200 of 200 images resized to 28×28');
        } else {
          // No train/ and test/: calibration used the test samples, and the report says so.
          expect(rep.accuracy.notes.join(' ')).toContain('not held out');
        }
      },
      300_000,
    );
  }
});

describe('bad dataset input: one error, exit 2, no board left running', () => {
  const bad = join(dir, 'bad');
  beforeAll(() => {
    mkdirSync(join(bad, 'empty'), { recursive: true });
    mkdirSync(join(bad, 'labels-dir', 'y_labels.csv'), { recursive: true });
    mkdirSync(join(bad, 'misshapen'));
    writeFileSync(join(bad, 'misshapen', 'x.npy'), writeNpy(new Uint8Array(2 * 784), [2, 14, 56]));
    writeFileSync(join(bad, 'misshapen', 'y.npy'), writeNpy(Int32Array.from([3, 4]), [2]));
  });

  const cases: [string, string[], string, RegExp][] = [
    ['--dataset nosuch', ['--dataset', 'nosuch'], 'unknown-dataset', /no dataset "nosuch"/],
    ['--samples abc', ['--dataset', 'mnist', '--samples', 'abc'], 'bad-argument', /--samples abc: must be a whole number/],
    ['--samples -3', ['--dataset', 'mnist', '--samples', '-3'], 'bad-argument', /--samples -3: must be a whole number/],
    ['--samples 0', ['--dataset', 'mnist', '--samples', '0'], 'bad-argument', /--samples 0: must be a whole number/],
    ['--calibration-samples 1.5', ['--dataset', 'mnist', '--calibration-samples', '1.5'], 'bad-argument', /--calibration-samples 1\.5/],
    ['an empty folder', ['--dataset', '@/empty'], 'bad-dataset', /empty is an empty folder/],
    ['y_labels.csv a folder', ['--dataset', '@/labels-dir', '--dataset-encoding', 'int8'], 'bad-dataset', /y_labels\.csv is a folder/],
    [
      'samples of the wrong shape',
      ['--dataset', '@/misshapen'],
      'sample-shape-mismatch',
      /misshapen\/x\.npy: each sample of shape \[14, 56\] \(784 values\) does not fit the model input "input" \[28, 28, 1\] \(784 values\)/,
    ],
  ];
  for (const [name, args, code, message] of cases) {
    it(name, () => {
      const r = cli('deploy', CNN, '--board', 'mps2-an386', ...args.map((a) => a.replace('@', bad)), '-o', join(dir, 'never'));
      expect(r.signal).toBeNull(); // exited by itself: no hang
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error[${code}]`);
      expect(r.stderr).toMatch(message);
      // Refused before compiling: nothing was built or started.
      expect(r.stderr).not.toContain('compiling');
    });
  }

  it('a model whose input MNIST does not fit names both shapes', () => {
    const r = cli('deploy', KWS_MODEL, '--board', 'mps2-an386', '--dataset', 'mnist', '-o', join(dir, 'never'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error[sample-shape-mismatch]: mnist: a sample of shape [28, 28, 1] (784 values) does not fit the model input "input_1" [49, 10, 1] (490 values)',
    );
  });
});
