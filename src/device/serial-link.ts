// Link over a serial port via `serialport`: a pty from QEMU (-serial pty) or the host board, or a real UART.
import type { SerialPort } from 'serialport';
import { newSerialPort } from './serial-port.ts';
import { TimeoutError, TinyforgeError } from '../diagnostics.ts';
import { decodeFrame, encodeFrame, FrameSplitter, type Frame } from './framing.ts';
import type { Link, LinkActivity } from './link.ts';

const PREVIEW_BYTES = 24;

export class SerialLink implements Link {
  private serial: SerialPort | undefined;
  private readonly splitter = new FrameSplitter();
  private readonly frames: Frame[] = [];
  private waiter: ((f: Frame | Error) => void) | undefined;
  private closedError: Error | undefined;
  private rxBytes = 0;
  private rxPreview: number[] = [];
  private bad: string[] = [];

  constructor(
    readonly port: string,
    private readonly baudRate = 115200,
  ) {}

  async open(): Promise<void> {
    const serial = newSerialPort(this.port, this.baudRate);
    await new Promise<void>((resolve, reject) =>
      serial.open((err) =>
        err
          ? reject(new TinyforgeError('link-error', `cannot open serial port: ${err.message}`, { location: { port: this.port } }))
          : resolve(),
      ),
    );
    this.serial = serial;
    serial.on('data', (chunk: Buffer) => this.onData(chunk));
    serial.on('close', () =>
      this.fail(
        new TinyforgeError('link-error', 'the serial port closed (device reset or emulator exited)', { location: { port: this.port } }),
      ),
    );
    serial.on('error', (err: Error) =>
      this.fail(new TinyforgeError('link-error', `serial port error: ${err.message}`, { location: { port: this.port } })),
    );
  }

  private onData(chunk: Buffer): void {
    this.rxBytes += chunk.length;
    for (const b of chunk) if (this.rxPreview.length < PREVIEW_BYTES) this.rxPreview.push(b);
    for (const encoded of this.splitter.push(chunk)) {
      const r = decodeFrame(encoded);
      if (!r.ok) {
        this.bad.push(`${r.reason} (${r.bytes} bytes)`);
        // Tell a waiting request at once, so it can retry now instead of after its whole timeout.
        if (this.waiter)
          this.deliver(new TinyforgeError('bad-frame', `received a damaged frame: ${r.reason}`, { location: { port: this.port } }));
        continue;
      }
      this.deliver(r.frame);
    }
  }

  /** Hands a frame (or a link failure / damaged-frame notice) to the waiting receive, else queues frames. */
  private deliver(f: Frame | Error): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w(f);
    } else if (!(f instanceof Error)) {
      this.frames.push(f);
    }
  }

  private fail(err: Error): void {
    if (!this.closedError) this.closedError = err;
    this.deliver(err);
  }

  private requireOpen(): SerialPort {
    if (!this.serial || !this.serial.isOpen) {
      throw this.closedError ?? new TinyforgeError('link-error', 'the serial port is not open', { location: { port: this.port } });
    }
    return this.serial;
  }

  send(frame: Frame): Promise<void> {
    return this.sendRaw(encodeFrame(frame));
  }

  sendRaw(bytes: Uint8Array): Promise<void> {
    const serial = this.requireOpen();
    return new Promise((resolve, reject) => {
      serial.write(Buffer.from(bytes), (err) => {
        if (err) reject(new TinyforgeError('link-error', `write failed: ${err.message}`, { location: { port: this.port } }));
        else serial.drain(() => resolve());
      });
    });
  }

  receive(timeoutMs: number): Promise<Frame> {
    const queued = this.frames.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new TimeoutError(`no frame from the device within ${timeoutMs} ms`, { location: { port: this.port } }));
      }, timeoutMs);
      this.waiter = (f) => {
        clearTimeout(timer);
        if (f instanceof Error) reject(f);
        else resolve(f);
      };
    });
  }

  markActivity(): void {
    this.rxBytes = 0;
    this.rxPreview = [];
    this.bad = [];
  }

  activity(): LinkActivity {
    const hex = Buffer.from(this.rxPreview).toString('hex').replace(/(..)/g, '$1 ').trim();
    return { bytes: this.rxBytes, preview: hex + (this.rxBytes > PREVIEW_BYTES ? ' …' : ''), badFrames: [...this.bad] };
  }

  async close(): Promise<void> {
    const serial = this.serial;
    this.serial = undefined;
    if (!this.closedError) this.closedError = new TinyforgeError('link-error', 'the link was closed', { location: { port: this.port } });
    if (serial?.isOpen) await new Promise<void>((resolve) => serial.close(() => resolve()));
  }
}
