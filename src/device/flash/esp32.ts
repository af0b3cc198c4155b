// Flashes ESP32-family boards over a serial port with the real esptool-js client: bootloader reset, sync, stub loader,
// compressed writes with per-block retries, MD5 verification of every image, then our own hard reset into the app.
import { createHash } from 'node:crypto';
import { ESPError, ESPLoader, Transport, UnexpectedChipMagicError, type IEspLoaderTerminal } from 'esptool-js';
import { TinyforgeError } from '../../diagnostics.ts';
import type { FlashImage } from './flasher-args.ts';
import { explainFlashError } from './esp-errors.ts';
import { HARD_RESET, runResetSequence } from './reset-sequences.ts';
import { SerialportWebSerial } from './serialport-webserial.ts';
import { listPorts } from '../ports.ts';

/** Board chip ids (boards/<id>.json "cpu"/"id") → esptool-js CHIP_NAME. */
export const ESP_CHIP_NAMES = { esp32: 'ESP32', esp32s3: 'ESP32-S3', esp32c3: 'ESP32-C3' } as const;
export type EspChip = keyof typeof ESP_CHIP_NAMES;

/** SPI_SET_PARAMS: esptool-js has no wrapper for it (esptool.py sends it before writing). */
const ESP_SPI_SET_PARAMS = 0x0b;

export interface FlashProgress {
  stage: 'connect' | 'stub' | 'write' | 'verify' | 'reset';
  /** Index into `images` during write/verify. */
  image?: number;
  offset?: number;
  /** Compressed bytes sent of `total` for this image (what crosses the wire). */
  sent?: number;
  total?: number;
}

export interface FlashEsp32Options {
  /** A device path, or an adapter already built (tests wire its signals to a peer). */
  port: string | SerialportWebSerial;
  images: FlashImage[];
  /** Expected chip; flashing stops with 'esp-wrong-chip' if another one answers. */
  chip?: EspChip;
  /** Baud rate after the stub is running (the ROM always syncs at 115200). Default 460800. */
  baudRate?: number;
  /** Reset-and-sync rounds before giving up with 'esp-no-sync' (each ≈ 0.7–1.2 s). Default 3. */
  connectAttempts?: number;
  /** Per-command timeout for ordinary commands (esptool-js default 3000 ms). */
  commandTimeoutMs?: number;
  onProgress?: (p: FlashProgress) => void;
  /** esptool-js's own log lines ("Chip is ESP32-D0WD-V3 …"), for --verbose. */
  onLog?: (line: string) => void;
}

export interface FlashEsp32Result {
  port: string;
  chip: string;
  description: string;
  mac: string;
  flashId: number;
  flashSize?: string;
  images: { offset: number; bytes: number; md5: string }[];
  ms: number;
}

/**
 * esptool-js's Transport with two changes: trace lines go to onLog (it prints through console.log, and library code
 * must not print), and a read gives up as soon as the port is gone instead of polling out its timeout — otherwise
 * esptool-js's block retries keep the process alive ~10 s after an unplugged cable.
 */
class QuietTransport extends Transport {
  constructor(
    private readonly serial: SerialportWebSerial,
    private readonly log?: (line: string) => void,
  ) {
    super(serial as unknown as ConstructorParameters<typeof Transport>[0], false, true);
  }
  override trace(message: string): void {
    this.log?.(message);
  }
  override async read(timeout: number): Promise<Uint8Array> {
    const deadline = Date.now() + timeout;
    while (this.inWaiting() === 0 && Date.now() < deadline) {
      if (this.serial.lostError) throw new ESPError(`serial port closed: ${this.serial.lostError.message}`);
      await new Promise((r) => setTimeout(r, 1));
    }
    // Data is there (or the time is up): the original parser, with its per-chunk timeout, does the rest.
    return super.read(this.inWaiting() === 0 ? 1 : timeout);
  }
}

function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** esptool-js pads every image to a 4-byte multiple with 0xFF before writing; the MD5 covers the padded bytes. */
function padTo4(data: Uint8Array): Uint8Array {
  if (data.length % 4 === 0) return data;
  const out = new Uint8Array(data.length + (4 - (data.length % 4))).fill(0xff);
  out.set(data);
  return out;
}

