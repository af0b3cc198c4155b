// --stream through the real CLI: `deploy --stream` of examples/gru-kws on QEMU mps2-an386 runs every sequence as
// reset + 49 steps with device = reference byte for byte, and reports the state and one step's instructions; `compile
// --lib --stream --name kws` writes kws_reset/kws_step into the header; a model without the streaming form stops with
// exit 2 before writing anything.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tfg-stream-cli-'));

function cli(...args: string[]) {
  const r = spawnSync('node', ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const KWS = ['examples/gru-kws/model.onnx', '--board', 'mps2-an386', '--dataset', 'examples/gru-kws/inputs'];

describe('--stream', () => {
  it('deploy --stream of gru-kws on mps2-an386: device = reference, state and per-step instructions reported', () => {
    const out = join(dir, 'kws');
    const r = cli('deploy', ...KWS, '--samples', '4', '--stream', '-o', out, '--json');
    expect(r.stderr).not.toContain('error[');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.accuracy).toMatchObject({ samples: 4, agreement: 1, agreement_kind: 'identical-bytes' });
    expect(report.memory.state_bytes).toBe(48 * 4);
    const manifest = JSON.parse(readFileSync(join(out, 'tinyforge.json'), 'utf8'));
    expect(manifest.stream).toEqual({ steps: 49, step_input_bytes: 10, state_bytes: 192 });
    expect(manifest.kernels).toContain('tfg_gru_f32_step');
    const { steps, step } = report.latency.stream;
    expect(steps).toBe(49);
    // One sequence is a reset and 49 steps of the same work: the last step's count × 49 is the sequence's within 2%.
    expect(Math.abs(report.latency.median - steps * step) / report.latency.median).toBeLessThan(0.02);
    expect(readFileSync(join(out, 'model.c'), 'utf8')).toContain('static uint8_t tfg_model_state[TFG_MODEL_STATE_BYTES]');
  });

  it('compile --lib --stream --name kws: the header declares kws_reset and kws_step with the frame size', () => {
    const out = join(dir, 'kws-lib');
    const r = cli('compile', ...KWS, '--lib', '--stream', '--name', 'kws', '-o', out);
    expect(r.stderr).not.toContain('error[');
    expect(r.code).toBe(0);
    const header = readFileSync(join(out, 'kws.h'), 'utf8');
    expect(header).toContain('void kws_reset(void);');
    expect(header).toContain('int32_t kws_step(const void *input, void *output);');
    expect(header).toContain('#define KWS_STEP_INPUT_BYTES 10u');
  });

  it('a model without a recurrent layer: exit 2, stream-not-possible, nothing written', () => {
    const out = join(dir, 'cnn');
    const r = cli('compile', 'examples/mnist-cnn/model.onnx', '--board', 'mps2-an386', '--quantize', 'none', '--stream', '-o', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[stream-not-possible]');
    expect(r.stderr).toContain('no GRU or LSTM layer');
    expect(existsSync(out)).toBe(false);
  });

  it('--help of compile and deploy shows a --stream example', () => {
    for (const cmd of ['compile', 'deploy'])
      expect(cli(cmd, '--help').stdout).toMatch(/\$ tinyforge \S+ examples\/gru-kws\/model\.onnx .*--stream/);
  });
});
