// The GRU keyword model of examples/gru-kws, written as PyTorch exports nn.GRU (Transpose to steps first, the initial
// state an Expand of zeros, linear_before_reset=1, Y squeezed and transposed back, the last step gathered): the committed
// file is what model.ts writes, the float reference matches onnxruntime on the committed inputs, host C matches the
// reference, and the int8 deployment on QEMU mps2-an386 (the GRU on tfg_gru_s8_dsp) equals the reference byte for byte.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KWS_INPUT_DIMS, gruKwsModel, kwsSamples } from '../../examples/gru-kws/model.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel } from '../../src/import/onnx-proto-write.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

const SAMPLE = KWS_INPUT_DIMS.reduce((a, d) => a * d, 1);

describe('GRU keyword model (examples/gru-kws)', () => {
  const bytes = encodeModel(gruKwsModel(1));

  it('the committed model and inputs are what make-model.ts writes', () => {
    expect(Buffer.from(readFileSync('examples/gru-kws/model.onnx')).equals(Buffer.from(bytes))).toBe(true);
    const x = writeNpy(kwsSamples(12, 2).x, [12, ...KWS_INPUT_DIMS.slice(1)]);
    expect(Buffer.from(readFileSync('examples/gru-kws/inputs/x.npy')).equals(Buffer.from(x))).toBe(true);
  });

  it('imports as one GRU writing its last step, no initial-state constant; the float reference matches onnxruntime', async () => {
    const g = simplify(importOnnx(bytes, 'gru-kws.onnx'));
    const gru = g.nodes.find((n) => n.op === 'GRU')!;
    expect(gru.op === 'GRU' && gru.attrs.linearBeforeReset).toBe(true);
    expect(gru.inputs[4] ?? '').toBe(''); // the Expand of zeros folded and dropped: the kernel starts from zeros
    expect(gru.op === 'GRU' && gru.attrs.sequenceOutput).toBe(false); // only y[:, -1] is read: one step written
    const { x } = kwsSamples(3, 2);
    for (let i = 0; i < 3; i++) {
      const input = { dims: KWS_INPUT_DIMS, data: x.slice(i * SAMPLE, (i + 1) * SAMPLE) };
      const [ort] = await runOrt(bytes, { input });
      expect(compare(runIr(g, [input])[0], ort)).toBeUndefined();
    }
  });

  it('host C of the float model matches the reference', () => {
    const g = simplify(importOnnx(bytes, 'gru-kws.onnx'));
    const { x } = kwsSamples(2, 2);
    checkAgainstReference(g, { samples: 0, extra: [x.slice(0, SAMPLE), x.slice(SAMPLE)], expectKernels: { reference: ['tfg_gru_f32'] } });
  });

  it('int8 on QEMU mps2-an386: every output byte equals the reference interpreter', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tfg-gru-kws-')), 'an386');
    const args = ['deploy', 'examples/gru-kws/model.onnx', '--board', 'mps2-an386', '--dataset', 'examples/gru-kws/inputs'];
    const r = spawnSync('node', ['bin/tinyforge.js', ...args, '--samples', '4', '--out', out], { encoding: 'utf8', timeout: 300_000 });
    expect(r.stderr).not.toContain('error[');
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('float-fallback');
    expect(readFileSync(join(out, 'model.c'), 'utf8')).toContain('tfg_gru_s8_dsp(');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.model.quantization).toBe('int8');
    expect(report.accuracy).toMatchObject({ samples: 4, agreement: 1, agreement_kind: 'identical-bytes' });
    expect(report.latency.median).toBeGreaterThan(report.model.macs);
  });
});
