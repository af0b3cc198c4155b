// flashEsp32 end to end: the real esptool-js client, through our serialport adapter and a socat pty, against the
// ROM/stub peer; checks every stored byte, the reset circuit's boots, and each fault path's error code.
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { flashEsp32, type FlashProgress } from '../../src/device/flash/esp32.ts';
import { loadFlasherArgs } from '../../src/device/flash/flasher-args.ts';
import { SerialportWebSerial } from '../../src/device/flash/serialport-webserial.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { writeBuildDir } from './build-dir.ts';
import { esp32FlashSet } from './esp-image.ts';
import { openPtyPair, type PtyPair } from './pty-pair.ts';
import { OP, RomPeer, type RomPeerOptions } from './rom-peer.ts';

let pair: PtyPair | null = null;
let peer: RomPeer | null = null;

afterEach(async () => {
  await peer?.close();
  await pair?.close();
  peer = null;
  pair = null;
});

async function rig(options: Omit<RomPeerOptions, 'path'> = {}) {
  pair = await openPtyPair();
  peer = new RomPeer({ path: pair.devicePath, ...options });
  await peer.open();
  const p = peer;
  // A pty has no modem lines: the adapter reports DTR/RTS to the peer's auto-reset circuit instead (see docs/hardware.md).
  const adapter = new SerialportWebSerial({ path: pair.hostPath, onSignals: (lines) => p.setLines(lines) });
  return { peer: p, adapter };
}

async function codeOf(promise: Promise<unknown>): Promise<TinyforgeError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TinyforgeError);
  return err as TinyforgeError;
}

