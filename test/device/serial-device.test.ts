// Real firmware, real QEMU / host process, real pty through serialport: the protocol end to end.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/build/boards.ts';
import { buildSerialFirmware } from '../../src/build/serial-firmware.ts';
import { TimeoutError, TinyforgeError } from '../../src/diagnostics.ts';
import { openDevice, type DeviceSession } from '../../src/device/device-session.ts';
import { encodeFrame } from '../../src/device/framing.ts';
import { MSG } from '../../src/device/protocol.ts';
import { alive, buildReverseFirmware, buildSilentFirmware, FIXTURES, sampleInput } from './device-fixture.ts';

/** Processes whose command line mentions `path` (to prove nothing was left running). */
function processesUsing(path: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(path)) pids.push(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

const reversed = (a: Uint8Array): number[] => Array.from(a).reverse();

for (const boardId of ['host', 'mps2-an386']) {
  describe(`serial device on ${boardId}`, () => {
    const board = loadBoard(boardId);
    let session: DeviceSession;

    beforeAll(async () => {
      session = await openDevice(board, await buildReverseFirmware(boardId));
    });
    afterAll(async () => {
      const pid = session?.pid;
      await session?.close();
      if (pid) expect(alive(pid)).toBe(false);
    });

    it('says hello with the board, the model and the timer', () => {
      const h = session.hello;
      expect(h.boardId).toBe(boardId);
      expect(h.protocolVersion).toBe(1);
      expect(h.modelHash).toBe(0x5eed1234);
      expect([h.inputBytes, h.outputBytes, h.arenaBytes, h.numLayers]).toEqual([16, 16, 16, 2]);
      expect(h.timerKind).toBe(boardId === 'host' ? 'nanoseconds' : 'core-clock');
      expect(h.stackBytes).toBe(board.stackBytes);
    });

    it('round-trips 10 inputs', async () => {
      for (let i = 0; i < 10; i++) {
        const input = sampleInput(i);
        const r = await session.run(input);
        expect(r.status).toBe(0);
        expect(Array.from(r.output)).toEqual(reversed(input));
        expect(r.latency.unit).toBe(board.cycleCounter.unit);
        expect(r.latency.value).toBeGreaterThan(0);
      }
    });

    it('profiles each layer and streams each layer output', async () => {
      const input = sampleInput(3);
      const p = await session.profile(input);
      expect(Array.from(p.output)).toEqual(reversed(input));
      expect(p.layers).toHaveLength(2);
      for (const l of p.layers) expect(l.value).toBeGreaterThan(0);
      const d = await session.debug(input);
      expect(d.layers.map((l) => l.layer)).toEqual([0, 1]);
      expect(Array.from(d.layers[0].output)).toEqual(reversed(input));
      expect(Array.from(d.output)).toEqual(reversed(input));
    });

    it('reports a painted-stack high-water mark', async () => {
      await session.run(sampleInput(1));
      const s = await session.stack();
      expect(s.stackBytes).toBe(board.stackBytes);
      expect(s.highWaterBytes).toBeGreaterThan(0);
      expect(s.highWaterBytes).toBeLessThan(s.stackBytes);
      expect(s.lastRunBytes).toBeGreaterThan(0);
      expect(s.lastRunBytes).toBeLessThanOrEqual(s.highWaterBytes);
      expect(s.overflowed).toBe(false);
    });

    it('answers a corrupted frame with an ERROR frame and keeps working', async () => {
      const link = session.protocol.link;
      const good = encodeFrame({ type: MSG.RUN, seq: 200, body: sampleInput(0) });
      const corrupt = good.slice();
      corrupt[5] ^= 0x40; // a flipped bit in the body: the CRC no longer matches
      link.markActivity();
      await link.sendRaw(corrupt);
      const reply = await link.receive(5000);
      expect(reply.type).toBe(MSG.ERROR);
      expect(reply.body[0]).toBe(1); // TFG_ERR_BAD_CRC
      const lost = Uint8Array.from([...good.slice(0, 7), ...good.slice(8)]); // one byte lost on the way
      await link.sendRaw(lost);
      const reply2 = await link.receive(5000);
      expect(reply2.type).toBe(MSG.ERROR);
      expect([1, 2, 4]).toContain(reply2.body[0]); // bad CRC, length or COBS, depending on which byte
      const r = await session.run(sampleInput(2));
      expect(Array.from(r.output)).toEqual(reversed(sampleInput(2)));
    });

    it('rejects an input of the wrong size on the device', async () => {
      const e = await session.protocol.run(new Uint8Array(5)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TinyforgeError);
      expect((e as TinyforgeError).code).toBe('device-error');
      expect((e as TinyforgeError).diagnostic.notes?.join()).toContain('bad-length');
    });
  });
}

describe('timing on mps2-an386 (-icount shift=3, SysTick)', () => {
  let session: DeviceSession;
  beforeAll(async () => {
    session = await openDevice(loadBoard('mps2-an386'), await buildReverseFirmware('mps2-an386'));
  });
  afterAll(async () => session?.close());

  it('counts a known-length loop as the expected number of instructions', async () => {
    for (const n of [1_000, 100_000, 2_000_000]) {
      const l = await session.calibrate(n);
      expect(l.unit).toBe('instructions');
      // 2 instructions per iteration (subs, bne) plus a handful for the call: within 1% + 10.
      expect(Math.abs((l.value as number) - 2 * n)).toBeLessThanOrEqual(0.01 * 2 * n + 10);
    }
  });

  it('gives exactly the same latency for the same inference (timer aligned to a tick before timing)', async () => {
    const values: number[] = [];
    for (let i = 0; i < 8; i++) values.push((await session.run(sampleInput(i))).latency.value as number);
    expect(new Set(values).size).toBe(1);
    const layers: string[] = [];
    for (let i = 0; i < 4; i++) layers.push((await session.profile(sampleInput(4))).layers.map((l) => l.value).join('/'));
    expect(new Set(layers).size).toBe(1);
    expect(session.hello.timerOverheadTicks).toBeGreaterThan(0);
  });
});

describe('microbit (nRF51, no timer under -icount)', () => {
  it('says hello and runs, with latency reported as unavailable', async () => {
    const s = await openDevice(loadBoard('microbit'), await buildReverseFirmware('microbit'));
    try {
      expect(s.hello.boardId).toBe('microbit');
      expect(s.hello.timerKind).toBe('none');
      const r = await s.run(sampleInput(7));
      expect(Array.from(r.output)).toEqual(reversed(sampleInput(7)));
      expect(r.latency).toEqual({ ticks: 0, value: null, unit: 'unavailable' });
    } finally {
      await s.close();
    }
  });
});

describe('failures', () => {
  it('gives a TimeoutError naming the port for a firmware that never says hello, and stops QEMU', async () => {
    const elf = await buildSilentFirmware('mps2-an386');
    const started = Date.now();
    const e = await openDevice(loadBoard('mps2-an386'), elf, { helloTimeoutMs: 500, helloRetries: 1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(5000);
    const d = (e as TimeoutError).diagnostic;
    expect(d.location?.port).toMatch(/^\/dev\/pts\//);
    expect(d.message).toContain('HELLO_REPLY');
    expect(processesUsing(elf)).toEqual([]);
  });

  it('fails cleanly when the emulator dies mid-session', async () => {
    const s = await openDevice(loadBoard('mps2-an386'), await buildReverseFirmware('mps2-an386'));
    process.kill(s.pid, 'SIGKILL');
    const e = await s.run(sampleInput(0)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TinyforgeError);
    expect(['link-error', 'timeout']).toContain((e as TinyforgeError).code);
    expect((e as TinyforgeError).diagnostic.location?.port).toBe(s.port);
    await s.close();
    expect(alive(s.pid)).toBe(false);
  });

  it('names the package when QEMU is missing', async () => {
    const real = loadBoard('mps2-an386');
    const board = { ...real, emulator: { ...real.emulator!, command: 'qemu-system-arm-not-installed' } };
    const e = await openDevice(board, await buildReverseFirmware('mps2-an386')).catch((x: unknown) => x);
    expect((e as TinyforgeError).code).toBe('missing-emulator');
    expect((e as TinyforgeError).diagnostic.hint).toContain('apt-get install qemu-system-arm');
  });
});

describe('other boards and builds', () => {
  it('runs the host firmware clean under AddressSanitizer and UBSan (stack painting included)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfg-asan-'));
    const san = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all'];
    const model = join(FIXTURES, 'reverse-model');
    const fw = await buildSerialFirmware(loadBoard('host'), {
      modelSources: [join(model, 'model.c')],
      includeDirs: [model],
      outDir: dir,
      extraCflags: san,
      extraLdflags: san,
    });
    const s = await openDevice(loadBoard('host'), fw.elfPath);
    try {
      for (let i = 0; i < 3; i++) expect(Array.from((await s.run(sampleInput(i))).output)).toEqual(reversed(sampleInput(i)));
      expect((await s.debug(sampleInput(5))).layers).toHaveLength(2);
      expect((await s.stack()).highWaterBytes).toBeGreaterThan(0);
      expect(s.processOutput()).toBe('');
    } finally {
      await s.close();
    }
  });

  it('mps2-an385-armv6m: Cortex-M0 code timed on mps2-an385, aligned and calibrated', async () => {
    const s = await openDevice(loadBoard('mps2-an385-armv6m'), await buildReverseFirmware('mps2-an385-armv6m'));
    try {
      const runs: (number | null)[] = [];
      for (let i = 0; i < 3; i++) runs.push((await s.run(sampleInput(i))).latency.value);
      expect(new Set(runs).size).toBe(1);
      expect((await s.calibrate(100_000)).value).toBeCloseTo(200_000, -2);
    } finally {
      await s.close();
    }
  });

  it('netduinoplus2: USART1 link and SysTick at 168 MHz give calibrated instructions', async () => {
    const s = await openDevice(loadBoard('netduinoplus2'), await buildReverseFirmware('netduinoplus2'));
    try {
      expect(s.hello.boardId).toBe('netduinoplus2');
      expect(Array.from((await s.run(sampleInput(9))).output)).toEqual(reversed(sampleInput(9)));
      const l = await s.calibrate(500_000);
      expect(l.unit).toBe('instructions');
      expect(Math.abs((l.value as number) - 1_000_000)).toBeLessThanOrEqual(0.01 * 1_000_000);
    } finally {
      await s.close();
    }
  });
});
