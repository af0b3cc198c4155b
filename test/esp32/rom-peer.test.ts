// The ROM side of the peer as esptool-js sees it without the stub: what makes "stub always" necessary (the ROM's
// hex-ASCII MD5 that esptool-js misreads), the ROM's answer to unknown commands, and no answers unless reset into download.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ESPLoader, Transport, UnsupportedCommandError } from 'esptool-js';
import { SerialportWebSerial } from '../../src/device/flash/serialport-webserial.ts';
import { openPtyPair, type PtyPair } from './pty-pair.ts';
import { RomPeer } from './rom-peer.ts';

let pair: PtyPair | null = null;
let peer: RomPeer | null = null;
let adapter: SerialportWebSerial | null = null;
afterEach(async () => {
  await adapter?.close();
  await peer?.close();
  await pair?.close();
  pair = peer = adapter = null;
});

async function romLoader() {
  pair = await openPtyPair();
  const p = (peer = new RomPeer({ path: pair.devicePath }));
  await p.open();
  adapter = new SerialportWebSerial({ path: pair.hostPath, onSignals: (l) => p.setLines(l) });
  const transport = new Transport(adapter as unknown as ConstructorParameters<typeof Transport>[0]);
  transport.trace = () => {};
  const quiet = { clean: () => {}, writeLine: () => {}, write: () => {} };
  return { loader: new ESPLoader({ transport, baudrate: 115200, terminal: quiet }), peer: p };
}

describe('RomPeer as the ESP32 ROM loader', () => {
  it('returns MD5 as 32 hex characters, which esptool-js ROM-mode hex-encodes again (why tinyforge always uses the stub)', async () => {
    const { loader, peer } = await romLoader();
    await loader.connect('default_reset', 2, true);
    expect(loader.chip.CHIP_NAME).toBe('ESP32');
    expect(loader.IS_STUB).toBe(false);
    const md5 = createHash('md5').update(peer.flash.subarray(0x1000, 0x2000)).digest('hex');
    const got = await loader.flashMd5sum(0x1000, 0x1000);
    expect(got).toBe(Buffer.from(md5, 'ascii').toString('hex'));
    expect(got).not.toBe(md5);
  });

  it('answers an unknown command (GET_SECURITY_INFO on ESP32) in the form esptool-js reads as "unsupported"', async () => {
    const { loader } = await romLoader();
    await loader.connect('default_reset', 2, false);
    await expect(loader.getSecurityInfo(false)).rejects.toBeInstanceOf(UnsupportedCommandError);
    // The loader is still in step afterwards: the repeated error responses were drained.
    expect((await loader.readReg(0x40001000)) >>> 0).toBe(0x00f01d83);
  });

  it('stays silent without a reset into download mode (the chip is running its app)', async () => {
    const { loader, peer } = await romLoader();
    await expect(loader.connect('no_reset', 1, false)).rejects.toThrow(/connect/i);
    expect(peer.state).toBe('app');
    expect(peer.received).toEqual([]);
  });
});
