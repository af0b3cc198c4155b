// Test helper: generate C for a graph, compile it with the host gcc under ASan/UBSan, run it on inputs and read the outputs back.
// Also compiles the same sources for Cortex-M4 (warnings are errors there too).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Graph, TensorData } from '../../src/ir/graph.ts';
import { generateModel, type GeneratedModel, type GenerateOptions } from '../../src/codegen/generate.ts';

const HARNESS = fileURLToPath(new URL('./host-harness.c', import.meta.url));
export const HOST_FLAGS = [
  '-std=c99',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-Wvla',
  '-O1',
  '-fsanitize=address,undefined',
  '-fno-sanitize-recover=all',
];
export const M4_FLAGS = [
  '-mcpu=cortex-m4',
  '-mthumb',
  '-mfloat-abi=hard',
  '-mfpu=fpv4-sp-d16',
  '-ffreestanding',
  '-ffunction-sections',
  '-fdata-sections',
  '-std=c99',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-Wvla',
  '-O2',
];

export function writeGenerated(dir: string, gen: GeneratedModel): void {
  for (const [rel, text] of Object.entries(gen.files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

// Kernel and harness objects are identical across test cases; caching them by content keeps each case to one compile.
const OBJ_CACHE = join(tmpdir(), 'tfg-codegen-objcache');

/** Compiles one C file with gcc `flags` to an object, reusing a cached object when the file and its headers are unchanged. */
function compileCached(src: string, includeDirs: string[], headers: string[], flags: string[], compiler = 'gcc'): string {
  const h = createHash('sha256').update(compiler).update(flags.join(' ')).update(readFileSync(src));
  for (const hd of headers) h.update(readFileSync(hd));
  const obj = join(OBJ_CACHE, `${h.digest('hex').slice(0, 24)}.o`);
  if (!existsSync(obj)) {
    mkdirSync(OBJ_CACHE, { recursive: true });
    const tmp = `${obj}.${process.pid}.tmp`;
    execFileSync(compiler, [...flags, ...includeDirs.flatMap((d) => ['-I', d]), '-c', src, '-o', tmp], { stdio: 'pipe' });
    renameSync(tmp, obj);
  }
  return obj;
}

export interface HostRun {
  gen: GeneratedModel;
  outputs: Uint8Array[];
  /** Per-layer outputs of the first inference (layer index → bytes), when asked. */
  layers?: Map<number, Uint8Array>;
}

const bytesOf = (d: TensorData): Uint8Array => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** Generates, compiles (host gcc + sanitizers) and runs `g` on every input; returns raw output bytes per input. */
export function runOnHost(g: Graph, inputs: TensorData[], opts: GenerateOptions & { layers?: boolean; keep?: boolean } = {}): HostRun {
  const dir = mkdtempSync(join(tmpdir(), 'tfg-host-'));
  try {
    const gen = generateModel(g, opts);
    writeGenerated(dir, gen);
    const exe = join(dir, 'model');
    const inc = [dir, join(dir, 'tfg/include')];
    const headers = Object.keys(gen.files)
      .filter((f) => f.startsWith('tfg/include/'))
      .sort()
      .map((f) => join(dir, f));
    // model.c changes every case; kernels, support code and the harness (which only needs model.h's sizes) are cached.
    const objs = gen.sources.map((s) => (s === 'model.c' ? join(dir, s) : compileCached(join(dir, s), inc, headers, HOST_FLAGS)));
    objs.push(compileCached(HARNESS, [], [], HOST_FLAGS));
    execFileSync('gcc', [...HOST_FLAGS, ...inc.flatMap((d) => ['-I', d]), ...objs, '-o', exe, '-lm'], { stdio: 'pipe' });
    const inBytes = Buffer.concat(inputs.map((d) => Buffer.from(bytesOf(d))));
    writeFileSync(join(dir, 'in.bin'), inBytes);
    const macro = (name: string) =>
      Number(/#define (\S+) (\d+)/.exec(gen.files['model.h'].split('\n').find((l) => l.startsWith(`#define ${name} `)) ?? '')?.[2]);
    const args = [
      join(dir, 'in.bin'),
      join(dir, 'out.bin'),
      String(macro('TFG_MODEL_INPUT_BYTES')),
      String(macro('TFG_MODEL_OUTPUT_BYTES')),
    ];
    if (opts.layers) args.push(join(dir, 'layers.bin'));
    execFileSync(exe, args, { stdio: 'pipe' });
    const out = readFileSync(join(dir, 'out.bin'));
    const size = out.length / inputs.length;
    const outputs = inputs.map((_, i) => new Uint8Array(out.subarray(i * size, (i + 1) * size)));
    let layers: Map<number, Uint8Array> | undefined;
    if (opts.layers) {
      layers = new Map();
      const buf = readFileSync(join(dir, 'layers.bin'));
      for (let p = 0; p < buf.length;) {
        const layer = buf.readInt32LE(p);
        const n = buf.readUInt32LE(p + 4);
        layers.set(layer, new Uint8Array(buf.subarray(p + 8, p + 8 + n)));
        p += 8 + n;
      }
    }
    return { gen, outputs, layers };
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** Compiles the generated sources (no link) with arm-none-eabi-gcc for Cortex-M4F; throws with gcc's message on any warning. */
export function compileForCortexM4(gen: GeneratedModel): void {
  const dir = mkdtempSync(join(tmpdir(), 'tfg-m4-'));
  try {
    writeGenerated(dir, gen);
    for (const s of gen.sources) {
      execFileSync(
        'arm-none-eabi-gcc',
        [...M4_FLAGS, '-I', dir, '-I', join(dir, 'tfg/include'), '-c', join(dir, s), '-o', join(dir, `${s.replace(/\//g, '_')}.o`)],
        { stdio: 'pipe' },
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Float comparison used for C vs the TS reference: |c − ref| ≤ atol + rtol·|ref|, default 1e-5 / 1e-5.
 *  The reference accumulates in float64, the C kernels in float32 in another order, hence not bit-exact. */
export function maxFloatViolation(
  c: Float32Array,
  ref: Float32Array,
  atol = 1e-5,
  rtol = 1e-5,
): { index: number; c: number; ref: number } | null {
  for (let i = 0; i < ref.length; i++) {
    if (!(Math.abs(c[i] - ref[i]) <= atol + rtol * Math.abs(ref[i]))) return { index: i, c: c[i], ref: ref[i] };
  }
  return null;
}
