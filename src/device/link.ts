// The link interface between tinyforge and a device: whole frames in, whole frames out, with timeouts.
// Reference implementation: `SerialLink` in serial-link.ts (a pty from QEMU or the host board, or a real UART).
import type { Frame } from './framing.ts';

/** What came in while waiting, for timeout and protocol errors ("expected HELLO_REPLY, got 3 bytes after 2 s"). */
export interface LinkActivity {
  /** Raw bytes received since `markActivity()`. */
  bytes: number;
  /** First bytes received since the mark, hex, for the error message. */
  preview: string;
  /** Frames dropped since the mark because their CRC, COBS or length was bad. */
  badFrames: string[];
}

/** A bidirectional frame channel to one device. Implementations never print; errors are TinyforgeErrors. */
export interface Link {
  /** Where the device is: a pty path, /dev/ttyUSB0 … Named in every error. */
  readonly port: string;
  /** Opens the port; rejects with a 'link-error' naming the port when it cannot. */
  open(): Promise<void>;
  /** Writes one frame (encoded and delimited by the link). */
  send(frame: Frame): Promise<void>;
  /** Writes raw bytes, for tests that corrupt frames on purpose and for line flushes. */
  sendRaw(bytes: Uint8Array): Promise<void>;
  /**
   * The next good frame. Rejects with a TimeoutError after `timeoutMs`, 'link-error' if the port closes, or
   * 'bad-frame' when a damaged frame arrives while waiting (so the caller can retry without waiting out the timeout).
   */
  receive(timeoutMs: number): Promise<Frame>;
  /** Starts counting activity afresh (called before each request). */
  markActivity(): void;
  activity(): LinkActivity;
  /** Closes the port; safe to call twice. */
  close(): Promise<void>;
}
