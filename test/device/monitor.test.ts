// `tinyforge monitor` against a real pty peer: socat joins two ptys, the test writes text and frames encoded by the
// protocol's own encoder into one end as a board would, and the monitor (a real process on the other end) must show the
// text as it is and every frame decoded; Ctrl-C and a vanished port end it with exit 0, a port that does not exist with 2.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/build/boards.ts';
import { encodeFrame, type Frame } from '../../src/device/framing.ts';
import { MSG, PROTOCOL_VERSION } from '../../src/device/protocol.ts';
import { startQemu, type EmulatorHandle } from '../../src/device/qemu.ts';
import { buildReverseFirmware, sampleInput } from './device-fixture.ts';
import { MonitorStream, type MonitorEvent } from '../../src/device/monitor-stream.ts';
import { openPtyPair, type PtyPair } from '../esp32/pty-pair.ts';

/** A HELLO_REPLY body laid out as firmware/runtime/tfg_serve.c's on_hello sends it. */
function helloReplyBody(board: string): Uint8Array {
  const body = new Uint8Array(37 + board.length);
  const v = new DataView(body.buffer);
  body[0] = 1; // protocol version
  body[1] = 3; // timer kind: instructions
  [0x12345678, 7840, 784, 10, 7, 5, 4096, 900].forEach((x, i) => v.setUint32(4 + 4 * i, x, true));
  body[36] = board.length;
  body.set(Buffer.from(board, 'latin1'), 37);
  return body;
}

/** A RESULT body: status, ticks (lo, hi), the output tensor. */
function resultBody(ticks: number, output: number[]): Uint8Array {
  const body = new Uint8Array(12 + output.length);
  const v = new DataView(body.buffer);
  v.setInt32(0, 0, true);
  v.setUint32(4, ticks, true);
  body.set(
    Int8Array.from(output).map((x) => x & 0xff),
    12,
  );
  return body;
}

const hello: Frame = { type: MSG.HELLO_REPLY, seq: 1, body: helloReplyBody('mps2-an386') };
const result: Frame = { type: MSG.RESULT, seq: 0, body: resultBody(1137405, [-128, 5, 127, -3]) };
const damaged = (() => {
  const bytes = encodeFrame({ type: MSG.RESULT, seq: 2, body: resultBody(9, [1, 2]) });
  bytes[13] ^= 0x40; // a flipped bit in the ticks (a data byte, not a COBS code): the CRC no longer matches
  return bytes;
})();
const stream = Buffer.concat([
  Buffer.from('boot ok\n'),
  encodeFrame(hello),
  Buffer.from('calibrating...'),
  encodeFrame(result),
  Buffer.from(damaged),
  Buffer.from('bye\n'),
]);

const expected: Partial<MonitorEvent>[] = [
  { kind: 'text', text: 'boot ok\n' },
  { kind: 'frame', name: 'HELLO_REPLY', seq: 1, bodyBytes: 47 },
  { kind: 'text', text: 'calibrating...' },
  { kind: 'frame', name: 'RESULT', seq: 0, bodyBytes: 16 },
  { kind: 'bad-frame', reason: 'CRC mismatch' },
  { kind: 'text', text: 'bye\n' },
];

describe('monitor stream', () => {
  it('tells text from frames however the bytes are split, and decodes each frame by its layout', () => {
    for (const size of [1, 3, 7, stream.length]) {
      const s = new MonitorStream();
      const events: MonitorEvent[] = [];
      for (let i = 0; i < stream.length; i += size) events.push(...s.push(stream.subarray(i, i + size)));
      events.push(...s.end());
      expect(events.map((e) => e.kind)).toEqual(expected.map((e) => e.kind));
      expected.forEach((e, i) => expect(events[i], `chunks of ${size}`).toMatchObject(e));
      expect(events[1]).toMatchObject({
        fields: { protocol: 1, timer: 'instructions', model_hash: '0x12345678', arena_bytes: 7840, input_bytes: 784, board: 'mps2-an386' },
      });
      expect(events[3]).toMatchObject({ fields: { status: 0, ticks: 1137405, output_bytes: 4 } });
    }
  });

  it('keeps text that holds a frame-start byte but no frame as text', () => {
    const s = new MonitorStream();
    const events = [...s.push(Buffer.from('a\x02b\n')), ...s.push(Uint8Array.of(0)), ...s.end()];
    expect(events).toEqual([{ kind: 'text', text: 'a\x02b\n' }]);
  });
});

