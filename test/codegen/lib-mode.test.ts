// Library mode: generateModel(..., {lib: true}) emits a self-contained folder (model + only its kernels + CMake and Make
// fragments) that a separate program (test/codegen/lib-app) builds and runs, on the host with Make and CMake and on
// QEMU mps2-an386 with arm-none-eabi-gcc; outputs must equal the TS reference byte for byte.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateModel } from '../../src/codegen/generate.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { writeGenerated } from './host-run.ts';
import { int8Mlp } from './graphs.ts';
import { randomInputs } from '../firmware/kernel-check.ts';

const APP = fileURLToPath(new URL('./lib-app/', import.meta.url));
const QEMU_DIR = fileURLToPath(new URL('../firmware/qemu/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tfg-lib-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const g = int8Mlp([64, 24, 10], 9);
const gen = generateModel(g, { lib: true });
const lib = join(work, 'lib');
writeGenerated(lib, gen);
const inputs = randomInputs(g, 6, 4);
const expected = Buffer.concat(inputs.map((x) => Buffer.from((runGraph(g, { x }).outputs[g.outputs[0]] as Int8Array).buffer)));
writeFileSync(join(work, 'in.bin'), Buffer.concat(inputs.map((x) => Buffer.from(x.buffer))));

describe('library mode', () => {
  it('is self-contained: model.c/h, the used kernels and headers only, CMakeLists.txt and tinyforge_model.mk', () => {
    const files = Object.keys(gen.files).sort();
    expect(files).toEqual([
      'CMakeLists.txt',
      'README.md',
      'model.c',
      'model.h',
      'tfg/include/tfg_kernels.h',
      'tfg/include/tfg_support.h',
      'tfg/kernels/activation/tfg_softmax_s8.c',
      'tfg/kernels/dense/tfg_dense_s8.c',
      'tinyforge_model.mk',
    ]);
    expect(gen.files['model.h']).toContain('#define TFG_MODEL_INPUT_SCALE');
    expect(gen.files['model.h']).toContain('#define TFG_MODEL_OUTPUT_ZERO_POINT -128');
    expect(gen.files['model.h']).toContain('int32_t tfg_model_init(void *arena, size_t size);');
    expect(readdirSync(lib)).toContain('tinyforge_model.mk');
  });

  it('links into a separate host program with its Make fragment and gives the reference bytes', () => {
    const out = join(work, 'make');
    mkdirSync(out);
    execFileSync('make', ['-s', '-f', join(APP, 'Makefile'), `MODEL=${lib}`, `OUT=${out}`, 'CC=gcc'], { stdio: 'pipe' });
    const stdout = execFileSync(join(out, 'app'), [join(work, 'in.bin'), join(out, 'out.bin')]).toString();
    expect(stdout).toContain(`model hash 0x${gen.hash.toString(16).padStart(8, '0')} arena ${gen.arenaBytes}`);
    expect(readFileSync(join(out, 'out.bin'))).toEqual(expected);
  });

  it('builds with CMake through add_subdirectory and gives the reference bytes', () => {
    const build = join(work, 'cmake');
    execFileSync('cmake', ['-S', APP, '-B', build, `-DMODEL_DIR=${lib}`, `-DMODEL_TARGET=${gen.names.cmakeTarget}`], { stdio: 'pipe' });
    execFileSync('cmake', ['--build', build], { stdio: 'pipe' });
    execFileSync(join(build, 'app'), [join(work, 'in.bin'), join(build, 'out.bin')]);
    expect(readFileSync(join(build, 'out.bin'))).toEqual(expected);
  });

  it('links into the same program for mps2-an386 (arm-none-eabi-gcc) and gives the reference bytes on QEMU', () => {
    const out = join(work, 'm4');
    mkdirSync(out);
    execFileSync(
      'make',
      [
        '-s',
        '-f',
        join(APP, 'Makefile'),
        `MODEL=${lib}`,
        `OUT=${out}`,
        'CC=arm-none-eabi-gcc',
        'CFLAGS=-O2 -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16',
        `EXTRA_SRCS=${join(QEMU_DIR, 'startup.c')}`,
        `EXTRA_LDFLAGS=-T ${join(QEMU_DIR, 'mps2-semihost.ld')} --specs=rdimon.specs`,
      ],
      { stdio: 'pipe' },
    );
    writeFileSync(join(out, 'in.bin'), readFileSync(join(work, 'in.bin')));
    execFileSync(
      'qemu-system-arm',
      [
        '-M',
        'mps2-an386',
        '-nographic',
        '-monitor',
        'none',
        '-semihosting-config',
        'enable=on,target=native,arg=app,arg=in.bin,arg=out.bin',
        '-kernel',
        join(out, 'app'),
      ],
      { cwd: out, timeout: 60_000, stdio: 'pipe' },
    );
    expect(readFileSync(join(out, 'out.bin'))).toEqual(expected);
  });
});
