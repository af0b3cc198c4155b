// Kernel scratch: every kernel that takes scratch has a C <kernel>_scratch_bytes, and the TypeScript figure the memory
// planner places in the arena (the ops' scratch rules) equals it, for a spread of shapes and Huffman streams; a kernel
// handed one byte less refuses with TFG_ERR_ARG before it touches anything. Compiled with host gcc (ASan/UBSan).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIRMWARE_DIR, kernelDependencies, kernelSourcePath } from '../../src/codegen/kernel-catalog.ts';
import { convScratchBytes, TFG_CONV_COL_MAX } from '../../src/codegen/ops/conv2d.ts';
import { recurrentScratchBytes } from '../../src/codegen/ops/recurrent.ts';
import { recurrentInt8ScratchBytes } from '../../src/codegen/ops/recurrent-int8.ts';
import { recurrentStepScratchBytes } from '../../src/codegen/ops/recurrent-step.ts';
import { depthwiseDspScratch, depthwiseMlaScratch } from '../../src/codegen/ops/depthwise-conv2d.ts';
import {
  encodeWeightStream,
  HUFF_PAIR_SHIFT,
  huffScratchBytes,
  pairTableBits,
  type WeightStream,
} from '../../src/packing/huffman-stream.ts';
import { xnorScratchBytes } from '../../src/packing/storage.ts';
import { HOST_FLAGS } from '../codegen/host-run.ts';
import { rng } from '../codegen/graphs.ts';

interface Case {
  /** C expression printed by the harness. */
  c: string;
  /** The TypeScript figure. */
  ts: number;
}

const KERNELS = [
  'tfg_conv2d_s8_dsp',
  'tfg_conv2d_s8_im2col_dsp',
  'tfg_conv2d_s8_1x1_dsp',
  'tfg_depthwise_conv2d_s8_dsp',
  'tfg_conv2d_s8_im2col_mla',
  'tfg_conv2d_s8_fewch_dsp',
  'tfg_conv2d_s8_fewch_mla',
  'tfg_depthwise_conv2d_s8_mla',
  'tfg_dense_f32_xnor',
  'tfg_conv2d_f32_xnor',
  'tfg_dense_f32_huff',
  'tfg_conv2d_f32_huff',
  'tfg_dense_s8_huff',
  'tfg_conv2d_s8_huff',
  'tfg_gru_f32',
  'tfg_lstm_f32',
  'tfg_gru_s8',
  'tfg_lstm_s8',
  'tfg_gru_s8_dsp',
  'tfg_lstm_s8_dsp',
  'tfg_gru_f32_step',
  'tfg_lstm_f32_step',
];

/** tfg_conv_geom / tfg_conv_geom16 initializers (only the fields the scratch functions read matter; the rest are valid). */
const geom = (o: {
  inC: number;
  outC?: number;
  kH: number;
  kW: number;
  outH?: number;
  outW?: number;
  strideH?: number;
  strideW?: number;
  groups?: number;
}) =>
  `{ .batch = 1, .in_h = 8, .in_w = 8, .in_c = ${o.inC}, .out_h = ${o.outH ?? 4}, .out_w = ${o.outW ?? 4}, .out_c = ${o.outC ?? o.inC}, .k_h = ${o.kH}, .k_w = ${o.kW}, ` +
  `.stride_h = ${o.strideH ?? 1}, .stride_w = ${o.strideW ?? 1}, .dil_h = 1, .dil_w = 1, .pad_top = 0, .pad_left = 0${o.groups ? `, .groups = ${o.groups}, .depth_multiplier = 1` : ''} }`;

/** A tfg_huff_stream descriptor with the fields its scratch depends on (codebook size, gap escape, table widths, the
 *  pair table's width in the flags' high nibble: `pairBits`, what packing gives the int8 Dense kernel). */
