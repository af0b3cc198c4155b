// tfg_smmulr_split16, the rounding high multiply of cores with no 32×32→64 multiply (ARMv6-M), against the int64
// formula on the host (UBSan: no signed overflow on the way) and on the Cortex-M0 itself, for the edge values of both
// operands and a million pseudo-random pairs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIRMWARE_DIR } from '../../src/codegen/kernel-catalog.ts';

const PROGRAM = String.raw`
#include <stdio.h>
#include "tfg_dsp.h"

static const int32_t EDGES[] = {INT32_MIN, INT32_MIN + 1, -65537, -65536, -65535, -32769, -32768, -2, -1, 0, 1, 2,
                                32767, 32768, 65535, 65536, 65537, 1073741824, INT32_MAX - 1, INT32_MAX};
#define N_EDGES (int)(sizeof EDGES / sizeof EDGES[0])

static int32_t wide(int32_t a, int32_t b) { return (int32_t)(((int64_t)a * b + ((int64_t)1 << 31)) >> 32); }

int main(void) {
  long checked = 0, wrong = 0;
  for (int i = 0; i < N_EDGES; ++i)
    for (int j = 0; j < N_EDGES; ++j, ++checked) wrong += tfg_smmulr_split16(EDGES[i], EDGES[j]) != wide(EDGES[i], EDGES[j]);
  uint32_t s = 12345u;
  for (long k = 0; k < PAIRS; ++k, ++checked) {
    s = s * 1664525u + 1013904223u;
    const int32_t a = (int32_t)s;
    s = s * 1664525u + 1013904223u;
    const int32_t b = (int32_t)(k & 1 ? s : s >> (s & 31)); /* multipliers are often small */
    wrong += tfg_smmulr_split16(a, b) != wide(a, b);
  }
  printf("checked %ld wrong %ld\n", checked, wrong);
  return 0;
}
`;

const dir = mkdtempSync(join(tmpdir(), 'tfg-smmulr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(cc: string, flags: string[], pairs: number): string {
  const src = join(dir, 'smmulr.c');
  writeFileSync(src, PROGRAM);
  const exe = join(dir, `smmulr-${cc}`);
  execFileSync(cc, [
    ...flags,
    `-DPAIRS=${pairs}`,
    '-std=c99',
    '-O2',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-I',
    join(FIRMWARE_DIR, 'include'),
    src,
    '-o',
    exe,
  ]);
  return exe;
}

const parse = (out: string) => {
  const m = /checked (\d+) wrong (\d+)/.exec(out);
  return { checked: Number(m![1]), wrong: Number(m![2]) };
};

describe('tfg_smmulr_split16', () => {
  it('equals the int64 rounding high multiply on the host (UBSan)', () => {
    const exe = build('gcc', ['-fsanitize=undefined', '-fno-sanitize-recover=all'], 1_000_000);
    expect(parse(execFileSync(exe).toString())).toEqual({ checked: 1_000_400, wrong: 0 });
  });

  it('equals it on the Cortex-M0 (ARMv6-M code on QEMU mps2-an385)', () => {
    const exe = build(
      'arm-none-eabi-gcc',
      [
        '-mcpu=cortex-m0',
        '-mthumb',
        '--specs=rdimon.specs',
        '-T',
        join(__dirname, 'qemu/mps2-semihost.ld'),
        join(__dirname, 'qemu/startup.c'),
      ],
      20_000,
    );
    const out = execFileSync(
      'qemu-system-arm',
      ['-M', 'mps2-an385', '-nographic', '-monitor', 'none', '-semihosting-config', 'enable=on,target=native', '-kernel', exe],
      {
        timeout: 60_000,
      },
    ).toString();
    expect(parse(out)).toEqual({ checked: 20_400, wrong: 0 });
  });
});
