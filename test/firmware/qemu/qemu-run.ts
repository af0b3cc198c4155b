// Test helper: build a generated model with arm-none-eabi-gcc for Cortex-M4F (or the Cortex-M3, or the Cortex-M0) and run
// it on QEMU mps2-an386 (mps2-an385) with semihosting (files in, files out), under -icount shift=3 so SysTick ticks give
// instruction counts (5 per tick).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TensorData } from '../../../src/ir/graph.ts';
import type { GeneratedModel } from '../../../src/codegen/generate.ts';
import { writeGenerated } from '../../codegen/host-run.ts';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const COMMON_FLAGS = ['-mthumb', '-ffreestanding', '-std=c99', '-O2', '-Wall', '-Wextra', '-Werror'];
export const M4_LINK_FLAGS = ['-mcpu=cortex-m4', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16', ...COMMON_FLAGS];
/** The Cortex-M3 of mps2-an385: ARMv7-M without the DSP extension or an FPU. */
export const M3_LINK_FLAGS = ['-mcpu=cortex-m3', ...COMMON_FLAGS];
/** ARMv6-M (Cortex-M0) code, run on mps2-an385 as the board mps2-an385-armv6m does. */
export const M0_LINK_FLAGS = ['-mcpu=cortex-m0', ...COMMON_FLAGS];
const LINK_FLAGS: Record<string, string[]> = {
  'mps2-an386': M4_LINK_FLAGS,
  'mps2-an385': M3_LINK_FLAGS,
  'mps2-an385-armv6m': M0_LINK_FLAGS,
};
/** The QEMU machine each target runs on. */
const QEMU_MACHINE: Record<string, string> = { 'mps2-an385-armv6m': 'mps2-an385' };
/** Instructions per SysTick tick at -icount shift=3 on the mps2 boards (40 ns tick / 8 ns instruction). */
export const INSTRUCTIONS_PER_TICK = 5;

export interface QemuRun {
  outputs: Uint8Array[];
  /** SysTick ticks of every layer of the first inference. */
  layerTicks: number[];
}

const macro = (gen: GeneratedModel, name: string): number =>
  Number(
    gen.files['model.h']
      .split('\n')
      .find((l) => l.startsWith(`#define ${name} `))!
      .split(' ')[2],
  );

export function runOnQemu(gen: GeneratedModel, inputs: TensorData[], machine = 'mps2-an386'): QemuRun {
  const dir = mkdtempSync(join(tmpdir(), 'tfg-qemu-'));
  try {
    writeGenerated(dir, gen);
    const elf = join(dir, 'app.elf');
    execFileSync(
      'arm-none-eabi-gcc',
      [
        ...LINK_FLAGS[machine],
        '-I',
        dir,
        '-I',
        join(dir, 'tfg/include'),
        ...gen.sources.map((s) => join(dir, s)),
        here('./qemu-harness.c'),
        here('./startup.c'),
        '-T',
        here('./mps2-semihost.ld'),
        '--specs=rdimon.specs',
        '-lm',
        '-o',
        elf,
      ],
      { stdio: 'pipe' },
    );
    writeFileSync(join(dir, 'in.bin'), Buffer.concat(inputs.map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength))));
    const args = ['app', 'in.bin', 'out.bin', String(macro(gen, 'TFG_MODEL_INPUT_BYTES')), String(macro(gen, 'TFG_MODEL_OUTPUT_BYTES'))];
    const stdout = execFileSync(
      'qemu-system-arm',
      [
        '-M',
        QEMU_MACHINE[machine] ?? machine,
        '-nographic',
        '-monitor',
        'none',
        '-icount',
        'shift=3',
        '-semihosting-config',
        `enable=on,target=native,${args.map((a) => `arg=${a}`).join(',')}`,
        '-kernel',
        elf,
      ],
      { cwd: dir, timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] },
    ).toString();
    const out = readFileSync(join(dir, 'out.bin'));
    const size = out.length / inputs.length;
    const layerTicks: number[] = [];
    for (const m of stdout.matchAll(/^layer (\d+) ticks (\d+)$/gm)) layerTicks[Number(m[1])] = Number(m[2]);
    return { outputs: inputs.map((_, i) => new Uint8Array(out.subarray(i * size, (i + 1) * size))), layerTicks };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
