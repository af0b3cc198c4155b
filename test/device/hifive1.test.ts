// hifive1 (QEMU sifive_e, RV32): the serial runtime on RISC-V over a real pty: the stand-in model round trip, exact
// instruction counts from minstret under -icount shift=0, and a PTQ int8 model whose bytes match the reference.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/build/boards.ts';
import { buildSerialFirmware } from '../../src/build/serial-firmware.ts';
import { openDevice, type DeviceSession } from '../../src/device/device-session.ts';
import { int8Cnn, int8Inputs, referenceOutput, writeModel, type Int8Model } from '../esp32/int8-model.ts';
import { alive, buildReverseFirmware, sampleInput } from './device-fixture.ts';

const board = loadBoard('hifive1');

describe('hifive1: stand-in reverse model over the serial link', () => {
  let session: DeviceSession;
  beforeAll(async () => {
    session = await openDevice(board, await buildReverseFirmware('hifive1'));
  });
  afterAll(async () => {
    const pid = session?.pid;
    await session?.close();
    if (pid) expect(alive(pid)).toBe(false);
  });

  it('says hello with the board, the model and a retired-instruction timer', () => {
    const h = session.hello;
    expect(h.boardId).toBe('hifive1');
    expect(h.modelHash).toBe(0x5eed1234);
    expect([h.inputBytes, h.outputBytes, h.arenaBytes, h.numLayers]).toEqual([16, 16, 16, 2]);
    expect(h.timerKind).toBe('instructions');
    expect(h.stackBytes).toBe(board.stackBytes);
  });

  it('round-trips 10 inputs with the same instruction count for every run', async () => {
    const counts = new Set<number>();
    for (let i = 0; i < 10; i++) {
      const r = await session.run(sampleInput(i));
      expect(Array.from(r.output)).toEqual(Array.from(sampleInput(i)).reverse());
      expect(r.latency.unit).toBe('instructions');
      counts.add(r.latency.value as number);
    }
    // The reverse loop does not branch on the data: every run retires exactly the same instructions.
    expect(counts.size).toBe(1);
    expect([...counts][0]).toBeGreaterThan(16 * 2);
  });

  it('counts a known loop exactly: 2 instructions per iteration plus a fixed call cost', async () => {
    const fixed: number[] = [];
    for (const n of [1_000, 100_000, 2_000_000]) {
      const l = await session.calibrate(n);
      expect(l.unit).toBe('instructions');
      fixed.push((l.value as number) - 2 * n);
    }
    expect(new Set(fixed).size).toBe(1);
    expect(fixed[0]).toBeGreaterThanOrEqual(0);
    expect(fixed[0]).toBeLessThan(20);
  });

  it('reports a painted-stack high-water mark inside the 4 KB stack', async () => {
    const s = await session.stack();
    expect(s.stackBytes).toBe(4096);
    expect(s.highWaterBytes).toBeGreaterThan(0);
    expect(s.highWaterBytes).toBeLessThan(4096);
  });
});

describe('hifive1: generated int8 model (PTQ) against the reference interpreter', () => {
  let model: Int8Model;
  let session: DeviceSession;
  let dir: string;
  beforeAll(async () => {
    model = await int8Cnn(board.kernels);
    dir = mkdtempSync(join(tmpdir(), 'tfg-hifive1-int8-'));
    const modelDir = join(dir, 'model');
    const sources = writeModel(modelDir, model.gen);
    const fw = await buildSerialFirmware(board, {
      modelSources: sources,
      includeDirs: [modelDir, join(modelDir, 'tfg/include')],
      outDir: join(dir, 'fw'),
    });
    expect(fw.size.text).toBeGreaterThan(0);
    session = await openDevice(board, fw.elfPath);
  });
  afterAll(async () => {
    await session?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('announces the generated model', () => {
    expect(session.hello.modelHash).toBe(model.gen.hash);
    expect(session.hello.inputBytes).toBe(64);
    expect(session.hello.outputBytes).toBe(10);
    expect(session.hello.arenaBytes).toBe(model.gen.arenaBytes);
  });

  it('gives byte-identical outputs to the reference interpreter on 12 inputs, in a deterministic instruction count', async () => {
    const counts = new Map<number, number>();
    for (const [i, input] of int8Inputs(12).entries()) {
      const bytes = new Uint8Array(input.buffer);
      const r = await session.run(bytes);
      expect(r.status).toBe(0);
      expect(Array.from(r.output), `input ${i}`).toEqual(Array.from(referenceOutput(model, input)));
      const again = await session.run(bytes);
      expect(again.latency.value, `input ${i} run twice`).toBe(r.latency.value);
      counts.set(i, r.latency.value as number);
    }
    // A conv+dense model of ~2.6k MACs costs thousands of instructions on RV32IMC, not tens.
    for (const c of counts.values()) expect(c).toBeGreaterThan(5_000);
  });

  it('profiles per layer; the layers add up to the whole run', async () => {
    const input = new Uint8Array(int8Inputs(1, 99)[0].buffer);
    const p = await session.profile(input);
    expect(p.layers).toHaveLength(model.graph.nodes.length);
    const sum = p.layers.reduce((s, l) => s + (l.value as number), 0);
    expect(sum).toBeLessThanOrEqual(p.latency.value as number);
    expect(sum).toBeGreaterThan(0.9 * (p.latency.value as number));
  });
});