function checkImages(images: FlashImage[], port: string): void {
  if (images.length === 0) throw new TinyforgeError('esp-no-images', 'nothing to flash: no images given', { location: { port } });
  const sorted = [...images].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (prev.offset + prev.data.length > sorted[i].offset) {
      throw new TinyforgeError(
        'esp-image-overlap',
        `image at 0x${prev.offset.toString(16)} (${prev.data.length} bytes) overlaps the one at 0x${sorted[i].offset.toString(16)}`,
        {
          location: { port, file: prev.file },
          hint: 'check flasher_args.json and the partition table offsets',
        },
      );
    }
  }
}

/** Rejects as soon as the port goes away, so a pulled cable fails now rather than after esptool-js's timeouts. */
function whenLost(adapter: SerialportWebSerial): { promise: Promise<never>; stop: () => void } {
  let timer: ReturnType<typeof setInterval> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (adapter.lostError) reject(adapter.lostError);
    }, 20);
  });
  return { promise, stop: () => clearInterval(timer) };
}

/**
 * An adapter for a device path, with the USB ids esptool-js needs to pick its reset: the ESP32-S3/C3 native
 * USB-Serial/JTAG (303a:1001) has no DTR/RTS transistors and needs esptool's USB reset instead of the classic one.
 */
async function adapterFor(path: string): Promise<SerialportWebSerial> {
  const info = await listPorts()
    .then((ports) => ports.find((p) => p.path === path))
    .catch(() => undefined);
  const hex = (v?: string) => (v ? Number.parseInt(v, 16) : undefined);
  return new SerialportWebSerial({ path, usbVendorId: hex(info?.vendorId), usbProductId: hex(info?.productId) });
}

/** Resets into the bootloader and syncs; a failure becomes no-sync, port-open or wrong-chip, naming the port. */
async function connectChip(loader: ESPLoader, adapter: SerialportWebSerial, attempts: number): Promise<void> {
  const port = adapter.path;
  try {
    await loader.connect('default_reset', attempts, true);
  } catch (err) {
    if (err instanceof UnexpectedChipMagicError) {
      throw new TinyforgeError('esp-wrong-chip', `${port}: ${err.message}`, {
        location: { port },
        hint: 'this is not an ESP32-family chip esptool-js knows',
      });
    }
    if (!adapter.isOpen && !adapter.lostError) {
      throw new TinyforgeError('esp-port-open', `cannot open ${port}: ${err instanceof Error ? err.message : String(err)}`, {
        location: { port },
        hint: '`tinyforge ports` lists the serial ports; on Linux add yourself to the "dialout" group',
      });
    }
    if (adapter.lostError || !(err instanceof Error) || !/connect/i.test(err.message)) throw err;
    throw new TinyforgeError('esp-no-sync', `no sync with the ESP bootloader on ${port} after ${attempts} reset-and-sync attempts`, {
      location: { port },
      notes: [`esptool-js: ${err.message}`],
      hint: 'hold BOOT while it connects (press EN once), check the cable/port (a charge-only USB cable has no data lines), and close any serial monitor',
    });
  }
}

/** Attaches the SPI flash, reads its JEDEC ID and tells the stub its size, as esptool.py does before writing. */
async function configureFlash(loader: ESPLoader): Promise<{ flashId: number; flashSize?: string; flashBytes: number }> {
  await loader.flashSpiAttach(0);
  const flashId = await loader.readFlashId();
  const flashSize: string | undefined = loader.DETECTED_FLASH_SIZES[(flashId >> 16) & 0xff];
  const flashBytes = flashSize ? loader.flashSizeBytes(flashSize as Parameters<ESPLoader['flashSizeBytes']>[0]) : 4 * 1024 * 1024;
  // id, total size, block 64 KB, sector 4 KB, page 256 B, status mask: esptool.py's flash_set_parameters values.
  const params = new Uint8Array(24);
  const dv = new DataView(params.buffer);
  [0, flashBytes, 64 * 1024, 4096, 256, 0xffff].forEach((v, i) => dv.setUint32(i * 4, v, true));
  await loader.checkCommand('set SPI flash parameters', ESP_SPI_SET_PARAMS, params);
  return { flashId, flashSize, flashBytes };
}

