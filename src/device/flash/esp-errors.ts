// Turns what esptool-js or the serial port threw into tinyforge's esp-* errors: what failed, at which stage, on which
// port, and what to do, instead of esptool-js's bare "Failed to connect"-style messages.
import { TinyforgeError } from '../../diagnostics.ts';
import type { FlashImage } from './flasher-args.ts';
import type { SerialportWebSerial } from './serialport-webserial.ts';

/** Stub/ROM status codes a rejected block comes back with (esptool stub_flasher.h, serial-protocol docs). */
const BLOCK_ERRORS: Record<number, string> = {
  0xc0: 'bad data length',
  0xc1: 'bad checksum: bytes were corrupted on the line',
  0xc7: 'the compressed stream did not inflate',
  0xc9: 'more data than announced',
  0x07: 'bad checksum: bytes were corrupted on the line',
};

/** Turns whatever esptool-js or the port threw into one of our codes, naming the port and the stage. */
export function explainFlashError(err: unknown, port: string, adapter: SerialportWebSerial, stage: string, image?: FlashImage): unknown {
  if (err instanceof TinyforgeError) return err;
  const message = err instanceof Error ? err.message : String(err);
  // esptool-js: "Failed to write compressed data to flash after seq N failed with status 1,193" once its retries are spent.
  const block = /flash after seq (\d+) failed with status (\d+),(\d+)/.exec(message);
  if (block && image && !adapter.lostError) {
    const code = Number(block[3]);
    return new TinyforgeError(
      'esp-write-failed',
      `the chip rejected block ${block[1]} of the image at 0x${image.offset.toString(16)} on every attempt: error 0x${code.toString(16)} (${BLOCK_ERRORS[code] ?? 'unknown error'})`,
      {
        location: { port, file: image.file },
        notes: [`esptool-js: ${message}`],
        hint: 'lower the baud rate (baudRate: 115200), try another USB cable or port, and flash again',
      },
    );
  }
  if (adapter.lostError || (!adapter.isOpen && stage !== 'connect')) {
    return new TinyforgeError('esp-port-closed', `${port} closed during ${stage}: ${adapter.lostError?.message ?? message}`, {
      location: { port },
      notes: ['the flash may now hold a partial image; flash again before running it'],
      hint: 'check the USB cable and that nothing else (a serial monitor) opened the port, then flash again',
    });
  }
  return new TinyforgeError('esp-protocol', `esptool-js failed during ${stage} on ${port}: ${message}`, {
    location: { port },
    hint: 'retry at a lower baud rate (--baud 115200); if it persists, erase the flash and power-cycle the board',
  });
}