const descriptor = (st: WeightStream, pairBits = 0) =>
  `{ NULL, 0u, ${st.bits}u, 0u, ${st.count}u, ${st.codebookN - 1}u, ${st.gapEscape}u, ${st.indexTable.bits | ((st.gapTable?.bits ?? 0) << 4)}u, ${pairBits << HUFF_PAIR_SHIFT}u }`;

/** Runs `cases` through one C program (each line: the C figure); returns them in order. */
function cFigures(cases: Case[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tfg-scratch-'));
  try {
    const src = `#include <stdio.h>\n#include <stdlib.h>\n#include "tfg_kernels.h"\nint main(void) {\n${cases.map((k) => `  printf("%ld\\n", (long)(${k.c}));`).join('\n')}\n  return 0;\n}\n`;
    writeFileSync(join(dir, 'scratch.c'), src);
    const kernels = KERNELS.map(kernelSourcePath);
    const files = [...kernels, ...kernelDependencies(kernels).sources].map((rel) => join(FIRMWARE_DIR, rel));
    execFileSync(
      'gcc',
      [...HOST_FLAGS, '-I', join(FIRMWARE_DIR, 'include'), join(dir, 'scratch.c'), ...files, '-o', join(dir, 'scratch'), '-lm'],
      { stdio: 'pipe' },
    );
    return execFileSync(join(dir, 'scratch'), { encoding: 'utf8' }).trim().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("kernel scratch: C <kernel>_scratch_bytes = the planner's figure", () => {
  const r = rng(17);
  const int = (lo: number, hi: number) => lo + Math.floor((hi - lo + 1) * r());

  it('DSP and MLA conv and depthwise kernels, XNOR kernels: 60 shapes each, the edges included', () => {
    const cases: Case[] = [];
    for (let i = 0; i < 60; i++) {
      // tfg_conv2d_s8_dsp: receptive fields on both sides of TFG_CONV_COL_MAX (512) and at it, groups 1..4
      const groups = int(1, 4);
      const k = i < 2 ? 3 : [1, 3, 5][int(0, 2)];
      const inPerGroup = i === 0 ? Math.floor(TFG_CONV_COL_MAX / 9) + 1 : i === 1 ? 56 : int(1, 80); // 3·3·57 = 513 > 512 ≥ 3·3·56
      const g = geom({ inC: inPerGroup * groups, outC: 2 * groups, kH: k, kW: k, groups });
      cases.push({
        c: `tfg_conv2d_s8_dsp_scratch_bytes(&(tfg_conv_geom)${g})`,
        ts: convScratchBytes('tfg_conv2d_s8_dsp', k, k, inPerGroup),
      });
      // im2col and 1×1: K = k_h·k_w·in_c up to TFG_IM2COL_MAX, in_c both multiples of 4 and not
      const inC = i < 4 ? 4 * (i + 1) : int(1, 64);
      const [kH, kW] = [int(1, 3), int(1, 3)];
      cases.push({
        c: `tfg_conv2d_s8_im2col_dsp_scratch_bytes(&(tfg_conv_geom16)${geom({ inC, kH, kW })})`,
        ts: convScratchBytes('tfg_conv2d_s8_im2col_dsp', kH, kW, inC),
      });
      cases.push({
        c: `tfg_conv2d_s8_1x1_dsp_scratch_bytes(&(tfg_conv_geom16)${geom({ inC, kH: 1, kW: 1 })})`,
        ts: convScratchBytes('tfg_conv2d_s8_1x1_dsp', 1, 1, inC),
      });
      cases.push({
        c: `tfg_conv2d_s8_im2col_mla_scratch_bytes(&(tfg_conv_geom16)${geom({ inC, kH, kW })})`,
        ts: convScratchBytes('tfg_conv2d_s8_im2col_mla', kH, kW, inC),
      });
      // few input channels: 1..3 channels, windows up to 10 wide and tall (padded row words and tails)
      const fewC = int(1, 3);
      const [fewH, fewW] = i < 2 ? [10, 4] : [int(1, 10), int(1, 10)];
      const fewStride = int(1, 3);
      for (const kernel of ['tfg_conv2d_s8_fewch_dsp', 'tfg_conv2d_s8_fewch_mla'] as const)
        cases.push({
          c: `${kernel}_scratch_bytes(&(tfg_conv_geom16)${geom({ inC: fewC, kH: fewH, kW: fewW, strideW: fewStride })})`,
          ts: convScratchBytes(kernel, fewH, fewW, fewC, fewStride),
        });
      // depthwise: channels not multiples of 4, strides, wide outputs; every fourth a 3×3 stride-1 plane, every eighth
      // one whose two planes would pass TFG_DW_ROWBUF_BYTES (one plane then)
      const big = i % 8 === 4;
      const [ch, outH, outW] = [int(1, 70), big ? int(62, 88) : int(1, 50), big ? int(62, 88) : int(1, 50)];
      const [dk, strideH, strideW] = i % 4 === 0 ? [3, 1, 1] : [int(1, 5), int(1, 3), int(1, 3)];
      const [rows, wts] = depthwiseDspScratch(ch, dk, dk, outH, outW, strideH, strideW);
      cases.push({
        c: `tfg_depthwise_conv2d_s8_dsp_scratch_bytes(&(tfg_conv_geom16)${geom({ inC: ch, kH: dk, kW: dk, outH, outW, strideH, strideW })})`,
        ts: rows + wts,
      });
      const [mlaRows, mlaWts] = depthwiseMlaScratch(dk, dk, outW, strideW);
      cases.push({
        c: `tfg_depthwise_conv2d_s8_mla_scratch_bytes(&(tfg_conv_geom16)${geom({ inC: ch, kH: dk, kW: dk, outH, outW, strideH, strideW })})`,
        ts: mlaRows + mlaWts,
      });
      // XNOR: rows around word boundaries
      const inN = i < 3 ? 31 + i : int(1, 2048);
      cases.push({ c: `tfg_dense_f32_xnor_scratch_bytes(${inN})`, ts: xnorScratchBytes(inN, false) });
      cases.push({
        c: `tfg_conv2d_f32_xnor_scratch_bytes(&(tfg_conv_geom)${geom({ inC, kH, kW, groups: 1 })})`,
        ts: xnorScratchBytes(kH * kW * inC, true),
      });
    }
    expect(cFigures(cases)).toEqual(cases.map((k) => String(k.ts)));
    expect(cases.some((k) => k.c.startsWith('tfg_conv2d_s8_dsp_') && k.ts === 0)).toBe(true); // the per-tap path: no scratch
  });

  it('GRU and LSTM: the state and the gates of one step, for hidden sizes 1..256', () => {
    const cases: Case[] = [];
    for (const hidden of [1, 2, 3, 31, 64, 256]) {
      const g = `&(tfg_rnn_geom){ ${int(1, 50)}, ${int(1, 3)}, ${int(1, 40)}, ${hidden}, 0, 1 }`;
      cases.push({ c: `tfg_gru_f32_scratch_bytes(${g})`, ts: recurrentScratchBytes('GRU', hidden) });
      cases.push({ c: `tfg_lstm_f32_scratch_bytes(${g})`, ts: recurrentScratchBytes('LSTM', hidden) });
      for (const v of ['', '_dsp']) {
        cases.push({ c: `tfg_gru_s8${v}_scratch_bytes(${g})`, ts: recurrentInt8ScratchBytes('GRU', hidden) });
        cases.push({ c: `tfg_lstm_s8${v}_scratch_bytes(${g})`, ts: recurrentInt8ScratchBytes('LSTM', hidden) });
      }
      cases.push({ c: `tfg_gru_f32_step_scratch_bytes(${g})`, ts: recurrentStepScratchBytes('GRU', hidden) });
      cases.push({ c: `tfg_lstm_f32_step_scratch_bytes(${g})`, ts: recurrentStepScratchBytes('LSTM', hidden) });
    }
    expect(cFigures(cases)).toEqual(cases.map((k) => String(k.ts)));
  });

  it('Huffman decoders: dense and sparse streams, Huffman and fixed-length codes, 4..256 clusters, with and without a conv row', () => {
    const cases: Case[] = [];
    for (let i = 0; i < 16; i++) {
      const k = [4, 16, 64, 256][i % 4];
      const sparse = i % 8 >= 4;
      const n = int(200, 3000);
      const indices = Uint8Array.from({ length: n }, () => Math.min(k - 1, Math.floor(k * r() * r())));
      const values = Float32Array.from(indices, (v) => (sparse && r() < 0.7 ? 0 : v + 1));
      const st = encodeWeightStream(indices, values, { codebookN: k, sparse, huffman: i % 2 === 0 });
      const row = int(1, 1152);
      const g = `&(tfg_conv_geom)${geom({ inC: row, kH: 1, kW: 1, groups: 1 })}`;
      const s = `&(tfg_huff_stream)${descriptor(st)}`;
      cases.push({ c: `tfg_dense_f32_huff_scratch_bytes(${s})`, ts: huffScratchBytes(st, true, 0) });
      const s8 = `&(tfg_huff_stream)${descriptor(st, pairTableBits(st, false, 0))}`;
      cases.push({ c: `tfg_dense_s8_huff_scratch_bytes(${s8}, ${row})`, ts: huffScratchBytes(st, false, 0, row) });
      cases.push({ c: `tfg_conv2d_f32_huff_scratch_bytes(${g}, ${s})`, ts: huffScratchBytes(st, true, row) });
      cases.push({ c: `tfg_conv2d_s8_huff_scratch_bytes(${g}, ${s})`, ts: huffScratchBytes(st, false, row) });
    }
    expect(cFigures(cases)).toEqual(cases.map((k) => String(k.ts)));
  });

  it('a kernel given less scratch than it needs returns TFG_ERR_ARG (-1) before reading or writing anything', () => {
    // NULL tensors: the check comes first, so ASan would flag any access.
    const g16 = `&(tfg_conv_geom16)${geom({ inC: 6, kH: 3, kW: 3 })}`;
    const g32 = `&(tfg_conv_geom)${geom({ inC: 6, outC: 2, kH: 3, kW: 3, groups: 1 })}`;
    const st = encodeWeightStream(
      Uint8Array.from({ length: 100 }, (_, i) => i % 8),
      new Float32Array(100).fill(1),
      { codebookN: 8, sparse: false, huffman: true },
    );
    const s = `&(tfg_huff_stream)${descriptor(st)}`;
    const rnn = '&(tfg_rnn_geom){ 4, 1, 3, 5, 0, 1 }';
    const cases: Case[] = [
      { c: `tfg_conv2d_s8_dsp(${g32}, NULL, NULL, NULL, NULL, NULL, NULL, tfg_conv2d_s8_dsp_scratch_bytes(${g32}) - 1)`, ts: -1 },
      {
        c: `tfg_conv2d_s8_im2col_dsp(${g16}, NULL, 0, NULL, NULL, NULL, NULL, NULL, tfg_conv2d_s8_im2col_dsp_scratch_bytes(${g16}) - 1)`,
        ts: -1,
      },
      {
        c: `tfg_conv2d_s8_1x1_dsp(${g16}, NULL, 0, NULL, NULL, NULL, NULL, NULL, tfg_conv2d_s8_1x1_dsp_scratch_bytes(${g16}) - 1)`,
        ts: -1,
      },
      {
        c: `tfg_depthwise_conv2d_s8_dsp(${g16}, NULL, 0, NULL, NULL, NULL, NULL, NULL, tfg_depthwise_conv2d_s8_dsp_scratch_bytes(${g16}) - 1)`,
        ts: -1,
      },
      {
        c: `tfg_conv2d_s8_im2col_mla(${g16}, NULL, 0, NULL, NULL, NULL, NULL, NULL, tfg_conv2d_s8_im2col_mla_scratch_bytes(${g16}) - 1)`,
        ts: -1,
      },
      {
        c: `tfg_conv2d_s8_fewch_dsp(${g16}, NULL, 0, NULL, NULL, NULL, NULL, NULL, tfg_conv2d_s8_fewch_dsp_scratch_bytes(${g16}) - 1)`,
        ts: -1,
      },
      {
        c: `tfg_conv2d_s8_fewch_mla(${g16}, NULL, 0, NULL, NULL, NULL, NULL, NULL, tfg_conv2d_s8_fewch_mla_scratch_bytes(${g16}) - 1)`,
        ts: -1,
      },
      {
        c: `tfg_depthwise_conv2d_s8_mla(${g16}, NULL, 0, NULL, NULL, NULL, NULL, NULL, tfg_depthwise_conv2d_s8_mla_scratch_bytes(${g16}) - 1)`,
        ts: -1,
      },
      {
        c: `tfg_dense_f32_xnor(1, 40, 2, NULL, NULL, NULL, NULL, 0.0f, 1.0f, NULL, NULL, tfg_dense_f32_xnor_scratch_bytes(40) - 1)`,
        ts: -1,
      },
      {
        c: `tfg_conv2d_f32_xnor(${g32}, NULL, NULL, NULL, NULL, 0.0f, 1.0f, NULL, NULL, tfg_conv2d_f32_xnor_scratch_bytes(${g32}) - 1)`,
        ts: -1,
      },
      { c: `tfg_dense_f32_huff(1, 10, 10, NULL, ${s}, NULL, 0.0f, 1.0f, NULL, NULL, tfg_dense_f32_huff_scratch_bytes(${s}) - 1)`, ts: -1 },
      { c: `tfg_dense_s8_huff(1, 10, 10, NULL, NULL, ${s}, NULL, NULL, NULL, tfg_dense_s8_huff_scratch_bytes(${s}, 10) - 1)`, ts: -1 },
      {
        c: `tfg_conv2d_f32_huff(${g32}, NULL, ${s}, NULL, 0.0f, 1.0f, NULL, NULL, tfg_conv2d_f32_huff_scratch_bytes(${g32}, ${s}) - 1)`,
        ts: -1,
      },
      { c: `tfg_conv2d_s8_huff(${g32}, NULL, NULL, ${s}, NULL, NULL, NULL, tfg_conv2d_s8_huff_scratch_bytes(${g32}, ${s}) - 1)`, ts: -1 },
      { c: `tfg_gru_f32(${rnn}, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, tfg_gru_f32_scratch_bytes(${rnn}) - 1)`, ts: -1 },
      { c: `tfg_lstm_f32(${rnn}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, tfg_lstm_f32_scratch_bytes(${rnn}) - 1)`, ts: -1 },
      ...['', '_dsp'].flatMap((v) => [
        { c: `tfg_gru_s8${v}(${rnn}, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, tfg_gru_s8_scratch_bytes(${rnn}) - 1)`, ts: -1 },
        {
          c: `tfg_lstm_s8${v}(${rnn}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, tfg_lstm_s8_scratch_bytes(${rnn}) - 1)`,
          ts: -1,
        },
      ]),
      {
        c: `tfg_gru_f32_step(${rnn}, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, tfg_gru_f32_step_scratch_bytes(${rnn}) - 1)`,
        ts: -1,
      },
      { c: `tfg_lstm_f32_step(${rnn}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, tfg_lstm_f32_step_scratch_bytes(${rnn}) - 1)`, ts: -1 },
    ];
    expect(new Set(cases.map((k) => k.c.slice(0, k.c.indexOf('('))))).toEqual(new Set(KERNELS));
    expect(cFigures(cases)).toEqual(cases.map(() => '-1'));
  });
});
