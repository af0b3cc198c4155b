// Bit-level helpers for weight packing: an MSB-first bit writer, CRC-32 (IEEE) and IEEE half conversion.

export class BitWriter {
  private bytes: number[] = [];
  bits = 0;
  /** Appends the low `n` bits of `value`, most significant first. */
  write(value: number, n: number): void {
    for (let i = n - 1; i >= 0; i--) {
      const bit = (value >>> i) & 1;
      if ((this.bits & 7) === 0) this.bytes.push(0);
      if (bit) this.bytes[this.bytes.length - 1] |= 0x80 >> (this.bits & 7);
      this.bits++;
    }
  }
  /** The stream; unused bits of the last byte are zero. */
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32/IEEE (zlib's crc32), the check the firmware decoders compute nibble by nibble. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float → IEEE half bits, round to nearest even (overflow → ±inf). */
export function f32ToHalfBits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const man = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (man ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e >= 1) {
    const m = man >>> 13;
    const rem = man & 0x1fff;
    let h = sign | (e << 10) | m;
    if (rem > 0x1000 || (rem === 0x1000 && m & 1)) h++; // a carry into the exponent is the right result
    return h;
  }
  if (exp === 0) return sign; // float32 subnormals are far below half's range
  const full = man | 0x800000;
  const shift = 14 - e;
  if (shift > 24) return sign;
  const m = full >>> shift;
  const rem = full & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return sign | (m + (rem > half || (rem === half && m & 1) ? 1 : 0));
}

/** IEEE half bits → float (exact). */
export function halfBitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0x1f) return man ? NaN : sign * Infinity;
  if (exp === 0) return sign * man * 2 ** -24;
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
}

/** The nearest half-representable float32 value. */
export const roundToHalf = (x: number): number => halfBitsToF32(f32ToHalfBits(x));
