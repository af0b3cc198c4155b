// Two models in one firmware: a conv model generated with --name a and a dense model with --name b, linked into one
// program (test/codegen/two-models-app) through CMake and through their Make fragments on the host, and for
// mps2-an386 with arm-none-eabi-gcc on QEMU. Both outputs equal the reference bytes, in their default arenas and in
// one shared arena run in turn; a too small or misaligned arena gets its error code; no symbol leaks.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { mnistCnn } from '../../examples/models.ts';
import { generateModel } from '../../src/codegen/generate.ts';
import { calibrate } from '../../src/compress/calibrate.ts';
import { quantizeGraphInt8 } from '../../src/compress/quantize-int8.ts';
import { dequantizeValue, quantizeValue } from '../../src/ir/quantization.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { TOOL_VERSION } from '../../src/package.ts';
import { randomInputs } from '../firmware/kernel-check.ts';
import { int8Mlp, randF32, rng } from './graphs.ts';
import { writeGenerated } from './host-run.ts';
import type { Graph, TensorData } from '../../src/ir/graph.ts';

const APP = fileURLToPath(new URL('./two-models-app/', import.meta.url));
const QEMU_DIR = fileURLToPath(new URL('../firmware/qemu/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tfg-two-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// a: the MNIST CNN after PTQ (int8 conv, max-pool, dense, softmax); b: an int8 MLP (dense, softmax): dense and softmax
// are in both, so the shared kernel library must hold one copy of each.
const float = mnistCnn(1);
const ga = quantizeGraphInt8(
  float,
  calibrate(
    float,
    Array.from({ length: 8 }, (_, i) => ({ [float.inputs[0]]: randF32(rng(100 + i), 784, 0, 1) })),
  ),
).graph;
const gb = int8Mlp([64, 24, 10], 9);
const genA = generateModel(ga, { lib: true, name: 'a' });
const genB = generateModel(gb, { lib: true, name: 'b' });
const dirA = join(work, 'a');
const dirB = join(work, 'b');
writeGenerated(dirA, genA);
writeGenerated(dirB, genB);

const SAMPLES = 3;
const bytes = (xs: TensorData[]) => Buffer.concat(xs.map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength)));
function reference(g: Graph, xs: TensorData[]): Buffer {
  const once = bytes(xs.map((x) => runGraph(g, { [g.inputs[0]]: x }).outputs[g.outputs[0]]));
  return Buffer.concat([once, once]); // the program runs every input twice: default arenas, then the shared one
}
const inA = randomInputs(ga, SAMPLES, 5);
const inB = randomInputs(gb, SAMPLES, 6);
const expectedA = reference(ga, inA);
const expectedB = reference(gb, inB);
writeFileSync(join(work, 'a_in.bin'), bytes(inA));
writeFileSync(join(work, 'b_in.bin'), bytes(inB));

/** What the program prints, checked against the headers' figures and the TypeScript quantization. */
function checkStdout(stdout: string): void {
  const hex = (h: number) => `0x${h.toString(16).padStart(8, '0')}`;
  expect(stdout).toContain(
    `a hash ${hex(genA.hash)} arena ${genA.arenaBytes}, b hash ${hex(genB.hash)} arena ${genB.arenaBytes}, versions ${TOOL_VERSION} ${TOOL_VERSION}`,
  );
  expect(stdout).toContain('too-small -3\n'); // TFG_ERR_ARENA_TOO_SMALL
  expect(stdout).toContain('misaligned -4\n'); // TFG_ERR_ARENA_MISALIGNED
  const qa = ga.tensors[ga.inputs[0]].quant!;
  const samples = [-1000, -1, -0.3, -0.0049, 0, 0.0051, 0.1234, 0.5, 1, 1000];
  const quantized = [...stdout.matchAll(/^quantize (-?\d+)$/gm)].map((m) => Number(m[1]));
  expect(quantized).toEqual(samples.map((x) => quantizeValue(x, qa.scale[0], qa.zeroPoint[0])));
  const qb = gb.tensors[gb.outputs[0]].quant!;
  const dequantized = [...stdout.matchAll(/^dequantize (-?\d+) ([0-9a-f]{8})$/gm)];
  expect(dequantized.length).toBe(6);
  for (const [, q, bits] of dequantized) {
    const f = new Float32Array(new Uint32Array([parseInt(bits, 16)]).buffer)[0];
    expect(f, `dequantize ${q}`).toBe(dequantizeValue(Number(q), qb.scale[0], qb.zeroPoint[0]));
  }
  expect(stdout).toContain('done');
}

