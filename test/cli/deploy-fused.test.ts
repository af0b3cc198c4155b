// Conv + max pool fusion through the real CLI on QEMU mps2-an386: --debug-layers finds no mismatch in a fused model
// (the fused convs are named as such, not compared), --profile-layers and tinyforge.json say which conv went into
// which pool, and --no-fuse gives the unfused model with a larger arena and the same device outputs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tfg-fuse-'));
const MODEL = 'examples/mnist-cnn/model.onnx';

function deploy(out: string, ...extra: string[]) {
  const r = spawnSync(
    'node',
    [
      'bin/tinyforge.js',
      'deploy',
      MODEL,
      '--board',
      'mps2-an386',
      '--dataset',
      'mnist',
      '--samples',
      '4',
      '--out',
      out,
      '--json',
      ...extra,
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('deploy with conv + max pool fusion', () => {
  it('--debug-layers reports no mismatch, and the fusion shows in tinyforge.json and per_layer; --no-fuse turns it off', () => {
    const fusedDir = join(dir, 'fused');
    const r = deploy(fusedDir, '--debug-layers', '--profile-layers');
    expect(r.stderr).not.toContain('error[');
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(fusedDir, 'tinyforge.json'), 'utf8'));
    const g = JSON.parse(readFileSync(join(fusedDir, 'model.tfir.json'), 'utf8')) as { nodes: { name: string; op: string }[] };
    const convs = g.nodes.filter((n) => n.op === 'Conv2D').map((n) => n.name);
    const pools = g.nodes.filter((n) => n.op === 'MaxPool').map((n) => n.name);
    expect(manifest.fused).toEqual(Object.fromEntries(convs.map((c, i) => [c, pools[i]])));
    expect(r.stderr).not.toContain('first mismatch');
    expect(r.stderr).toContain(`debug-layers: all ${g.nodes.length - convs.length} layer outputs equal the reference interpreter`);
    expect(r.stderr).toContain(`"${convs[0]}" into "${pools[0]}"`);
    const report = JSON.parse(r.stdout);
    expect(report.accuracy).toMatchObject({ agreement: 1, agreement_kind: 'identical-bytes' });
    const perLayer = report.latency.per_layer as {
      node: string;
      macs: number;
      latency: number;
      fused_into?: string;
      fused_from?: string[];
    }[];
    for (const [i, conv] of convs.entries()) {
      const c = perLayer.find((l) => l.node === conv)!;
      const p = perLayer.find((l) => l.node === pools[i])!;
      expect(c).toMatchObject({ fused_into: pools[i], macs: 0 });
      expect(p.fused_from).toEqual([conv]);
      expect(p.latency).toBeGreaterThan(10 * c.latency); // the conv's work is timed in its pool's layer
    }

    const plainDir = join(dir, 'unfused');
    const u = deploy(plainDir, '--no-fuse', '--debug-layers');
    expect(u.code).toBe(0);
    const plain = JSON.parse(readFileSync(join(plainDir, 'tinyforge.json'), 'utf8'));
    expect(plain.fused).toBeUndefined();
    expect(u.stderr).toContain(`debug-layers: all ${g.nodes.length} layer outputs equal the reference interpreter`);
    expect(manifest.arena_bytes).toBeLessThan(plain.arena_bytes);
    expect(JSON.parse(u.stdout).accuracy).toMatchObject({ agreement: 1, device_top1: report.accuracy.device_top1 });
  }, 600_000);
});
