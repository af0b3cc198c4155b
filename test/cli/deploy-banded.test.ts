// Banded chains through the real CLI on QEMU mps2-an386 with the shipped MLPerf Tiny VWW and IC models: their first
// layers run banded (tinyforge.json's `fused`; IC's through its residual Adds), the device's outputs are the reference
// interpreter's bytes, --debug-layers finds no mismatch, --profile-layers times each chain at its last layer, and
// --no-fuse gives the unbanded model with a larger arena and the same outputs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tfg-band-'));
const MODEL = 'examples/mlperf-tiny/vww01/models/vww_96_int8.tflite';
const IC = 'examples/mlperf-tiny/ic01/models/pretrainedResnet_quant.tflite';

function deploy(out: string, ...extra: string[]) {
  return deployModel(MODEL, out, ...extra);
}

function deployModel(model: string, out: string, ...extra: string[]) {
  const r = spawnSync(
    'node',
    [
      'bin/tinyforge.js',
      'deploy',
      model,
      '--board',
      'mps2-an386',
      '--dataset',
      'synthetic',
      '--samples',
      '1',
      '--out',
      out,
      '--json',
      ...extra,
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface PerLayer {
  node: string;
  macs: number;
  latency: number;
  fused_into?: string;
  fused_from?: string[];
}

describe('deploy VWW with banded chains', () => {
  it('bands its first layers with identical bytes and a smaller arena; --no-fuse turns it off', () => {
    const bandedDir = join(dir, 'banded');
    const r = deploy(bandedDir, '--debug-layers', '--profile-layers');
    expect(r.stderr).not.toContain('error[');
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(bandedDir, 'tinyforge.json'), 'utf8'));
    const g = JSON.parse(readFileSync(join(bandedDir, 'model.tfir.json'), 'utf8')) as { nodes: { name: string; op: string }[] };
    const names = g.nodes.map((n) => n.name);
    // L0 conv 3×3 s2, L1 depthwise, L2 pointwise run inside one later layer (the chain's last: L3, the depthwise s2,
    // or further on).
    const host = manifest.fused[names[0]] as string;
    const hostAt = names.indexOf(host);
    expect(hostAt).toBeGreaterThanOrEqual(3);
    for (const l of [0, 1, 2]) expect(manifest.fused[names[l]], `layer ${l}`).toBe(host);
    const banded = Object.keys(manifest.fused).length;
    expect(r.stderr).not.toContain('first mismatch');
    expect(r.stderr).toContain(`debug-layers: all ${g.nodes.length - banded} layer outputs equal the reference interpreter`);
    const report = JSON.parse(r.stdout);
    expect(report.accuracy).toMatchObject({ agreement: 1, agreement_kind: 'identical-bytes' });
    const perLayer = report.latency.per_layer as PerLayer[];
    const last = perLayer.find((l) => l.node === host)!;
    expect(last.fused_from).toEqual(names.slice(0, hostAt));
    for (const l of [0, 1, 2]) {
      expect(perLayer[l]).toMatchObject({ fused_into: host, macs: 0 });
      expect(last.latency).toBeGreaterThan(100 * perLayer[l].latency); // the chain's work is timed at its last layer
    }

    const plainDir = join(dir, 'unbanded');
    const u = deploy(plainDir, '--no-fuse');
    expect(u.code).toBe(0);
    const plain = JSON.parse(readFileSync(join(plainDir, 'tinyforge.json'), 'utf8'));
    expect(plain.fused).toBeUndefined();
    expect(manifest.arena_bytes).toBeLessThan(plain.arena_bytes);
    expect(JSON.parse(u.stdout).accuracy).toMatchObject({ agreement: 1, agreement_kind: 'identical-bytes' });
  }, 600_000);

  it('bands IC (ResNet-8) through its residual Adds with identical bytes and a smaller arena', () => {
    const out = join(dir, 'ic');
    const r = deployModel(IC, out, '--debug-layers');
    expect(r.stderr).not.toContain('error[');
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'tinyforge.json'), 'utf8'));
    const g = JSON.parse(readFileSync(join(out, 'model.tfir.json'), 'utf8')) as { nodes: { name: string; op: string }[] };
    // The first block's input (read by its first conv and its Add) and its Add (read by both convs of the stride-2
    // block) run banded.
    const adds = g.nodes.flatMap((n, i) => (n.op === 'Add' ? [i] : []));
    expect(manifest.fused[g.nodes[0].name]).toBeDefined();
    expect(manifest.fused[g.nodes[adds[0]].name]).toBeDefined();
    const banded = Object.keys(manifest.fused).length;
    expect(r.stderr).not.toContain('first mismatch');
    expect(r.stderr).toContain(`debug-layers: all ${g.nodes.length - banded} layer outputs equal the reference interpreter`);
    expect(JSON.parse(r.stdout).accuracy).toMatchObject({ agreement: 1, agreement_kind: 'identical-bytes' });
    const plain = join(dir, 'ic-unbanded');
    expect(deployModel(IC, plain, '--no-fuse').code).toBe(0);
    expect(manifest.arena_bytes).toBeLessThan(JSON.parse(readFileSync(join(plain, 'tinyforge.json'), 'utf8')).arena_bytes);
  }, 600_000);
});