/** Every global symbol an object file or archive defines (nm), by name. */
function definedGlobals(file: string, nm = 'nm'): string[] {
  return execFileSync(nm, ['-g', '--defined-only', '-P', file])
    .toString()
    .split('\n')
    .filter((l) => l && !l.endsWith(':'))
    .map((l) => l.split(' ')[0]);
}

describe('two models in one program', () => {
  it('builds with CMake (add_subdirectory twice), gives both reference outputs, and exports only prefixed symbols', () => {
    const build = join(work, 'cmake');
    execFileSync('cmake', ['-S', APP, '-B', build, `-DA_DIR=${dirA}`, `-DB_DIR=${dirB}`], { stdio: 'pipe' });
    execFileSync('cmake', ['--build', build], { stdio: 'pipe' });
    const stdout = execFileSync(join(build, 'app'), ['a_in.bin', 'b_in.bin', join(build, 'a_out.bin'), join(build, 'b_out.bin')], {
      cwd: work,
    }).toString();
    checkStdout(stdout);
    expect(readFileSync(join(build, 'a_out.bin'))).toEqual(expectedA);
    expect(readFileSync(join(build, 'b_out.bin'))).toEqual(expectedB);

    // Each model library defines its prefixed API only; the kernel library only tfg_ kernels, each kernel once.
    expect(definedGlobals(join(build, 'a', 'libtinyforge_a.a')).sort()).toEqual(['a_init', 'a_run']);
    expect(definedGlobals(join(build, 'b', 'libtinyforge_b.a')).sort()).toEqual(['b_init', 'b_run']);
    const kernels = definedGlobals(join(build, 'a', 'libtinyforge_kernels.a'));
    expect(kernels.every((s) => s.startsWith('tfg_'))).toBe(true);
    expect(new Set(kernels).size).toBe(kernels.length);
    expect(kernels).toEqual(expect.arrayContaining([...genA.kernels, ...genB.kernels]));
    expect(genA.kernels.filter((k) => genB.kernels.includes(k))).toEqual(['tfg_dense_s8', 'tfg_softmax_s8']);
  });

  it('builds with both Make fragments included (each shared kernel file once) and gives both reference outputs', () => {
    const out = join(work, 'make');
    mkdirSync(out);
    execFileSync('make', ['-s', '-f', join(APP, 'Makefile'), `A=${dirA}`, `B=${dirB}`, `OUT=${out}`, 'CC=gcc'], { stdio: 'pipe' });
    const stdout = execFileSync(join(out, 'app'), ['a_in.bin', 'b_in.bin', join(out, 'a_out.bin'), join(out, 'b_out.bin')], {
      cwd: work,
    }).toString();
    checkStdout(stdout);
    expect(readFileSync(join(out, 'a_out.bin'))).toEqual(expectedA);
    expect(readFileSync(join(out, 'b_out.bin'))).toEqual(expectedB);
  });

  it('links both for mps2-an386 (arm-none-eabi-gcc) and gives both reference outputs on QEMU', () => {
    const out = join(work, 'm4');
    mkdirSync(out);
    execFileSync(
      'make',
      [
        '-s',
        '-f',
        join(APP, 'Makefile'),
        `A=${dirA}`,
        `B=${dirB}`,
        `OUT=${out}`,
        'CC=arm-none-eabi-gcc',
        'CFLAGS=-O2 -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16',
        `EXTRA_SRCS=${join(QEMU_DIR, 'startup.c')}`,
        `EXTRA_LDFLAGS=-T ${join(QEMU_DIR, 'mps2-semihost.ld')} --specs=rdimon.specs`,
      ],
      { stdio: 'pipe' },
    );
    for (const f of ['a_in.bin', 'b_in.bin']) writeFileSync(join(out, f), readFileSync(join(work, f)));
    const stdout = execFileSync(
      'qemu-system-arm',
      [
        '-M',
        'mps2-an386',
        '-nographic',
        '-monitor',
        'none',
        '-semihosting-config',
        'enable=on,target=native,arg=app,arg=a_in.bin,arg=b_in.bin,arg=a_out.bin,arg=b_out.bin',
        '-kernel',
        join(out, 'app'),
      ],
      { cwd: out, timeout: 120_000, stdio: 'pipe' },
    ).toString();
    checkStdout(stdout);
    expect(readFileSync(join(out, 'a_out.bin'))).toEqual(expectedA);
    expect(readFileSync(join(out, 'b_out.bin'))).toEqual(expectedB);
  });

  it('refuses, in CMake and in Make, a second model from another tinyforge version (its kernels could differ)', () => {
    const other = join(work, 'b-other');
    writeGenerated(other, genB);
    for (const f of ['CMakeLists.txt', 'tinyforge_b.mk'])
      writeFileSync(join(other, f), readFileSync(join(other, f), 'utf8').replaceAll(TOOL_VERSION, '0.0.0-other'));
    const cmake = spawnSync('cmake', ['-S', APP, '-B', join(work, 'cmake-other'), `-DA_DIR=${dirA}`, `-DB_DIR=${other}`], {
      encoding: 'utf8',
    });
    expect(cmake.status).not.toBe(0);
    expect(cmake.stderr.replace(/\s+/g, ' ')).toContain(
      `tinyforge_b comes from tinyforge 0.0.0-other, but tinyforge_kernels was set up by tinyforge ${TOOL_VERSION}`,
    );
    const make = spawnSync('make', ['-s', '-f', join(APP, 'Makefile'), `A=${dirA}`, `B=${other}`, `OUT=${work}`, 'CC=gcc'], {
      encoding: 'utf8',
    });
    expect(make.status).not.toBe(0);
    expect(make.stderr).toContain(`tinyforge_b.mk comes from tinyforge 0.0.0-other, another model's from ${TOOL_VERSION}`);
  });

  it('-D<ID>_NO_STATIC_ARENA drops the default arena; the section macros place the arena and the weights', () => {
    const obj = (name: string, defines: string[]) => {
      const o = join(work, `${name}.o`);
      execFileSync('gcc', [
        '-std=c99',
        '-Wall',
        '-Wextra',
        '-Werror',
        '-O2',
        ...defines,
        '-I',
        dirA,
        '-I',
        join(dirA, 'tfg/include'),
        '-c',
        join(dirA, 'a.c'),
        '-o',
        o,
      ]);
      return execFileSync('objdump', ['-t', o]).toString();
    };
    const plain = obj('plain', []);
    const arenaHex = genA.arenaBytes.toString(16);
    expect(plain).toMatch(new RegExp(`\\.bss\\s+0*${arenaHex}\\s+a_default_arena`));
    expect(obj('no-arena', ['-DA_NO_STATIC_ARENA'])).not.toContain('a_default_arena');
    const placed = obj('placed', [
      '-DTFG_ARENA_SECTION=__attribute__((section(".fast_ram")))',
      '-DTFG_WEIGHTS_SECTION=__attribute__((section(".ext_flash")))',
    ]);
    expect(placed).toMatch(new RegExp(`\\.fast_ram\\s+0*${arenaHex}\\s+a_default_arena`));
    expect(placed).toMatch(/\.ext_flash\s+[0-9a-f]+\s+w_conv1_weight/);
    expect(readdirSync(dirA)).toContain('tinyforge_a.mk');
  });
});
