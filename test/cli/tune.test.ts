// deploy --tune and --kernels-from through the real CLI: each layer's kernel set measured on QEMU, the fastest exact one
// kept and recorded, and the recorded choice repeated byte for byte without measuring.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tfg-tune-'));
const MODEL = 'examples/mnist-cnn/model.onnx';

function cli(...args: string[]) {
  const r = spawnSync('node', ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tinyforge deploy --tune', () => {
  const tuned = join(dir, 'tuned');

  it('on the Cortex-M3: every layer takes its fastest exact kernel set, recorded in tinyforge.json', () => {
    const r = cli('deploy', MODEL, '--board', 'mps2-an385', '--dataset', 'mnist', '--samples', '8', '--tune', '--out', tuned, '--json');
    expect(r.stderr).not.toContain('error[');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/tune: \d+ of \d+ layers take another kernel than the board's/);
    const manifest = JSON.parse(readFileSync(join(tuned, 'tinyforge.json'), 'utf8'));
    const { nodes, layers, kernels } = manifest.tuning as {
      nodes: string[];
      layers: Record<string, (number | null)[]>;
      kernels: Record<string, (string | null)[]>;
    };
    // One build per kernel set, and more for the choices within a set: the first conv (one input channel) has the
    // few-channel, im2col and per-pixel DSP kernels and the few-channel and im2col MLA ones.
    expect(Object.keys(layers).sort()).toEqual([
      'cortex-m-dsp',
      'cortex-m-dsp #2',
      'cortex-m-dsp #3',
      'cortex-m-mla',
      'cortex-m-mla #2',
      'reference',
    ]);
    expect(kernels['cortex-m-dsp #2'][0]).toBe('tfg_conv2d_s8_im2col_dsp');
    expect(kernels['cortex-m-mla #2'][0]).toBe('tfg_conv2d_s8_im2col_mla');
    expect(kernels['cortex-m-mla'][0]).toBe('tfg_conv2d_s8_fewch_mla');
    let tunedTotal = 0;
    nodes.forEach((node: string, l: number) => {
      const chosen = manifest.layer_kernels?.[node] as { set: string; kernel?: string } | undefined;
      // The candidate build the choice came from: the board's own set (mps2-an385: MLA), another set's own kernels, or
      // the build that put this layer on the recorded kernel.
      const label = !chosen
        ? 'cortex-m-mla'
        : chosen.kernel === undefined
          ? chosen.set
          : Object.keys(layers).find((c) => c.startsWith(`${chosen.set} #`) && kernels[c][l] === chosen.kernel)!;
      tunedTotal += layers[label][l]!;
      const times = Object.values(layers)
        .map((t) => t[l])
        .filter((t) => t !== null);
      expect(layers[label][l], node).toBe(Math.min(...(times as number[])));
    });
    // The M3 has no DSP extension: its MLA kernels make the tuned build cheaper than the reference kernels throughout.
    const referenceTotal = (layers.reference as (number | null)[]).reduce<number>((a, t) => a + (t ?? 0), 0);
    expect(tunedTotal).toBeLessThan(referenceTotal);
    // The candidates are built unfused, so every conv is timed and checked on its own; the tuned build fuses them.
    nodes.forEach((node: string, l: number) => expect(layers['cortex-m-mla'][l], node).not.toBeNull());
    expect(Object.keys(manifest.fused ?? {}).length).toBeGreaterThan(0);
    const report = JSON.parse(r.stdout);
    expect(report.accuracy).toMatchObject({ agreement: 1, agreement_kind: 'identical-bytes' });
  }, 600_000); // four builds and QEMU runs: as long as the cli() timeout allows on a loaded machine

  it('--kernels-from repeats the recorded choice without measuring: the same model.c', () => {
    const again = join(dir, 'again');
    const r = cli('compile', MODEL, '--board', 'mps2-an385', '--dataset', 'mnist', '--kernels-from', tuned, '--out', again);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('tune:');
    expect(readFileSync(join(again, 'model.c'), 'utf8')).toBe(readFileSync(join(tuned, 'model.c'), 'utf8'));
    expect(JSON.parse(readFileSync(join(again, 'tinyforge.json'), 'utf8')).layer_kernels).toEqual(
      JSON.parse(readFileSync(join(tuned, 'tinyforge.json'), 'utf8')).layer_kernels,
    );
  });

  it('--kernels-from takes a kernel within a set, and the kernel-set names earlier versions recorded', () => {
    const manifest = JSON.parse(readFileSync(join(tuned, 'tinyforge.json'), 'utf8'));
    const first = manifest.tuning.nodes[0] as string;
    const within = join(dir, 'within.json');
    writeFileSync(within, JSON.stringify({ layer_kernels: { [first]: { set: 'cortex-m-mla', kernel: 'tfg_conv2d_s8_im2col_mla' } } }));
    const a = join(dir, 'within');
    expect(cli('compile', MODEL, '--board', 'mps2-an385', '--dataset', 'mnist', '--kernels-from', within, '--out', a).code).toBe(0);
    const kernelsA = JSON.parse(readFileSync(join(a, 'tinyforge.json'), 'utf8')).kernels as string[];
    expect(kernelsA).toContain('tfg_conv2d_s8_im2col_mla');
    expect(kernelsA).not.toContain('tfg_conv2d_s8_fewch_mla');
    const legacy = join(dir, 'legacy.json');
    writeFileSync(legacy, JSON.stringify({ layer_kernels: { [first]: 'reference' } }));
    const b = join(dir, 'legacy');
    expect(cli('compile', MODEL, '--board', 'mps2-an385', '--dataset', 'mnist', '--kernels-from', legacy, '--out', b).code).toBe(0);
    expect(JSON.parse(readFileSync(join(b, 'tinyforge.json'), 'utf8')).kernels).toContain('tfg_conv2d_s8');
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ layer_kernels: { [first]: { set: 'cortex-m-mla', kernel: 'tfg_conv2d_s8_1x1_dsp' } } }));
    const w = cli('compile', MODEL, '--board', 'mps2-an385', '--dataset', 'mnist', '--kernels-from', wrong, '--out', join(dir, 'w'));
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('error[bad-argument]');
    expect(w.stderr).toContain('tfg_conv2d_s8_fewch_mla, tfg_conv2d_s8_im2col_mla');
    const malformed = join(dir, 'malformed.json');
    writeFileSync(malformed, JSON.stringify({ layer_kernels: { [first]: { set: 'fastest' } } }));
    const m = cli('compile', MODEL, '--board', 'mps2-an385', '--dataset', 'mnist', '--kernels-from', malformed, '--out', join(dir, 'm'));
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('error[bad-manifest]');
  });

  it('refuses --tune with --kernels-from, a folder without a tuned choice, and choices for another model (exit 2)', () => {
    const both = cli(
      'compile',
      MODEL,
      '--board',
      'mps2-an385',
      '--dataset',
      'mnist',
      '--tune',
      '--kernels-from',
      tuned,
      '--out',
      join(dir, 'x'),
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('error[bad-argument]');
    const plain = join(dir, 'plain');
    expect(cli('compile', MODEL, '--board', 'mps2-an385', '--dataset', 'mnist', '--out', plain).code).toBe(0);
    const untuned = cli('compile', MODEL, '--board', 'mps2-an385', '--dataset', 'mnist', '--kernels-from', plain, '--out', join(dir, 'y'));
    expect(untuned.code).toBe(2);
    expect(untuned.stderr).toContain('error[bad-manifest]');
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ layer_kernels: { 'no such layer': 'cortex-m-dsp' } }));
    const wrong = cli('compile', MODEL, '--board', 'mps2-an385', '--dataset', 'mnist', '--kernels-from', other, '--out', join(dir, 'z'));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('error[bad-argument]');
    expect(wrong.stderr).toContain('no such layer');
  });
});
