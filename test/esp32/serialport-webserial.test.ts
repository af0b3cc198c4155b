// The serialport→Web Serial adapter on a real pty: byte streams both ways, both modem lines tracked on every call,
// pty ioctl failures tolerated, in-place baud change, and a hang-up reported as a lost port.
import { afterEach, describe, expect, it } from 'vitest';
import { SerialPort } from 'serialport';
import { Transport } from 'esptool-js';
import { isPty, SerialportWebSerial, type ControlLines } from '../../src/device/flash/serialport-webserial.ts';
import { openPtyPair, type PtyPair } from './pty-pair.ts';

let pair: PtyPair | null = null;
let device: SerialPort | null = null;
afterEach(async () => {
  if (device?.isOpen) await new Promise<void>((r) => device!.close(() => r()));
  await pair?.close();
  pair = null;
  device = null;
});

async function openBoth(onSignals?: (l: ControlLines) => void) {
  pair = await openPtyPair();
  device = new SerialPort({ path: pair.devicePath, baudRate: 115200, autoOpen: false });
  await new Promise<void>((res, rej) => device!.open((e) => (e ? rej(e) : res())));
  const adapter = new SerialportWebSerial({ path: pair.hostPath, onSignals, usbVendorId: 0x10c4, usbProductId: 0xea60 });
  await adapter.open({ baudRate: 115200 });
  return { adapter, device };
}

describe('SerialportWebSerial', () => {
  it('carries bytes both ways through its Web streams', async () => {
    const { adapter, device } = await openBoth();
    const got = new Promise<Buffer>((r) => device.once('data', r));
    const writer = adapter.writable!.getWriter();
    await writer.write(Uint8Array.from([0xc0, 1, 2, 0xdb, 0xc0]));
    writer.releaseLock();
    expect([...(await got)]).toEqual([0xc0, 1, 2, 0xdb, 0xc0]);

    const reader = adapter.readable!.getReader();
    device.write(Buffer.from('OHAI'));
    const { value } = await reader.read();
    reader.releaseLock();
    expect(Buffer.from(value!).toString()).toBe('OHAI');
    await adapter.close();
    expect(adapter.isOpen).toBe(false);
    expect(adapter.readable).toBeNull();
  });

  it('tracks DTR and RTS together, so setting one never changes the other (serialport.set() would set it true)', async () => {
    const seen: ControlLines[] = [];
    const { adapter } = await openBoth((l) => seen.push(l));
    await adapter.setSignals({ requestToSend: true });
    await adapter.setSignals({ dataTerminalReady: true });
    await adapter.setSignals({ requestToSend: false });
    // esptool-js's Transport.setRTS/setDTR name one line per call, as Web Serial allows.
    const transport = new Transport(adapter as unknown as ConstructorParameters<typeof Transport>[0]);
    await transport.setDTR(false);
    expect(seen).toEqual([
      { dtr: false, rts: false }, // open() applies the idle state
      { dtr: false, rts: true },
      { dtr: true, rts: true },
      { dtr: true, rts: false },
      { dtr: false, rts: false },
    ]);
    await adapter.close();
  });

  it('knows a pty (where line ioctls and baud rates do not exist) and changes baud in place there without error', async () => {
    const { adapter } = await openBoth();
    expect(isPty(pair!.hostPath)).toBe(true);
    expect(isPty('/dev/ttyUSB0')).toBe(false);
    await expect(adapter.setBaudRate(921600)).resolves.toBeUndefined();
    expect(adapter.getInfo()).toEqual({ usbVendorId: 0x10c4, usbProductId: 0xea60 });
    await adapter.close();
  });

  it('reports a hang-up as a lost port and ends its readable stream', async () => {
    const { adapter } = await openBoth();
    const reader = adapter.readable!.getReader();
    const read = reader.read().then(
      (r) => ({ done: r.done, error: null as unknown }),
      (error: unknown) => ({ done: true, error }),
    );
    await pair!.close();
    const r = await read;
    expect(r.done).toBe(true);
    expect(adapter.lostError).not.toBeNull();
    expect(adapter.readable).toBeNull();
    await expect(adapter.setSignals({ requestToSend: true })).rejects.toBeTruthy();
  });
});
