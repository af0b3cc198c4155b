// A pty whose far end is gone must close the port with a disconnect error, whichever way the kernel's race goes:
// a read during the hang-up fails with EIO, a read after it returns end of file (which stock serialport retries forever).
// socat's exit is reported only after its ptys are closed and the slave hung up, so reading after `pair.close()`
// always takes the end-of-file path.
import { afterEach, describe, expect, it } from 'vitest';
import { newSerialPort } from '../../src/device/serial-port.ts';
import { SerialLink } from '../../src/device/serial-link.ts';
import { openPtyPair, type PtyPair } from '../esp32/pty-pair.ts';

let pair: PtyPair | null = null;
afterEach(async () => {
  await pair?.close();
  pair = null;
});

describe('serial port hang-up', () => {
  it('closes with a disconnect error when reading starts after the hang-up is complete', async () => {
    pair = await openPtyPair();
    const port = newSerialPort(pair.hostPath, 115200);
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
    await pair.close();
    const closed = new Promise<(Error & { disconnected?: boolean }) | null>((r) => port.once('close', r));
    port.on('data', () => {});
    const err = await closed;
    expect(err?.disconnected).toBe(true);
    expect(err?.message).toMatch(/hung up/);
    expect(port.isOpen).toBe(false);
  });

  it('fails a SerialLink waiting for a frame when the emulator end goes away', async () => {
    pair = await openPtyPair();
    const link = new SerialLink(pair.hostPath);
    await link.open();
    await pair.close();
    await expect(link.receive(10_000)).rejects.toThrow(/serial port closed/);
    await link.close();
  });
});
