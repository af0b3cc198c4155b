// Deep compression through the real CLI (spawned) onto real QEMU: a small prune → cluster → Huffman recipe on
// LeNet-300-100 deploys to the micro:bit as int8 Huffman layers, the device equals the reference byte for byte, and
// report.json describes what is in flash. `compress` prints the figures deploy measures, and a .tfir.json written by
// it carries its steps and the float model it came from into a later deploy.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-dc-cli-'));
const MODEL = 'examples/mnist-lenet300/model.onnx';
const recipe = join(dir, 'dc-small.json');
const FLOAT32_BYTES = 266_610 * 4;

function cli(...args: string[]) {
  const r = spawnSync('node', ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 400_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Deep Compression's three stages with a token amount of fine-tuning: the deployed storage is the point, not accuracy.
beforeAll(() =>
  writeFileSync(
    recipe,
    JSON.stringify([
      { step: 'prune-weights', sparsity: 0.9, scope: 'global', skip_below: 100, steps: 2, epochs: 0.2, samples: 3000, val_samples: 500 },
      { step: 'cluster', bits: 5, epochs: 0.2, samples: 2000, val_samples: 500 },
      { step: 'huffman', half: true },
    ]),
  ),
);

const readReport = (out: string): Report => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
const stepFigures = (steps: { name: string; [k: string]: unknown }[]) => steps.map((s) => [s.name, s.bytes_before, s.bytes_after]);

describe('deep compression, int8, on the micro:bit', () => {
  let direct: Report;

  it('deploy --compress <recipe>: fits, int8 Huffman layers, device = reference, ratio = float32 bytes / bytes in flash', () => {
    const out = join(dir, 'microbit');
    const r = cli(
      'deploy',
      MODEL,
      '--board',
      'microbit',
      '--compress',
      recipe,
      '--dataset',
      'mnist',
      '--samples',
      '30',
      '--out',
      out,
      '--json',
    );
    expect(r.stderr).not.toContain('error[');
    expect(r.code).toBe(0);
    direct = readReport(out);
    const c = direct.compression;
    expect(c.steps.map((s) => s.name)).toEqual(['prune-weights', 'cluster', 'huffman', 'quantize-int8']);
    expect(c.layers!.map((l) => l.format)).toEqual(['huffman-int8', 'huffman-int8', 'huffman-int8']);
    expect(c.layers!.reduce((s, l) => s + l.bytes, 0)).toBe(c.compressed_bytes);
    expect(c.steps.at(-1)!.bytes_after).toBe(c.compressed_bytes); // what the recipe reported = what is in flash
    expect(c.original_bytes).toBe(FLOAT32_BYTES);
    expect(c.ratio).toBeCloseTo(FLOAT32_BYTES / c.compressed_bytes, 2);
    expect(c.ratio).toBeGreaterThan(30);
    expect([c.params_before, c.macs_before, c.bytes_before]).toEqual([266_610, 266_200, FLOAT32_BYTES]);
    expect(direct.model).toMatchObject({ params: 266_610, macs: 266_200, quantization: 'int8' });
    expect(direct.model.kept_weights).toBeLessThan(0.11 * 266_610);
    expect(direct.memory.flash_bytes).toBeLessThan(256 * 1024);
    expect(direct.accuracy).toMatchObject({ samples: 30, agreement: 1, agreement_kind: 'identical-bytes' });
    expect(direct.accuracy.device_top1).toBe(direct.accuracy.reference_top1);
    expect(direct.accuracy.float_top1).toBeGreaterThan(0.9); // the original float model's, not the compressed one's
    expect(readFileSync(join(out, 'model.c'), 'utf8')).toMatch(/tfg_dense_s8_huff\(/);
  });

  it('compress prints the step and total figures deploy measured; its .tfir.json deploys with the same steps and float model', () => {
    const tfir = join(dir, 'lenet-dc.tfir.json');
    const c = cli('compress', MODEL, '--recipe', recipe, '-o', tfir, '--json');
    expect(c.code).toBe(0);
    const printed = JSON.parse(c.stdout);
    expect(stepFigures(printed.steps)).toEqual(stepFigures(direct.compression.steps.slice(0, 3)));
    // Deployed as compressed (--quantize none): the total compress printed is what is in flash.
    const host = cli(
      'deploy',
      tfir,
      '--board',
      'host',
      '--quantize',
      'none',
      '--dataset',
      'mnist',
      '--samples',
      '30',
      '--out',
      join(dir, 'host'),
    );
    expect(host.code).toBe(0);
    const asIs = readReport(join(dir, 'host'));
    expect(asIs.compression.compressed_bytes).toBe(printed.compressed_bytes);
    expect(asIs.compression.layers!.map((l) => l.format)).toEqual(['huffman-f16', 'huffman-f16', 'huffman-f16']);
    expect(asIs.model.quantization).toBe('float32');
    // Deployed with the default int8: the carried steps plus quantize-int8, the same bytes as deploy --compress.
    const out = join(dir, 'microbit-tfir');
    const r = cli('deploy', tfir, '--board', 'microbit', '--dataset', 'mnist', '--samples', '30', '--out', out);
    expect(r.code).toBe(0);
    const later = readReport(out);
    expect(stepFigures(later.compression.steps)).toEqual(stepFigures(direct.compression.steps));
    expect(later.compression.source).toBe(MODEL);
    expect(later.compression.params_before).toBe(266_610);
    expect(later.model.quantization).toBe('int8');
    expect(later.accuracy.float_top1).toBe(direct.accuracy.float_top1); // same samples, same original float model
    expect(r.stdout).toMatch(/weights in flash\s+[\d,]+ B \([\d.]+× smaller than float32\): huffman-int8 ×3/);
    expect(c.stderr).not.toContain('error[');
  });
});

describe('a recipe the int8 deploy would undo', () => {
  it('--compress fp16 under --quantize int8 is refused before anything runs, naming the flag that deploys it as half', () => {
    const out = join(dir, 'fp16');
    const r = cli('compile', MODEL, '--board', 'host', '--compress', 'fp16', '-o', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[bad-recipe]');
    expect(r.stderr).toContain('--quantize none');
    expect(existsSync(out)).toBe(false);
  });
});
