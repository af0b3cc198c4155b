// What `tinyforge monitor` shows of a serial byte stream: our framed messages decoded, and everything else (a firmware's
// printf, a bootloader's banner) as the text it is. Frames are found without help from the sender: every frame's COBS
// encoding starts with 0x02 or 0x03 (the header's type byte is never 0 and its bytes 2 and 3 always are) and ends at a
// 0x00 delimiter, and plain text holds neither of those control bytes. A candidate is a frame only if it decodes with a
// good CRC and length (framing.ts's decoder); text before it on the same line is text.
import { decodeFrame, type Frame } from './framing.ts';
import { describeMessage, msgName } from './messages.ts';

export type MonitorEvent =
  | { kind: 'text'; text: string }
  | { kind: 'frame'; type: number; name: string; seq: number; bodyBytes: number; fields: Record<string, string | number | boolean> }
  | { kind: 'bad-frame'; reason: string; bytes: number };

/** The longest run of bytes held as a possible frame before it is given up as text (a frame's body is an input or an
 *  output tensor; a megabyte is far beyond any board's). */
export const MAX_FRAME_BYTES = 1 << 20;

const isFrameStart = (b: number): boolean => b === 0x02 || b === 0x03;

export class MonitorStream {
  /** Text not yet handed out (it is handed out by the line, or whole by flushText). */
  private text: number[] = [];
  /** Bytes since a possible frame start, up to the delimiter that ends it. */
  private held: number[] | undefined;

  /** Feeds received bytes; returns what they complete. */
  push(chunk: Uint8Array): MonitorEvent[] {
    const events: MonitorEvent[] = [];
    for (const b of chunk) {
      if (this.held) {
        if (b === 0) {
          events.push(...this.endCandidate(this.held));
          this.held = undefined;
        } else if (this.held.length >= MAX_FRAME_BYTES) {
          this.text.push(...this.held, b);
          this.held = undefined;
        } else {
          this.held.push(b);
        }
        continue;
      }
      if (b === 0) continue; // a lone delimiter: the host's line flush
      if (isFrameStart(b)) {
        this.held = [b];
        continue;
      }
      this.text.push(b);
      if (b === 0x0a) events.push(...this.flushText());
    }
    return events;
  }

  /** Hands out the text received so far, a partial line included (a prompt waiting for input). */
  flushText(): MonitorEvent[] {
    if (this.text.length === 0) return [];
    const text = Buffer.from(this.text).toString('utf8');
    this.text = [];
    return [{ kind: 'text', text }];
  }

  /** The end of the stream: held bytes that no delimiter ended are text. */
  end(): MonitorEvent[] {
    if (this.held) this.text.push(...this.held);
    this.held = undefined;
    return this.flushText();
  }

  /** A delimiter ended `bytes`, which began at a possible frame start: a frame, text followed by a frame (a later start
   *  byte), text, or a frame damaged on the way. */
  private endCandidate(bytes: number[]): MonitorEvent[] {
    const encoded = Uint8Array.from(bytes);
    let firstFailure: string | undefined;
    for (let start = 0; start < encoded.length; start++) {
      if (!isFrameStart(encoded[start])) continue;
      const r = decodeFrame(encoded.subarray(start));
      if (r.ok) {
        this.text.push(...bytes.slice(0, start));
        return [...this.flushText(), frameEvent(r.frame)];
      }
      firstFailure ??= r.reason;
    }
    if (bytes.every((b) => b === 0x02 || b === 0x03 || b === 0x09 || b === 0x0a || b === 0x0d || b >= 0x20)) {
      // Printable after its start byte: text that happened to hold a control byte, not a frame.
      this.text.push(...bytes);
      return bytes.includes(0x0a) ? this.flushText() : [];
    }
    return [...this.flushText(), { kind: 'bad-frame', reason: firstFailure ?? 'no frame', bytes: bytes.length }];
  }
}

function frameEvent(f: Frame): MonitorEvent {
  return { kind: 'frame', type: f.type, name: msgName(f.type), seq: f.seq, bodyBytes: f.body.length, fields: describeMessage(f) };
}

/** One line for a person: `[HELLO_REPLY seq 1, 45 B] protocol 1, timer instructions, …`. */
export function formatMonitorEvent(e: MonitorEvent): string {
  if (e.kind === 'text') return e.text;
  if (e.kind === 'bad-frame') return `[damaged frame, ${e.bytes} B: ${e.reason}]\n`;
  const fields = Object.entries(e.fields)
    .map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`)
    .join(', ');
  return `[${e.name} seq ${e.seq}, ${e.bodyBytes} B]${fields ? ` ${fields}` : ''}\n`;
}
