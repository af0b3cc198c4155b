// Every command of the README's tour, run through the real CLI (real compilers, real QEMU) in order, each asserting
// the figures of what it did — not only its exit code. Commands that train run at test scale: fewer samples, epochs,
// iterations and seeds, and the deep-compression preset's own steps with short fine-tuning; everything else is the
// README's command as written. The README's list and this file's must stay the same list.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { presets } from '../../src/compress/presets.ts';
import { readTensorProto } from '../../src/data/tensor-proto.ts';

const repo = join(import.meta.dirname, '..', '..');
const cwd = mkdtempSync(join(tmpdir(), 'tfg-tour-'));

/** The tour block of README.md: the arguments after `node bin/tinyforge.js`, comments dropped. */
function tourCommands(): string[] {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const block = readme.slice(readme.indexOf('<!-- tour:begin -->'), readme.indexOf('<!-- tour:end -->'));
  return block
    .split('\n')
    .filter((l) => l.startsWith('$ node bin/tinyforge.js '))
    .map((l) =>
      l
        .slice('$ node bin/tinyforge.js '.length)
        .replace(/\s+#.*$/, '')
        .trim(),
    );
}

/** The deep-compression preset's steps with short fine-tuning on a few thousand images: same pruning, clusters, code. */
const SMALL_DEEP_COMPRESSION = join(cwd, 'deep-compression-small.json');

/** Test-scale versions of the commands that train or stream many samples: argument → replacement. */
const SCALE: Record<string, Record<string, string>> = {
  '--samples': { 500: '40', 200: '20', 100: '20' },
  '--iterations': { 3: '1' },
  '--seeds': { 3: '1' },
  '--compress': { 'deep-compression': SMALL_DEEP_COMPRESSION },
  '--recipe': { 'deep-compression': SMALL_DEEP_COMPRESSION },
};
const EXTRA: Record<string, string[]> = {
  'eval examples/mnist-cnn/model.onnx --dataset mnist': ['--limit', '500'],
  defend: ['--samples', '512', '--epochs', '1', '--steps', '2', '--eval-samples', '0'],
  robustness: ['--query-samples', '2', '--queries', '10', '--steps', '2'],
  'experiment lottery': ['--epochs', '1', '--train-samples', '500', '--test-samples', '200'],
};

function scaled(command: string): string[] {
  const argv = command.split(/\s+/);
  const out = argv.map((a, i) => SCALE[argv[i - 1] ?? '']?.[a] ?? a);
  for (const [prefix, extra] of Object.entries(EXTRA)) if (command.startsWith(prefix)) out.push(...extra);
  return out;
}

interface Run {
  code: number | null;
  /** The command's --json output; each check reads its own command's shape. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- twenty commands' JSON shapes, each read by one check
  json: any;
  stderr: string;
}

function tinyforge(command: string): Run {
  const r = spawnSync(process.execPath, [join(repo, 'bin', 'tinyforge.js'), ...scaled(command), '--json'], {
    cwd,
    encoding: 'utf8',
    timeout: 900_000,
  });
  let json: unknown;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { code: r.status, json, stderr: r.stderr };
}

const out = (...p: string[]) => join(cwd, 'out', ...p);

/** What each tour command must have done. */
const CHECKS: Record<string, (r: Run) => void> = {
  boards: (r) => expect(r.json.map((b: { id: string }) => b.id)).toEqual(expect.arrayContaining(['mps2-an386', 'microbit', 'esp32'])),
  'inspect examples/mnist-lenet300/model.onnx': (r) => {
    expect(r.json.totals.params).toBe(266_610);
    expect(r.json.layers.filter((l: { op: string }) => l.op === 'Dense').map((l: { params: number }) => l.params)).toEqual([
      235_500, 30_100, 1_010,
    ]);
  },
  'eval examples/mnist-cnn/model.onnx --dataset mnist': (r) => {
    expect(r.json.samples).toBe(500);
    expect(r.json.reference_top1).toBeGreaterThan(0.97);
    expect(r.json.onnxruntime_top1).toBe(r.json.reference_top1);
  },
  'deploy examples/mnist-lenet300/model.onnx --board mps2-an386 --dataset mnist --samples 500 --profile-layers': (r) => {
    expect(r.json.accuracy).toMatchObject({ samples: 40, agreement: 1, agreement_kind: 'identical-bytes' });
    expect(r.json.latency.unit).toBe('instructions');
    expect(r.json.latency.per_layer.filter((l: { op: string }) => l.op === 'Dense')).toHaveLength(3);
  },
  'deploy examples/mlperf-tiny/kws01/models/kws_ref_model.tflite --board mps2-an386 --dataset examples/mlperf-tiny/kws01/samples --samples 200':
    (r) => {
      expect(r.json.accuracy).toMatchObject({ samples: 20, agreement: 1 });
      expect(r.json.accuracy.tflm_reference).toMatchObject({ samples: 20, identical: 20 });
    },
  'deploy examples/mlperf-tiny/vww01/models/vww_96_int8.tflite --board mps2-an386 --dataset synthetic --samples 3': (r) => {
    expect(r.json.accuracy).toMatchObject({ samples: 3, device_top1: null, agreement: 1 });
    expect(r.json.latency.median).toBeGreaterThan(1_000_000);
  },
  'deploy examples/gru-kws/model.onnx --board mps2-an386 --dataset examples/gru-kws/inputs --samples 8': (r) => {
    expect(r.json.accuracy).toMatchObject({ samples: 8, agreement: 1 });
    expect(r.json.compression.layers.some((l: { op: string }) => l.op === 'GRU')).toBe(true);
  },
  'deploy examples/gru-kws/model.onnx --board mps2-an386 --dataset examples/gru-kws/inputs --samples 8 --stream': (r) => {
    expect(r.json.accuracy).toMatchObject({ samples: 8, agreement: 1 });
    expect(r.json.latency.stream.steps).toBe(49);
    expect(r.json.latency.stream.step).toBeGreaterThan(0);
    expect(r.json.latency.stream.step * 49).toBeLessThan(r.json.latency.median * 1.01);
    expect(r.json.memory.state_bytes).toBe(48 * 4); // the float GRU's hidden state
  },
  'deploy examples/mlperf-tiny/kws01/models/kws_ref_model.tflite --board mps2-an385 --dataset examples/mlperf-tiny/kws01/samples --samples 100 --tune':
    (r) => {
      expect(r.json.accuracy).toMatchObject({ samples: 20, agreement: 1 });
      expect(r.stderr).toMatch(/tune: \d+ of 13 layers/);
    },
  'compile examples/mnist-cnn/model.onnx --board microbit --dataset mnist -o out/cnn': (r) => {
    expect(r.json.quantization).toBe('int8');
    expect(existsSync(out('cnn', 'model.c'))).toBe(true);
  },
  'flash out/cnn --board microbit': (r) => expect(r.json.hello.boardId).toBe('microbit'),
  'eval out/cnn --board microbit --dataset mnist --samples 100': (r) => {
    expect(r.json).toMatchObject({ board: 'microbit', samples: 20, agreement: 1 });
    expect(r.json.latency.unavailable).toBeDefined();
  },
  'compile examples/mnist-cnn/model.onnx --board esp32 --dataset mnist -o out/cnn-esp32': () => {
    expect(readFileSync(out('cnn-esp32', 'esp-idf', 'CMakeLists.txt'), 'utf8')).toContain('project(');
  },
  'compile examples/mlperf-tiny/kws01/models/kws_ref_model.tflite --board mps2-an386 --lib --name kws -o out/kws-lib': () => {
    expect(existsSync(out('kws-lib', 'CMakeLists.txt'))).toBe(true);
    expect(readFileSync(out('kws-lib', 'kws.h'), 'utf8')).toContain('int32_t kws_run(');
  },
  'compile examples/mnist-cnn/model.onnx --board mps2-an386 --dataset mnist --lib --format arduino --name digits -o out/digits-arduino':
    () => {
      expect(readFileSync(out('digits-arduino', 'library.properties'), 'utf8')).toMatch(/^name=/m);
      expect(readFileSync(out('digits-arduino', 'src', 'digits.h'), 'utf8')).toContain('int32_t digits_run(');
    },
  'run examples/mnist-cnn/model.onnx --board host --input input=examples/mnist-cnn/test_data_set_0/input_0.pb --output-dir out/run': () => {
    const want = readTensorProto(readFileSync(join(repo, 'examples/mnist-cnn/test_data_set_0/output_0.pb')));
    const got = readTensorProto(readFileSync(out('run', 'probs.pb')));
    expect(got.dims).toEqual(want.dims);
    got.data.forEach((v, i) => expect(Math.abs(Number(v) - Number(want.data[i]))).toBeLessThan(1e-5));
  },
  'deploy examples/mnist-lenet300/model.onnx --board microbit --compress deep-compression --dataset mnist --samples 500': (r) => {
    expect(r.json.compression.ratio).toBeGreaterThanOrEqual(40);
    expect(r.json.compression.layers.filter((l: { format: string }) => l.format === 'huffman-int8')).toHaveLength(3);
    expect(r.json.compression.steps.map((s: { name: string }) => s.name)).toEqual(['prune-weights', 'cluster', 'huffman', 'quantize-int8']);
    expect(r.json.accuracy).toMatchObject({ agreement: 1, agreement_kind: 'identical-bytes' });
    expect(r.json.memory.stack_bytes).toBeLessThanOrEqual(r.json.memory.stack_planned_bytes);
  },
  'compress examples/mnist-lenet300/model.onnx --recipe deep-compression -o out/lenet-dc.tfir.json': (r) => {
    expect(existsSync(out('lenet-dc.tfir.json'))).toBe(true);
    expect(r.json.steps.at(-1).bytes_after).toBe(r.json.compressed_bytes);
  },
  'deploy out/lenet-dc.tfir.json --board mps2-an385 --dataset mnist --samples 100 --profile-layers': (r) => {
    // The steps the file carries, then the int8 step this deploy adds; the float model it came from is found again.
    expect(r.json.compression.steps.map((s: { name: string }) => s.name)).toEqual(['prune-weights', 'cluster', 'huffman', 'quantize-int8']);
    expect(r.json.compression.ratio).toBeGreaterThanOrEqual(40);
    expect(r.json.accuracy.float_top1).toBeGreaterThan(0.9);
    expect(r.json.accuracy.agreement).toBe(1);
  },
  'recipes deep-compression': (r) =>
    expect(r.json.recipe.map((s: { step: string }) => s.step)).toEqual(['prune-weights', 'cluster', 'huffman']),
  'defend examples/mnist-cnn/model.onnx --attack pgd --eps 0.1 --iterations 3 --dataset mnist -o out/cnn-pgd.onnx': (r) => {
    expect(existsSync(out('cnn-pgd.onnx'))).toBe(true);
    expect(r.json.history).toHaveLength(1);
  },
  'robustness out/cnn-pgd.onnx --board mps2-an386 --dataset mnist --samples 200': (r) => {
    const where = new Set(r.json.attacks.map((a: { where: string }) => a.where));
    expect([...where].sort()).toEqual(['device', 'host']);
    for (const a of r.json.attacks) expect(a.robust_top1).toBeLessThanOrEqual(1);
  },
  'experiment lottery examples/mnist-lenet300/model.onnx --dataset mnist --seeds 3': (r) => {
    expect(r.json.seeds).toBe(1);
    expect(r.json.rows.length).toBeGreaterThanOrEqual(2);
  },
  'doctor --board mps2-an386': (r) => expect(r.json[0]).toMatchObject({ board: 'mps2-an386', ready: true }),
};

beforeAll(() => {
  symlinkSync(join(repo, 'examples'), join(cwd, 'examples'));
  mkdirSync(join(cwd, 'out'));
  const small = presets['deep-compression']!.map((s) => (s.step === 'huffman' ? s : { ...s, epochs: 1, samples: 2000, val_samples: 500 }));
  writeFileSync(SMALL_DEEP_COMPRESSION, JSON.stringify(small));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('the README tour', () => {
  it('lists exactly the commands this test runs, in the same order', () => {
    expect(tourCommands()).toEqual(Object.keys(CHECKS));
  });

  for (const command of Object.keys(CHECKS)) {
    it(command, { timeout: 900_000 }, () => {
      const r = tinyforge(command);
      expect(r.code, r.stderr.split('\n').slice(-15).join('\n')).toBe(0);
      CHECKS[command]!(r);
    });
  }
});
