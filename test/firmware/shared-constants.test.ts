// Constants the TypeScript side and the C side both hold (kernel bounds codegen checks, descriptor sizes, flags, the
// serial protocol's codes): each is read from the C headers by compiling them for the Cortex-M4 (sizes are a 32-bit
// target's) and compared with the TypeScript value, so neither side can change alone.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACK_GUARD_BYTES } from '../../src/build/stack-plan.ts';
import { FIRMWARE_DIR, TFG_MAX_DIMS } from '../../src/codegen/kernel-catalog.ts';
import { TFG_CONV_COL_MAX, TFG_IM2COL_MAX } from '../../src/codegen/ops/conv2d.ts';
import { TFG_DW_MAX_KH, TFG_DW_PLANE_MIN_OUTPUTS, TFG_DW_ROWBUF_BYTES, TFG_DW_WBUF_BYTES } from '../../src/codegen/ops/depthwise-conv2d.ts';
import {
  HUFF_HALF_BIAS,
  HUFF_HALF_CODEBOOK,
  HUFF_INT8_CODEBOOK,
  HUFF_ONE_SCALE,
  HUFF_PAIR_SHIFT,
  HUFF_STREAM_BYTES,
} from '../../src/packing/huffman-stream.ts';
import { MAX_PAIR_BITS, MAX_TABLE_BITS } from '../../src/packing/huffman-tables.ts';
import { HUFF_READER_BYTES, HUFF_ROW_MAX, XNOR_WORDS_MAX } from '../../src/packing/storage.ts';
import { DEVICE_ERRORS, MSG, PROTOCOL_VERSION } from '../../src/device/protocol.ts';
import { M4_FLAGS } from '../codegen/host-run.ts';
import { ARENA_ALIGN } from '../../src/codegen/memory-planner.ts';

/** C expression → the TypeScript value it must equal. */
const SHARED: [string, number][] = [
  ['TFG_MAX_DIMS', TFG_MAX_DIMS],
  ['TFG_ARENA_ALIGN', ARENA_ALIGN],
  ['TFG_IM2COL_MAX', TFG_IM2COL_MAX],
  ['TFG_CONV_COL_MAX', TFG_CONV_COL_MAX],
  ['TFG_DW_ROWBUF_BYTES', TFG_DW_ROWBUF_BYTES],
  ['TFG_DW_WBUF_BYTES', TFG_DW_WBUF_BYTES],
  ['TFG_DW_MAX_KH', TFG_DW_MAX_KH],
  ['TFG_DW_PLANE_MIN_OUTPUTS', TFG_DW_PLANE_MIN_OUTPUTS],
  ['TFG_XNOR_WORDS_MAX', XNOR_WORDS_MAX],
  ['TFG_HUFF_ROW_MAX', HUFF_ROW_MAX],
  ['TFG_HUFF_TABLE_BITS_MAX', MAX_TABLE_BITS],
  ['TFG_HUFF_PAIR_BITS_MAX', MAX_PAIR_BITS],
  ['TFG_HUFF_PAIR_SHIFT', HUFF_PAIR_SHIFT],
  ['sizeof(tfg_huff_stream)', HUFF_STREAM_BYTES],
  ['sizeof(tfg_huff_reader)', HUFF_READER_BYTES],
  ['TFG_HUFF_HALF_CODEBOOK', HUFF_HALF_CODEBOOK],
  ['TFG_HUFF_HALF_BIAS', HUFF_HALF_BIAS],
  ['TFG_HUFF_INT8_CODEBOOK', HUFF_INT8_CODEBOOK],
  ['TFG_HUFF_ONE_SCALE', HUFF_ONE_SCALE],
  ['TFG_STACK_GUARD_BYTES', STACK_GUARD_BYTES],
  ['TFG_PROTOCOL_VERSION', PROTOCOL_VERSION],
  ...Object.entries(MSG).map(([name, code]): [string, number] => [`TFG_MSG_${name}`, code]),
  ...Object.entries(DEVICE_ERRORS).map(([code, name]): [string, number] => [
    `TFG_ERR_${name.toUpperCase().replaceAll('-', '_')}`,
    Number(code),
  ]),
];

/** Each expression's value as arm-none-eabi-gcc computes it: one `const long` per expression, read from the assembly. */
function cValues(exprs: string[]): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'tfg-constants-'));
  try {
    const src = [
      '#include "tfg_kernels.h"',
      '#include "tfg_huff.h"',
      '#include "tfg_stack.h"',
      '#include "tfg_runtime.h"',
      ...exprs.map((e, i) => `const long tfg_shared_${i} = (long)(${e});`),
    ].join('\n');
    writeFileSync(join(dir, 'shared.c'), `${src}\n`);
    execFileSync(
      'arm-none-eabi-gcc',
      [
        ...M4_FLAGS,
        '-I',
        join(FIRMWARE_DIR, 'include'),
        '-I',
        join(FIRMWARE_DIR, 'runtime'),
        '-S',
        join(dir, 'shared.c'),
        '-o',
        join(dir, 'shared.s'),
      ],
      { stdio: 'pipe' },
    );
    const asm = readFileSync(join(dir, 'shared.s'), 'utf8');
    return exprs.map((_, i) => {
      const m = new RegExp(`^tfg_shared_${i}:\\s*\\n\\s*\\.word\\s+(-?\\d+)`, 'm').exec(asm);
      if (!m) throw new Error(`no value for ${exprs[i]} in the assembly`);
      return Number(m[1]);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('constants shared by TypeScript and C', () => {
  it('every one has the same value on both sides (sizes as a 32-bit Cortex-M sees them)', () => {
    const values = cValues(SHARED.map(([c]) => c));
    expect(Object.fromEntries(SHARED.map(([c], i) => [c, values[i]]))).toEqual(Object.fromEntries(SHARED));
    expect(SHARED.length).toBeGreaterThan(30); // the protocol's message and error codes are in it
  }, 60_000);
});
