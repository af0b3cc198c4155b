// Builds a synthetic but well-formed ESP32 flash set: bootloader and app in the ESP image format (header, extended
// header, segments, XOR checksum, SHA-256 digest) and an ESP-IDF partition table with its MD5 entry.
import { createHash } from 'node:crypto';

export interface Segment {
  loadAddr: number;
  data: Uint8Array;
}

/** Deterministic bytes that compress like code does (repeated motifs with noise), so deflate has real work. */
export function codeLikeBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) & 0xff;
  };
  const motif = Uint8Array.from({ length: 64 }, next);
  for (let i = 0; i < length; i++) out[i] = next() < 64 ? next() : motif[i % 64];
  return out;
}

/**
 * ESP image format (esp-idf bootloader_support/include/esp_app_format.h): 8-byte header (0xE9, segment count, flash
 * mode, size|freq, entry), 16-byte extended header (WP pin, drive, chip id, revisions, hash_appended), segments as
 * (load address, length, data), zero padding so the checksum byte ends on a 16-byte boundary, then SHA-256 of it all.
 */
export function espImage(segments: Segment[], entry: number): Uint8Array {
  const parts: number[] = [0xe9, segments.length, 0x02 /* DIO */, 0x20 /* 4MB, 40 MHz */];
  const push32 = (v: number) => parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  push32(entry);
  // wp_pin 0xEE (unused), 3 drive-setting bytes, chip_id 0x0000 (ESP32), min_chip_rev 0, min/max full rev, 4 reserved, hash_appended 1.
  parts.push(0xee, 0, 0, 0, 0x00, 0x00, 0, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 0, 1);
  let check = 0xef;
  for (const seg of segments) {
    push32(seg.loadAddr);
    push32(seg.data.length);
    for (const b of seg.data) {
      parts.push(b);
      check ^= b;
    }
  }
  while ((parts.length + 1) % 16 !== 0) parts.push(0);
  parts.push(check);
  const body = Uint8Array.from(parts);
  const digest = createHash('sha256').update(body).digest();
  const image = new Uint8Array(body.length + 32);
  image.set(body);
  image.set(digest, body.length);
  return image;
}

export interface PartitionEntry {
  label: string;
  type: number;
  subtype: number;
  offset: number;
  size: number;
}

/** ESP-IDF partition table: 32-byte entries (0xAA50 magic), an MD5 entry (0xEBEB) over them, 0xFF to 0xC00 bytes. */
export function partitionTable(entries: PartitionEntry[]): Uint8Array {
  const table = new Uint8Array(0xc00).fill(0xff);
  const dv = new DataView(table.buffer);
  entries.forEach((e, i) => {
    const at = i * 32;
    table.set([0xaa, 0x50, e.type, e.subtype], at);
    dv.setUint32(at + 4, e.offset, true);
    dv.setUint32(at + 8, e.size, true);
    table.fill(0, at + 12, at + 28);
    table.set(new TextEncoder().encode(e.label.slice(0, 16)), at + 12);
    dv.setUint32(at + 28, 0, true);
  });
  const md5At = entries.length * 32;
  table.set([0xeb, 0xeb], md5At);
  table.set(createHash('md5').update(table.subarray(0, md5At)).digest(), md5At + 16);
  return table;
}

/** The three images `idf.py flash` writes for an ESP32 app, at ESP-IDF's default offsets. */
export function esp32FlashSet(appBytes = 96 * 1024): { offset: number; data: Uint8Array; file: string }[] {
  const bootloader = espImage(
    [
      { loadAddr: 0x3fff0030, data: codeLikeBytes(0x1a00, 11) },
      { loadAddr: 0x40078000, data: codeLikeBytes(0x3c00, 12) },
      { loadAddr: 0x40080400, data: codeLikeBytes(0x0e00, 13) },
    ],
    0x40080644,
  );
  const table = partitionTable([
    { label: 'nvs', type: 1, subtype: 2, offset: 0x9000, size: 0x6000 },
    { label: 'phy_init', type: 1, subtype: 1, offset: 0xf000, size: 0x1000 },
    { label: 'factory', type: 0, subtype: 0, offset: 0x10000, size: 0x100000 },
  ]);
  const third = Math.floor(appBytes / 3) & ~3;
  const app = espImage(
    [
      { loadAddr: 0x3f400020, data: codeLikeBytes(third, 21) },
      { loadAddr: 0x3ffb0000, data: codeLikeBytes(0x800, 22) },
      { loadAddr: 0x400d0020, data: codeLikeBytes(appBytes - third - 0x800, 23) },
    ],
    0x400811d8,
  );
  return [
    { offset: 0x1000, data: bootloader, file: 'bootloader/bootloader.bin' },
    { offset: 0x8000, data: table, file: 'partition_table/partition-table.bin' },
    { offset: 0x10000, data: app, file: 'app.bin' },
  ];
}

export interface ParsedImage {
  entry: number;
  segments: { loadAddr: number; length: number }[];
  checksumOk: boolean;
  /** null when no digest is appended. */
  sha256Ok: boolean | null;
}

/** What the ROM checks before jumping into a flashed image: magic, segments in bounds, XOR checksum, SHA-256. */
export function parseEspImage(flash: Uint8Array, at = 0): ParsedImage | null {
  if (flash[at] !== 0xe9) return null;
  const dv = new DataView(flash.buffer, flash.byteOffset);
  const count = flash[at + 1];
  let p = at + 24;
  let check = 0xef;
  const segments: ParsedImage['segments'] = [];
  for (let i = 0; i < count; i++) {
    if (p + 8 > flash.length) return null;
    const loadAddr = dv.getUint32(p, true);
    const length = dv.getUint32(p + 4, true);
    if (p + 8 + length > flash.length) return null;
    for (const b of flash.subarray(p + 8, p + 8 + length)) check ^= b;
    segments.push({ loadAddr, length });
    p += 8 + length;
  }
  const checksumAt = p + (15 - (p % 16)); // last byte of the 16-byte-aligned block
  const hashAppended = flash[at + 23] === 1;
  const digestOk = hashAppended
    ? Buffer.compare(
        createHash('sha256')
          .update(flash.subarray(at, checksumAt + 1))
          .digest(),
        Buffer.from(flash.subarray(checksumAt + 1, checksumAt + 33)),
      ) === 0
    : null;
  return { entry: dv.getUint32(at + 4, true), segments, checksumOk: flash[checksumAt] === check, sha256Ok: digestOk };
}