let pair: PtyPair | null = null;
let monitor: ChildProcess | null = null;
let qemu: EmulatorHandle | null = null;
afterEach(async () => {
  await qemu?.stop();
  qemu = null;
  if (monitor && monitor.exitCode === null && monitor.signalCode === null) monitor.kill('SIGKILL');
  monitor = null;
  await pair?.close();
  pair = null;
});

/** Starts `tinyforge monitor` on `port`; resolves once it has the port open. */
async function startMonitor(port: string, json: boolean) {
  const child = spawn('node', ['bin/tinyforge.js', 'monitor', '--port', port, ...(json ? ['--json'] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  monitor = child;
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitFor(
    () => stderr.includes('monitoring'),
    () => `monitor did not start: ${stderr}`,
  );
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function waitFor(ok: () => boolean, what: () => string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error(what());
    await new Promise((r) => setTimeout(r, 20));
  }
}

function writeAsDevice(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

describe('tinyforge monitor', () => {
  it('prints text as it is and frames decoded, one JSON object a line with --json, and ends on Ctrl-C with exit 0', async () => {
    pair = await openPtyPair();
    const m = await startMonitor(pair.hostPath, true);
    writeAsDevice(pair.devicePath, stream);
    await waitFor(
      () => m.out().includes('bye'),
      () => `got: ${m.out()}`,
    );
    m.child.kill('SIGINT');
    expect(await m.exited).toBe(0);
    const events = m
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e: MonitorEvent) => e.kind)).toEqual(expected.map((e) => e.kind));
    expected.forEach((e, i) => expect(events[i]).toMatchObject(e));
    expect(m.err()).toContain('stopped (Ctrl-C); 2 frame(s), 3 text chunk(s), 1 damaged frame(s)');
  });

  it('shows frames as lines of their own between the text, and ends by itself when the other end hangs up', async () => {
    pair = await openPtyPair();
    const m = await startMonitor(pair.hostPath, false);
    writeAsDevice(pair.devicePath, stream);
    await waitFor(
      () => m.out().includes('bye'),
      () => `got: ${m.out()}`,
    );
    await pair.close();
    expect(await m.exited).toBe(0);
    expect(m.out()).toBe(
      'boot ok\n' +
        '[HELLO_REPLY seq 1, 47 B] protocol 1, timer instructions, model hash 0x12345678, arena bytes 7840, input bytes 784, ' +
        'output bytes 10, layers 7, timer overhead ticks 5, stack bytes 4096, rx capacity 900, board mps2-an386\n' +
        'calibrating...\n' +
        '[RESULT seq 0, 16 B] status 0, ticks 1137405, output bytes 4\n' +
        `[damaged frame, ${damaged.length - 1} B: CRC mismatch]\n` +
        'bye\n',
    );
    expect(m.err()).toContain('the port closed');
  });

  it("decodes our serial firmware's own replies on QEMU mps2-an386, watching while something else drives the board", async () => {
    qemu = await startQemu(loadBoard('mps2-an386'), await buildReverseFirmware('mps2-an386'));
    const m = await startMonitor(qemu.ptyPath, true);
    // The requests go in through a second opening of the same pty; the replies come out to its only reader, the monitor.
    const input = sampleInput(3);
    writeAsDevice(
      qemu.ptyPath,
      Buffer.concat([
        Uint8Array.of(0),
        encodeFrame({ type: MSG.HELLO, seq: 7, body: Uint8Array.of(PROTOCOL_VERSION) }),
        encodeFrame({ type: MSG.RUN, seq: 8, body: input }),
      ]),
    );
    await waitFor(
      () => m.out().includes('"RESULT"'),
      () => `got: ${m.out()} ${m.err()}`,
      60_000,
    );
    m.child.kill('SIGINT');
    expect(await m.exited).toBe(0);
    const frames = m
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((e: MonitorEvent) => e.kind === 'frame');
    expect(frames).toMatchObject([
      { name: 'HELLO_REPLY', seq: 7, fields: { protocol: PROTOCOL_VERSION, timer: 'core-clock', board: 'mps2-an386', input_bytes: 16 } },
      { name: 'RESULT', seq: 8, fields: { status: 0, output_bytes: 16 } },
    ]);
    expect(frames[1].fields.ticks).toBeGreaterThan(0);
  });

  it('a port that does not exist is a link-error, exit 2', () => {
    const r = spawnSync('node', ['bin/tinyforge.js', 'monitor', '--port', '/dev/tinyforge-no-such-port'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('link-error');
    expect(r.stderr).toContain('cannot open serial port /dev/tinyforge-no-such-port');
  });
});