describe('flashEsp32 against the ESP32 ROM/stub peer on a pty', () => {
  it('writes bootloader, partition table and app; the peer holds every byte; the hard reset boots the app', async () => {
    const { peer, adapter } = await rig();
    const buildDir = writeBuildDir(esp32FlashSet());
    const { images } = await loadFlasherArgs(join(buildDir, 'flasher_args.json'));
    rmSync(buildDir, { recursive: true, force: true });
    const progress: FlashProgress[] = [];
    const result = await flashEsp32({ port: adapter, images, chip: 'esp32', onProgress: (p) => progress.push(p) });

    for (const img of images) {
      const stored = peer.flash.subarray(img.offset, img.offset + img.data.length);
      expect(Buffer.compare(Buffer.from(stored), Buffer.from(img.data)), `image at 0x${img.offset.toString(16)}`).toBe(0);
    }
    // Nothing written outside the images: the gaps still read as erased flash.
    expect(peer.flash.subarray(0, 0x1000).every((b) => b === 0xff)).toBe(true);
    const blEnd = 0x1000 + images[0].data.length;
    expect(peer.flash.subarray(blEnd + ((4 - (blEnd % 4)) % 4), 0x8000).every((b) => b === 0xff)).toBe(true);

    expect(result.chip).toBe('ESP32');
    expect(result.description).toBe('ESP32-D0WD-V3 (revision 3)');
    expect(result.mac).toBe('24:0a:c4:12:34:56');
    expect(result.flashSize).toBe('4MB');
    expect(result.images.map((i) => i.offset)).toEqual([0x1000, 0x8000, 0x10000]);

    // The conversation went through the stub, at the new baud rate, compressed, with SPI set-up and MD5 checks.
    const ops = new Set(peer.received);
    for (const op of [
      OP.SYNC,
      OP.READ_REG,
      OP.WRITE_REG,
      OP.MEM_BEGIN,
      OP.MEM_DATA,
      OP.MEM_END,
      OP.CHANGE_BAUDRATE,
      OP.SPI_ATTACH,
      OP.SPI_SET_PARAMS,
      OP.FLASH_DEFL_BEGIN,
      OP.FLASH_DEFL_DATA,
      OP.FLASH_DEFL_END,
      OP.SPI_FLASH_MD5,
    ]) {
      expect(ops.has(op), `op 0x${op.toString(16)}`).toBe(true);
    }
    expect(ops.has(OP.FLASH_DATA)).toBe(false);
    expect(peer.received.filter((op) => op === OP.SPI_FLASH_MD5)).toHaveLength(3);
    expect(peer.baudChanges).toEqual([460800]);
    expect(peer.spiParams?.[1]).toBe(4 * 1024 * 1024);
    expect(peer.regs.spiCommands).toContain(0x9f);
    expect(peer.errors).toEqual([]);

    // The classic reset put the chip in download mode; our D0|R1|W100|R0 then rebooted it from SPI flash.
    await new Promise((r) => setTimeout(r, 20)); // EN's RC rise time
    expect(peer.circuit.boots).toEqual(['download', 'spi-flash']);
    expect(peer.state).toBe('app');
    // ...and the ROM found a bootable image there: magic, checksum and SHA-256 as esptool-js left them.
    expect(peer.bootedImage?.entry).toBe(0x40080644);
    expect(adapter.isOpen).toBe(false);

    const writes = progress.filter((p) => p.stage === 'write');
    const last = writes.filter((p) => p.image === 2).at(-1)!;
    expect(last.sent).toBe(last.total);
    expect(progress.map((p) => p.stage)).toContain('verify');
  });

  it('a chip that never answers gives esp-no-sync naming the port, within a bounded time', async () => {
    const { adapter } = await rig({ faults: { silent: true } });
    const t0 = performance.now();
    const err = await codeOf(flashEsp32({ port: adapter, images: esp32FlashSet(4096), connectAttempts: 2 }));
    const seconds = (performance.now() - t0) / 1000;
    expect(err.code).toBe('esp-no-sync');
    expect(err.message).toContain(adapter.path);
    expect(err.diagnostic.hint).toMatch(/hold BOOT/);
    expect(seconds).toBeLessThan(6);
    expect(adapter.isOpen).toBe(false);
  });

  it('a corrupted data frame is rejected by the stub checksum, resent by esptool-js, and the flash is still exact', async () => {
    const { peer, adapter } = await rig({ faults: { corruptCommand: { op: OP.FLASH_DEFL_DATA, nth: 3 } } });
    const images = esp32FlashSet();
    await flashEsp32({ port: adapter, images, chip: 'esp32' });
    expect(peer.errors).toEqual([{ op: OP.FLASH_DEFL_DATA, code: 0xc1 }]);
    for (const img of images) {
      expect(Buffer.compare(Buffer.from(peer.flash.subarray(img.offset, img.offset + img.data.length)), Buffer.from(img.data))).toBe(0);
    }
  });

  it('a block corrupted on every attempt stops with esp-write-failed naming the block, image and stub error', async () => {
    const { peer, adapter } = await rig({ faults: { corruptCommand: { op: OP.FLASH_DEFL_DATA, nth: 2, times: 3 } } });
    const err = await codeOf(flashEsp32({ port: adapter, images: esp32FlashSet(), chip: 'esp32' }));
    expect(err.code).toBe('esp-write-failed');
    // Blocks 0 (0x1000) and 0 (0x8000) went through; the third FLASH_DEFL_DATA is block 0 of the app.
    expect(err.message).toMatch(/block 0 of the image at 0x10000 .* error 0xc1 \(bad checksum/);
    expect(peer.errors).toEqual(Array(3).fill({ op: OP.FLASH_DEFL_DATA, code: 0xc1 }));
  });

  it('a byte that flips in flash after writing is caught by MD5: esp-md5-mismatch with offset, expected and got', async () => {
    const images = esp32FlashSet();
    const { adapter } = await rig({ faults: { flipFlashByteAt: 0x10000 + 5000 } });
    const err = await codeOf(flashEsp32({ port: adapter, images, chip: 'esp32' }));
    expect(err.code).toBe('esp-md5-mismatch');
    expect(err.message).toContain('0x10000');
    const [expected, got] = [...err.message.matchAll(/\b[0-9a-f]{32}\b/g)].map((m) => m[0]);
    expect(expected).toBeDefined();
    expect(got).toBeDefined();
    expect(expected).not.toBe(got);
  });

  it('the port closing mid-write gives esp-port-closed, promptly', async () => {
    let hungUp = false;
    const { adapter } = await rig({
      onCommand: (op, data) => {
        const seq = data[4] | (data[5] << 8);
        if (op === OP.FLASH_DEFL_DATA && seq === 1 && !hungUp) {
          hungUp = true;
          void pair!.close(); // socat exits: both ptys hang up, like a USB-serial adapter pulled out
        }
      },
    });
    const t0 = performance.now();
    const err = await codeOf(flashEsp32({ port: adapter, images: esp32FlashSet(), chip: 'esp32' }));
    expect(hungUp).toBe(true);
    expect(err.code).toBe('esp-port-closed');
    expect(err.message).toContain(adapter.path);
    expect(performance.now() - t0).toBeLessThan(8000);
  });

  it('another chip than the board expects gives esp-wrong-chip (expected vs found)', async () => {
    const { adapter } = await rig();
    const err = await codeOf(flashEsp32({ port: adapter, images: esp32FlashSet(4096), chip: 'esp32s3' }));
    expect(err.code).toBe('esp-wrong-chip');
    expect(err.message).toMatch(/expected ESP32-S3 .* found ESP32$/);
  });
});

describe('flashEsp32 before any byte is sent', () => {
  it('refuses overlapping images, naming the offsets', async () => {
    const images = [
      { offset: 0x1000, data: new Uint8Array(0x8000) },
      { offset: 0x8000, data: new Uint8Array(16) },
    ];
    const err = await codeOf(flashEsp32({ port: '/dev/tinyforge-no-such-port', images }));
    expect(err.code).toBe('esp-image-overlap');
    expect(err.message).toContain('0x1000');
    expect(err.message).toContain('0x8000');
  });

  it('a port that cannot be opened gives esp-port-open with the path', async () => {
    const err = await codeOf(flashEsp32({ port: '/dev/tinyforge-no-such-port', images: [{ offset: 0x10000, data: new Uint8Array(4) }] }));
    expect(err.code).toBe('esp-port-open');
    expect(err.message).toContain('/dev/tinyforge-no-such-port');
  });
});
