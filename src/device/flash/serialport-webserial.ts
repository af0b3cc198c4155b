// Makes a node `serialport` port look like the Web Serial `SerialPort` that esptool-js's `Transport` drives
// (readable/writable streams, open/close, setSignals, getInfo, setBaudRate), so the real protocol client runs in Node.
import { realpathSync } from 'node:fs';
import type { SerialPort } from 'serialport';
import { newSerialPort } from '../serial-port.ts';

/** The two modem-control lines esptool toggles; true = asserted (esptool: RTS asserted pulls EN low, DTR pulls IO0 low). */
export interface ControlLines {
  dtr: boolean;
  rts: boolean;
}

export interface SerialportWebSerialOptions {
  path: string;
  /** Shown by getInfo(); esptool-js uses them to pick USB-JTAG/OTG reset strategies. */
  usbVendorId?: number;
  usbProductId?: number;
  /**
   * Called with both lines after every setSignals(). A pty has no modem lines (the ioctl fails with ENOTTY), so
   * this is how a pty peer (test/esp32/rom-peer.ts) learns the reset sequence. On a real UART it is an observer only.
   */
  onSignals?: (lines: ControlLines) => void;
}

/** Web Serial's `SerialOptions` subset that esptool-js passes to open(). */
export interface OpenOptions {
  baudRate: number;
}

/** Web Serial's `SerialOutputSignals`. */
export interface OutputSignals {
  dataTerminalReady?: boolean;
  requestToSend?: boolean;
  break?: boolean;
}

/** True when the path is a pseudo-terminal: line-control ioctls and baud rates do not exist there. */
export function isPty(path: string): boolean {
  let real = path;
  try {
    real = realpathSync(path);
  } catch {
    // Not there (yet): judge by the name; open() reports the missing port.
  }
  return real.startsWith('/dev/pts/') || real === '/dev/ptmx';
}

export class SerialportWebSerial {
  readonly path: string;
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  /** Both lines as last requested. `serialport.set()` sets every line not named to true, so we always send both. */
  readonly lines: ControlLines = { dtr: false, rts: false };
  /** Set when the port went away under us (USB unplugged, pty hung up) rather than by close(). */
  lostError: Error | null = null;
  private port: SerialPort | null = null;
  private readonly options: SerialportWebSerialOptions;
  private readonly pty: boolean;

  constructor(options: SerialportWebSerialOptions) {
    this.options = options;
    this.path = options.path;
    this.pty = isPty(options.path);
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  getInfo(): { usbVendorId?: number; usbProductId?: number } {
    return { usbVendorId: this.options.usbVendorId, usbProductId: this.options.usbProductId };
  }

  async open(options: OpenOptions): Promise<void> {
    if (this.port?.isOpen) throw new Error(`${this.path} is already open`);
    const port = newSerialPort(this.path, options.baudRate);
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    this.port = port;
    this.lostError = null;
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        port.on('data', (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk)));
        port.on('close', (err?: Error & { disconnected?: boolean }) => {
          if (err) this.lostError = err;
          try {
            if (err) controller.error(err);
            else controller.close();
          } catch {
            // Already closed or errored by cancel().
          }
          // Web Serial drops the streams once the port is gone; esptool-js's readLoop stops on that.
          this.readable = null;
          this.writable = null;
        });
        port.on('error', (err: Error) => {
          this.lostError ??= err;
        });
      },
      cancel: () => {
        port.removeAllListeners('data');
      },
    });
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) =>
        new Promise<void>((resolve, reject) => {
          if (!port.isOpen) {
            reject(this.lostError ?? new Error(`${this.path} is closed`));
            return;
          }
          port.write(Buffer.from(chunk), (err) => {
            if (err) reject(err);
            else port.drain((e) => (e ? reject(e) : resolve()));
          });
        }),
    });
    // Apply the idle state so the tracked lines match the wire from the first command on.
    try {
      await this.setSignals({ dataTerminalReady: false, requestToSend: false });
    } catch (err) {
      await this.close().catch(() => {});
      throw err;
    }
  }

  async close(): Promise<void> {
    const port = this.port;
    this.readable = null;
    this.writable = null;
    this.port = null;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve, reject) => port.close((err) => (err ? reject(err) : resolve())));
  }

  async setSignals(signals: OutputSignals): Promise<void> {
    if (signals.dataTerminalReady !== undefined) this.lines.dtr = signals.dataTerminalReady;
    if (signals.requestToSend !== undefined) this.lines.rts = signals.requestToSend;
    const port = this.port;
    if (!port?.isOpen) throw this.lostError ?? new Error(`${this.path} is not open`);
    const lines = { ...this.lines };
    try {
      await new Promise<void>((resolve, reject) =>
        port.set({ dtr: lines.dtr, rts: lines.rts, brk: signals.break ?? false }, (err) => (err ? reject(err) : resolve())),
      );
    } catch (err) {
      // A pty rejects TIOCMSET ("Inappropriate ioctl for device"); a real UART must not fail silently.
      if (!this.pty) throw err;
    }
    this.options.onSignals?.(lines);
  }

  /** Changes the host baud rate in place (esptool-js prefers this to a close/reopen). A no-op on a pty. */
  async setBaudRate(baudRate: number): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw this.lostError ?? new Error(`${this.path} is not open`);
    await new Promise<void>((resolve, reject) => port.update({ baudRate }, (err) => (err ? reject(err) : resolve())));
  }
}
