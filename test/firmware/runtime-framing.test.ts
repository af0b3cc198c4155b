// The C runtime's framing (firmware/runtime/tfg_link.c, built for the host) and the TS framing agree byte for byte,
// including COBS block edges (253/254/255 non-zero bytes) and frames larger than one block.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/build/boards.ts';
import { FIRMWARE_DIR } from '../../src/build/firmware-files.ts';
import { buildFirmware } from '../../src/build/toolchain.ts';
import { cobsDecode, cobsEncode, crc16, decodeFrame, encodeFrame, FrameSplitter, type Frame } from '../../src/device/framing.ts';

const body = (n: number, f: (i: number) => number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => f(i) & 0xff);
const CASES: Frame[] = [
  { type: 1, seq: 0, body: new Uint8Array(0) },
  { type: 2, seq: 7, body: new Uint8Array(9) },
  { type: 3, seq: 255, body: body(253, (i) => i + 1) },
  { type: 4, seq: 1, body: body(254, (i) => (i % 255) + 1) },
  { type: 5, seq: 2, body: body(255, (i) => (i % 255) + 1) },
  { type: 6, seq: 3, body: body(1000, (i) => (i * 7) % 256) },
  { type: 7, seq: 4, body: body(600, () => 0) },
];

describe('framing (TS)', () => {
  it('computes CRC-16/CCITT-FALSE (check value 0x29B1)', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x29b1);
  });

  it('COBS-encodes without zeros and decodes back', () => {
    for (const c of CASES) {
      const enc = cobsEncode(c.body);
      expect(enc.includes(0)).toBe(false);
      expect(Array.from(cobsDecode(enc)!)).toEqual(Array.from(c.body));
    }
    expect(Array.from(cobsEncode(Uint8Array.of(0x11, 0, 0x22)))).toEqual([2, 0x11, 2, 0x22]);
  });

  it('round-trips frames and reports a flipped bit', () => {
    const split = new FrameSplitter();
    for (const c of CASES) {
      const [enc] = split.push(encodeFrame(c));
      const r = decodeFrame(enc);
      expect(r.ok && Array.from(r.frame.body)).toEqual(Array.from(c.body));
      const bad = enc.slice();
      bad[3] ^= 0x01;
      if (bad[3] === 0) bad[3] = 0x80;
      expect(decodeFrame(bad).ok).toBe(false);
    }
  });
});

describe('framing (C runtime ⇄ TS)', () => {
  let elf: string;
  beforeAll(async () => {
    const runtime = join(FIRMWARE_DIR, 'runtime');
    const out = join(mkdtempSync(join(tmpdir(), 'tfg-link-echo-')), 'link-echo');
    await buildFirmware({
      board: loadBoard('host'),
      sources: [join(import.meta.dirname, 'runtime-fixtures/link-echo.c'), join(runtime, 'tfg_link.c'), join(runtime, 'tfg_crc16.c')],
      includeDirs: [runtime],
      output: out,
      bare: true,
    });
    elf = out;
  });

  async function exchange(input: Uint8Array, expectFrames: number): Promise<Frame[]> {
    const child = spawn(elf, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    const split = new FrameSplitter();
    const frames: Frame[] = [];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`got ${frames.length} of ${expectFrames} frames`));
      }, 10_000);
      child.stdout.on('data', (d: Buffer) => {
        for (const enc of split.push(d)) {
          const r = decodeFrame(enc);
          if (!r.ok) throw new Error(r.reason);
          frames.push(r.frame);
        }
        if (frames.length >= expectFrames) {
          clearTimeout(timer);
          child.stdin.end();
          resolve(frames);
        }
      });
      child.stdin.write(input);
    });
  }

  it('decodes what TS encodes and encodes what TS decodes', async () => {
    const all = Buffer.concat(CASES.map((c) => Buffer.from(encodeFrame(c))));
    const got = await exchange(Uint8Array.from([0, ...all]), CASES.length);
    got.forEach((f, i) => {
      expect(f.type).toBe(CASES[i].type | 0x40);
      expect(f.seq).toBe(CASES[i].seq);
      expect(Array.from(f.body)).toEqual(Array.from(CASES[i].body));
    });
  });

  it('flags a bad CRC, a lost byte and an oversized frame', async () => {
    const good = encodeFrame(CASES[3]);
    const flipped = good.slice();
    flipped[20] ^= 0x01; // a data byte inside the first COBS block (non-zero before and after)
    expect(flipped[20]).not.toBe(0);
    const lost = Uint8Array.from([...good.slice(0, 3), ...good.slice(4)]);
    const huge = encodeFrame({ type: 9, seq: 9, body: body(5000, (i) => (i % 200) + 1) });
    const got = await exchange(Uint8Array.from([...flipped, ...lost, ...huge]), 3);
    expect(got.map((f) => f.type)).toEqual([0xff, 0xff, 0xff]);
    expect(got[0].body[0]).toBe(4); // TFG_RX_BAD_CRC
    expect([2, 3, 4, 5]).toContain(got[1].body[0]); // the lost byte breaks COBS, CRC or length
    expect(got[2].body[0]).toBe(2); // TFG_RX_TOO_LONG
  });
});
