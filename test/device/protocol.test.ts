// The host protocol against a scripted peer on a real pty pair (socat): retries on damaged replies, timeouts
// that say what came, version mismatch. Things a healthy firmware never does, so they need a misbehaving peer.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { TimeoutError, TinyforgeError } from '../../src/diagnostics.ts';
import { encodeFrame, type Frame } from '../../src/device/framing.ts';
import { DeviceProtocol, MSG } from '../../src/device/protocol.ts';
import { SerialLink } from '../../src/device/serial-link.ts';

/** Two connected ptys from socat; returns their paths. */
async function ptyPair(): Promise<{ a: string; b: string; proc: ChildProcess }> {
  const proc = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  const paths = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socat gave no ptys: ${text}`)), 5000);
    proc.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      const found = [...text.matchAll(/PTY is (\/dev\/pts\/\d+)/g)].map((m) => m[1]);
      if (found.length === 2 && /starting data transfer loop/.test(text)) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  return { a: paths[0], b: paths[1], proc };
}

function helloReplyBody(version = 1): Uint8Array {
  const id = Buffer.from('fake-board');
  const b = new Uint8Array(37 + id.length);
  const v = new DataView(b.buffer);
  b[0] = version;
  b[1] = 1;
  v.setUint32(4, 0xabcdef01, true);
  v.setUint32(12, 16, true);
  b[36] = id.length;
  b.set(id, 37);
  return b;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(): Promise<{ host: SerialLink; peer: SerialLink }> {
  const pair = await ptyPair();
  cleanup.push(() => void pair.proc.kill());
  const host = new SerialLink(pair.a);
  const peer = new SerialLink(pair.b);
  await host.open();
  await peer.open();
  cleanup.push(
    () => host.close(),
    () => peer.close(),
  );
  return { host, peer };
}

/** Answers requests with `reply(request, attempt)`; raw bytes are written as they are. */
function serve(peer: SerialLink, reply: (req: Frame, attempt: number) => Uint8Array | undefined): void {
  let attempt = 0;
  const loop = async (): Promise<void> => {
    for (;;) {
      let req: Frame;
      try {
        req = await peer.receive(60_000);
      } catch {
        return;
      }
      const out = reply(req, ++attempt);
      if (out) await peer.sendRaw(out);
    }
  };
  void loop();
}

describe('protocol against a scripted peer', () => {
  it('retries at once when a reply arrives damaged', async () => {
    const { host, peer } = await setup();
    serve(peer, (req, attempt) => {
      const good = encodeFrame({ type: MSG.HELLO_REPLY, seq: req.seq, body: helloReplyBody() });
      if (attempt > 1) return good;
      const bad = good.slice();
      bad[6] ^= 0x01;
      if (bad[6] === 0) bad[6] = 0x42;
      return bad;
    });
    const started = Date.now();
    const hello = await new DeviceProtocol(host, { timeoutMs: 5000, retries: 2 }).hello();
    expect(hello.boardId).toBe('fake-board');
    expect(hello.modelHash).toBe(0xabcdef01);
    expect(Date.now() - started).toBeLessThan(4000); // did not wait out the 5 s timeout
  });

  it('times out naming the port, the expected frame and the bytes that came', async () => {
    const { host, peer } = await setup();
    serve(peer, () => Uint8Array.of(0x13, 0x37)); // noise without a delimiter, never a frame
    const started = Date.now();
    const e = await new DeviceProtocol(host, { timeoutMs: 300, retries: 1 }).hello().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimeoutError);
    const d = (e as TimeoutError).diagnostic;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(d.location?.port).toBe(host.port);
    expect(d.message).toContain('HELLO');
    expect(d.message).toContain('HELLO_REPLY');
    expect(d.message).toMatch(/2 attempt\(s\) over \d+ ms/);
    expect(d.notes?.[0]).toContain('13 37');
  });

  it('refuses a device that speaks another protocol version', async () => {
    const { host, peer } = await setup();
    serve(peer, (req) => encodeFrame({ type: MSG.HELLO_REPLY, seq: req.seq, body: helloReplyBody(9) }));
    const e = await new DeviceProtocol(host, { timeoutMs: 2000 }).hello().catch((x: unknown) => x);
    expect((e as TinyforgeError).code).toBe('protocol-version');
  });

  it('ignores stale replies with another sequence number', async () => {
    const { host, peer } = await setup();
    serve(peer, (req) =>
      Uint8Array.from([
        ...encodeFrame({ type: MSG.STACK_REPLY, seq: (req.seq + 100) & 0xff, body: new Uint8Array(16).fill(0xee) }),
        ...encodeFrame({ type: MSG.STACK_REPLY, seq: req.seq, body: Uint8Array.of(0, 1, 0, 0, 5, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0) }),
      ]),
    );
    const s = await new DeviceProtocol(host, { timeoutMs: 2000 }).stack();
    expect(s).toEqual({ stackBytes: 256, highWaterBytes: 5, lastRunBytes: 3, overflowed: false });
  });
});