export async function flashEsp32(options: FlashEsp32Options): Promise<FlashEsp32Result> {
  const started = performance.now();
  checkImages(options.images, typeof options.port === 'string' ? options.port : options.port.path);
  const adapter = typeof options.port === 'string' ? await adapterFor(options.port) : options.port;
  const port = adapter.path;
  const log = options.onLog;
  const terminal: IEspLoaderTerminal = { clean: () => {}, writeLine: (s) => log?.(s), write: (s) => log?.(s) };
  const transport = new QuietTransport(adapter, log);
  const baudRate = options.baudRate ?? 460800;
  const loader = new ESPLoader({ transport, baudrate: baudRate, romBaudrate: 115200, terminal });
  if (options.commandTimeoutMs) loader.DEFAULT_TIMEOUT = options.commandTimeoutMs;
  const attempts = options.connectAttempts ?? 3;
  let stage: FlashProgress['stage'] = 'connect';
  let currentImage: FlashImage | undefined;
  const lost = whenLost(adapter);
  const work = (async (): Promise<FlashEsp32Result> => {
    options.onProgress?.({ stage });
    await connectChip(loader, adapter, attempts);
    const found = loader.chip.CHIP_NAME;
    const expected = options.chip ? ESP_CHIP_NAMES[options.chip] : undefined;
    if (expected && found !== expected) {
      throw new TinyforgeError('esp-wrong-chip', `expected ${expected} on ${port}, found ${found}`, {
        location: { port },
        hint: `pick the board that matches the chip (--board ${Object.entries(ESP_CHIP_NAMES).find(([, n]) => n === found)?.[0] ?? found.toLowerCase()}) or the right port`,
      });
    }
    const description = await loader.chip.getChipDescription(loader);
    const mac = await loader.chip.readMac(loader);
    stage = 'stub';
    options.onProgress?.({ stage });
    await loader.runStub();
    if (!loader.IS_STUB) {
      throw new TinyforgeError('esp-no-stub', `the flasher stub did not start on ${port} (${found})`, {
        location: { port },
        hint: 'the chip may be in secure download mode; tinyforge flashes through the stub only',
      });
    }
    if (baudRate !== 115200) await loader.changeBaud();
    // esptool-js leaves SPI attach and flash parameters to the stub's defaults; esptool.py sets them, so do we.
    const { flashId, flashSize, flashBytes } = await configureFlash(loader);
    for (const img of options.images) {
      if (img.offset + img.data.length > flashBytes) {
        throw new TinyforgeError(
          'esp-image-too-big',
          `image at 0x${img.offset.toString(16)} (${img.data.length} bytes) ends past the ${flashBytes / 1024 / 1024} MB flash`,
          {
            location: { port, file: img.file },
            hint: 'shrink the app partition contents or pick a board with more flash',
          },
        );
      }
    }
    stage = 'write';
    await loader.writeFlash({
      fileArray: options.images.map((i) => ({ data: i.data, address: i.offset })),
      flashMode: 'keep',
      flashFreq: 'keep',
      flashSize: 'keep',
      eraseAll: false,
      compress: true,
      reportProgress: (image, sent, total) => {
        currentImage = options.images[image];
        options.onProgress?.({ stage: 'write', image, offset: currentImage.offset, sent, total });
      },
    });
    stage = 'verify';
    const verified: FlashEsp32Result['images'] = [];
    for (const [index, img] of options.images.entries()) {
      options.onProgress?.({ stage, image: index, offset: img.offset });
      const padded = padTo4(img.data);
      const expectedMd5 = md5Hex(padded);
      const got = await loader.flashMd5sum(img.offset, padded.length);
      if (got !== expectedMd5) {
        throw new TinyforgeError(
          'esp-md5-mismatch',
          `flash at 0x${img.offset.toString(16)} (${padded.length} bytes) does not match what was written: expected MD5 ${expectedMd5}, got ${got}`,
          {
            location: { port, file: img.file },
            hint: 'flash again; if it repeats at the same offset, erase the flash (the chip may be worn) or lower the baud rate',
          },
        );
      }
      verified.push({ offset: img.offset, bytes: padded.length, md5: got });
    }
    stage = 'reset';
    options.onProgress?.({ stage });
    await runResetSequence(transport, HARD_RESET);
    return { port, chip: found, description, mac, flashId, flashSize, images: verified, ms: performance.now() - started };
  })();
  work.catch(() => {}); // when the lost-port race wins, esptool-js's own failure arrives later and is not news
  try {
    return await Promise.race([work, lost.promise]);
  } catch (err) {
    throw explainFlashError(err, port, adapter, stage, currentImage);
  } finally {
    lost.stop();
    if (adapter.isOpen) await transport.disconnect().catch(() => {});
  }
}
