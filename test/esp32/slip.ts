// SLIP framing (RFC 1055 with the ESP escape bytes) for the device side of the test peer, written independently of
// esptool-js's so that a framing bug on either side shows up as a failed exchange rather than cancelling out.

export const SLIP_END = 0xc0;
export const SLIP_ESC = 0xdb;
export const SLIP_ESC_END = 0xdc;
export const SLIP_ESC_ESC = 0xdd;

export function slipEncode(packet: Uint8Array): Uint8Array {
  const out: number[] = [SLIP_END];
  for (const b of packet) {
    if (b === SLIP_END) out.push(SLIP_ESC, SLIP_ESC_END);
    else if (b === SLIP_ESC) out.push(SLIP_ESC, SLIP_ESC_ESC);
    else out.push(b);
  }
  out.push(SLIP_END);
  return Uint8Array.from(out);
}

/** Streaming decoder: feed raw bytes, get whole frames. Bytes outside a frame are dropped, as the ROM does. */
export class SlipDecoder {
  private frame: number[] | null = null;
  private escaping = false;
  /** Frames with an invalid escape, dropped. */
  badFrames = 0;

  push(bytes: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    for (const b of bytes) {
      if (b === SLIP_END) {
        if (this.frame && this.frame.length > 0) frames.push(Uint8Array.from(this.frame));
        // An END both closes a frame and opens the next one (esptool frames start and end with END).
        this.frame = [];
        this.escaping = false;
      } else if (this.frame === null) {
        continue;
      } else if (this.escaping) {
        this.escaping = false;
        if (b === SLIP_ESC_END) this.frame.push(SLIP_END);
        else if (b === SLIP_ESC_ESC) this.frame.push(SLIP_ESC);
        else {
          this.badFrames++;
          this.frame = null;
        }
      } else if (b === SLIP_ESC) {
        this.escaping = true;
      } else {
        this.frame.push(b);
      }
    }
    return frames;
  }

  /** Drops a partial frame (the chip was reset mid-frame). */
  reset(): void {
    this.frame = null;
    this.escaping = false;
  }
}
