// Host side of the frame format in firmware/runtime/tfg_link.h: COBS, 0x00-delimited; inside, an 8-byte header
// (type, seq, 0, 0, body length u32 LE), the body and a CRC-16/CCITT-FALSE over header + body.

export const FRAME_HEADER_BYTES = 8;
export const FRAME_CRC_BYTES = 2;

export interface Frame {
  type: number;
  seq: number;
  body: Uint8Array;
}

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as tfg_crc16_update. */
export function crc16(data: Uint8Array, crc = 0xffff): number {
  for (const byte of data) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** COBS encode (no delimiter): blocks of up to 254 non-zero bytes led by their length + 1. */
export function cobsEncode(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let block: number[] = [];
  const flush = (): void => {
    out.push(block.length + 1, ...block);
    block = [];
  };
  for (const b of data) {
    if (b === 0) {
      flush();
      continue;
    }
    block.push(b);
    if (block.length === 254) flush();
  }
  flush();
  return Uint8Array.from(out);
}

/** COBS decode; returns undefined for malformed input (a zero code or a block running past the end). */
export function cobsDecode(data: Uint8Array): Uint8Array | undefined {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    const code = data[i++];
    if (code === 0 || i + code - 1 > data.length) return undefined;
    for (let k = 1; k < code; k++) out.push(data[i++]);
    if (code < 0xff && i < data.length) out.push(0);
  }
  return Uint8Array.from(out);
}

/** The bytes to write for one frame, delimiter included. */
export function encodeFrame(frame: Frame): Uint8Array {
  const raw = new Uint8Array(FRAME_HEADER_BYTES + frame.body.length + FRAME_CRC_BYTES);
  const view = new DataView(raw.buffer);
  raw[0] = frame.type;
  raw[1] = frame.seq & 0xff;
  view.setUint32(4, frame.body.length, true);
  raw.set(frame.body, FRAME_HEADER_BYTES);
  const crc = crc16(raw.subarray(0, FRAME_HEADER_BYTES + frame.body.length));
  view.setUint16(FRAME_HEADER_BYTES + frame.body.length, crc, true);
  const cobs = cobsEncode(raw);
  const out = new Uint8Array(cobs.length + 1);
  out.set(cobs);
  return out;
}

export type DecodeResult = { ok: true; frame: Frame } | { ok: false; reason: string; bytes: number };

/** Decodes the bytes between two delimiters (delimiter excluded). */
export function decodeFrame(encoded: Uint8Array): DecodeResult {
  const raw = cobsDecode(encoded);
  if (!raw) return { ok: false, reason: 'bad COBS encoding', bytes: encoded.length };
  if (raw.length < FRAME_HEADER_BYTES + FRAME_CRC_BYTES)
    return { ok: false, reason: `frame too short (${raw.length} bytes)`, bytes: encoded.length };
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const payload = raw.length - FRAME_CRC_BYTES;
  if (crc16(raw.subarray(0, payload)) !== view.getUint16(payload, true))
    return { ok: false, reason: 'CRC mismatch', bytes: encoded.length };
  const length = view.getUint32(4, true);
  if (length !== payload - FRAME_HEADER_BYTES) {
    return {
      ok: false,
      reason: `length field says ${length} body bytes, frame holds ${payload - FRAME_HEADER_BYTES}`,
      bytes: encoded.length,
    };
  }
  return { ok: true, frame: { type: raw[0], seq: raw[1], body: raw.slice(FRAME_HEADER_BYTES, payload) } };
}

/** Splits a byte stream at 0x00 delimiters; feed chunks, get the encoded frames between delimiters. */
export class FrameSplitter {
  private pending: number[] = [];
  push(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    for (const b of chunk) {
      if (b === 0) {
        if (this.pending.length > 0) frames.push(Uint8Array.from(this.pending));
        this.pending = [];
      } else {
        this.pending.push(b);
      }
    }
    return frames;
  }
}
