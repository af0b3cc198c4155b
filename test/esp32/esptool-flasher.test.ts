// flashWithEsptool: board id + an ESP-IDF flasher_args.json → a verified flash on the peer; a build for another chip
// is refused before a byte goes to the port.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flashWithEsptool } from '../../src/device/flash/esptool.ts';
import { SerialportWebSerial } from '../../src/device/flash/serialport-webserial.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { writeBuildDir } from './build-dir.ts';
import { esp32FlashSet } from './esp-image.ts';
import { openPtyPair, type PtyPair } from './pty-pair.ts';
import { RomPeer } from './rom-peer.ts';

let pair: PtyPair | null = null;
let peer: RomPeer | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await peer?.close();
  await pair?.close();
  pair = peer = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function rig() {
  pair = await openPtyPair();
  const p = (peer = new RomPeer({ path: pair.devicePath }));
  await p.open();
  return { peer: p, adapter: new SerialportWebSerial({ path: pair.hostPath, onSignals: (l) => p.setLines(l) }) };
}

describe('flashWithEsptool', () => {
  it('flashes every file of the build at its offset on the board named by id', async () => {
    const images = esp32FlashSet(16 * 1024);
    const dir = writeBuildDir(images, 'esp32');
    dirs.push(dir);
    const { peer, adapter } = await rig();
    const result = await flashWithEsptool({ board: 'esp32', port: adapter, flasherArgs: join(dir, 'flasher_args.json') });
    expect(result.images.map((i) => i.offset)).toEqual([0x1000, 0x8000, 0x10000]);
    for (const img of images) {
      expect(Buffer.compare(Buffer.from(peer.flash.subarray(img.offset, img.offset + img.data.length)), Buffer.from(img.data))).toBe(0);
    }
  });

  it('refuses a build made for another chip without talking to the board', async () => {
    const dir = writeBuildDir(esp32FlashSet(4096), 'esp32s3');
    dirs.push(dir);
    const { peer, adapter } = await rig();
    const err = await flashWithEsptool({ board: 'esp32', port: adapter, flasherArgs: join(dir, 'flasher_args.json') }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TinyforgeError);
    expect((err as TinyforgeError).code).toBe('esp-wrong-chip');
    expect((err as TinyforgeError).diagnostic.hint).toContain('idf.py set-target esp32');
    expect(peer.received).toEqual([]);
    expect(peer.circuit.boots).toEqual([]);
  });
});
