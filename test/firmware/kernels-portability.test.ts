// Every kernel and the support code kernels share compile warning-free for the other cores the project targets:
// Cortex-M0 (microbit), Cortex-M3 (saturation instructions but no DSP extension) and Cortex-M7 with newlib, and —
// except the float kernels that need libm — RV32IMC with no libc at all (freestanding), so the int8 path never depends
// on a C library.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIRMWARE_DIR, kernelCatalog, kernelDependencies, readFirmwareFile } from '../../src/codegen/kernel-catalog.ts';

const WARN = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-Wvla', '-O2', '-ffreestanding', '-I', join(FIRMWARE_DIR, 'include')];
const TARGETS: Record<string, string[]> = {
  'cortex-m0': ['arm-none-eabi-gcc', '-mcpu=cortex-m0', '-mthumb'],
  'cortex-m3': ['arm-none-eabi-gcc', '-mcpu=cortex-m3', '-mthumb'],
  'cortex-m7': ['arm-none-eabi-gcc', '-mcpu=cortex-m7', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv5-d16'],
  'rv32imc (no libc)': ['riscv64-unknown-elf-gcc', '-march=rv32imc', '-mabi=ilp32'],
};

describe('kernel portability', () => {
  const kernels = [...kernelCatalog().entries()];
  it('finds the kernels', () => expect(kernels.length).toBeGreaterThanOrEqual(46));
  for (const [target, [cc, ...flags]] of Object.entries(TARGETS)) {
    it(`every kernel compiles for ${target}`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'tfg-port-'));
      try {
        const needsLibm = (rel: string) => readFirmwareFile(rel).includes('<math.h>');
        const chosen = kernels.filter(([, rel]) => !target.includes('no libc') || !needsLibm(rel)).map(([, rel]) => rel);
        expect(chosen.length).toBeGreaterThanOrEqual(42);
        const support = kernelDependencies(chosen).sources;
        expect(support).toEqual([
          'support/tfg_crc32.c',
          'support/tfg_dsp.c',
          'support/tfg_gemm_dsp.c',
          'support/tfg_gemm_mla.c',
          'support/tfg_huff.c',
        ]);
        // One compiler run for all files (objects land in dir); any warning fails it with gcc's message.
        execFileSync(cc, [...flags, ...WARN, '-c', ...[...chosen, ...support].map((rel) => join(FIRMWARE_DIR, rel))], {
          cwd: dir,
          stdio: 'pipe',
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 300_000); // every kernel, one compiler run: 45 s on a quiet 2-core machine, over 120 s on a busy one
  }
});
