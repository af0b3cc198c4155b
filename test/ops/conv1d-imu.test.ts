// 1-D models as PyTorch exports them: rank-3 global pools (the AdaptiveAvgPool1d(1) exports), and the IMU CNN of
// examples/imu-cnn (Conv1d/BatchNorm1d/ReLU/MaxPool1d, AdaptiveAvgPool1d(1), Flatten, Linear): float reference =
// onnxruntime, host C = reference, int8 on QEMU mps2-an386 = reference byte for byte.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { IMU_INPUT_DIMS, imuCnnModel, imuWindows } from '../../examples/imu-cnn/model.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

const WINDOW = IMU_INPUT_DIMS.reduce((a, d) => a * d, 1);

function windowsOf(n: number) {
  const { x } = imuWindows(n, 7);
  return Array.from({ length: n }, (_, i) => ({ dims: IMU_INPUT_DIMS, data: x.slice(i * WINDOW, (i + 1) * WINDOW) }));
}

describe('1-D global pools on [N, C, L]', () => {
  for (const op of ['GlobalAveragePool', 'GlobalMaxPool']) {
    it(`${op} imports (it used to be refused as "rank 3") and matches onnxruntime`, async () => {
      const bytes = encodeModel(
        makeModel({ nodes: [node(op, ['x'], ['y'])], inputs: [valueInfo('x', [1, 5, 12])], outputs: [valueInfo('y', [1, 5, 1])] }),
      );
      const g = importOnnx(bytes, `${op}.onnx`);
      const x = { dims: [1, 5, 12], data: randF32(rng(2), 60, -2, 2) };
      const [ort] = await runOrt(bytes, { x });
      expect(compare(runIr(g, [x])[0], ort)).toBeUndefined();
    });
  }

  it('a rank-5 input gets a message that names the ranks it takes', () => {
    const bytes = encodeModel(
      makeModel({
        nodes: [node('GlobalAveragePool', ['x'], ['y'])],
        inputs: [valueInfo('x', [1, 2, 3, 4, 5])],
        outputs: [valueInfo('y', [1, 2, 1, 1, 1])],
      }),
    );
    let notes: string[] = [];
    try {
      importOnnx(bytes, 'gap5.onnx');
    } catch (e) {
      notes = (e as TinyforgeError).diagnostic.notes ?? [];
    }
    expect(notes.join('\n')).toMatch(/takes an \[N,C,L\] or \[N,C,H,W\] input; this input is \[1,2,3,4,5\] \(rank 5\)/);
  });
});

describe('IMU 1-D CNN (examples/imu-cnn)', () => {
  for (const pooling of ['global-average-pool', 'reduce-mean'] as const) {
    it(`imports with AdaptiveAvgPool1d(1) exported as ${pooling}; the float reference matches onnxruntime`, async () => {
      const bytes = encodeModel(imuCnnModel(1, pooling));
      const g = simplify(importOnnx(bytes, 'imu.onnx'));
      // BatchNorm folded into the convolutions, ReLU fused: three convolutions, two pools, one global mean, one Dense.
      expect(g.nodes.filter((n) => n.op === 'Conv2D')).toHaveLength(3);
      expect(g.nodes.filter((n) => n.op === 'BatchNormalization' || n.op === 'Relu')).toHaveLength(0);
      for (const x of windowsOf(3)) {
        const [ort] = await runOrt(bytes, { input: x });
        expect(compare(runIr(g, [x])[0], ort)).toBeUndefined();
      }
    });
  }

  it('host C of the float model matches the reference', () => {
    const g = simplify(importOnnx(encodeModel(imuCnnModel(1)), 'imu.onnx'));
    checkAgainstReference(g, { samples: 0, extra: windowsOf(2).map((w) => w.data) });
  });

  it('int8 on QEMU mps2-an386: every output byte equals the reference interpreter, memory and instructions reported', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tfg-imu-')), 'an386');
    const args = ['deploy', 'examples/imu-cnn/model.onnx', '--board', 'mps2-an386', '--dataset', 'examples/imu-cnn/windows'];
    const r = spawnSync('node', ['bin/tinyforge.js', ...args, '--samples', '6', '--out', out], { encoding: 'utf8', timeout: 300_000 });
    expect(r.stderr).not.toContain('error[');
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.model.quantization).toBe('int8');
    expect(report.accuracy).toMatchObject({ samples: 6, agreement: 1, agreement_kind: 'identical-bytes' });
    expect(report.latency.unit).toBe('instructions');
    expect(report.latency.median).toBeGreaterThan(report.model.macs);
    expect(report.memory.arena_bytes).toBeGreaterThan(0);
    expect(report.memory.flash_bytes).toBeGreaterThan(report.model.params);
  });
});
