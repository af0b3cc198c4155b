// Flash and static RAM of a firmware image, per section, read from the ELF section headers (works for the host
// ELF64 and the Arm ELF32 alike, without binutils).
import { readFileSync } from 'node:fs';
import { TinyforgeError } from '../diagnostics.ts';

const SHF_WRITE = 0x1;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;
const SHT_NOBITS = 8;

/** Where a section lives: code/constants in flash, initialised data in both, zeroed data in RAM only. */
export type SectionKind = 'text' | 'rodata' | 'data' | 'bss';

export interface ElfSection {
  name: string;
  kind: SectionKind;
  address: number;
  bytes: number;
}

export interface ElfSize {
  sections: ElfSection[];
  /** text + rodata + data (data's initial values are stored in flash). */
  flashBytes: number;
  /** data + bss: static RAM, without the stack and heap. */
  ramBytes: number;
  text: number;
  rodata: number;
  data: number;
  bss: number;
}

/** Reads the section headers of the ELF at `path`. */
export function elfSize(path: string): ElfSize {
  const buf = readFileSync(path);
  const fail = (why: string): never => {
    throw new TinyforgeError('bad-elf', `cannot read section sizes: ${why}`, { location: { file: path } });
  };
  if (buf.length < 0x34 || buf.readUInt32BE(0) !== 0x7f454c46) fail('not an ELF file');
  const is64 = buf[4] === 2;
  if (buf[5] !== 1) fail('big-endian ELF is not supported');
  const u = (off: number, bytes: 2 | 4 | 8): number =>
    bytes === 2 ? buf.readUInt16LE(off) : bytes === 4 ? buf.readUInt32LE(off) : Number(buf.readBigUInt64LE(off));
  const shoff = is64 ? u(0x28, 8) : u(0x20, 4);
  const shentsize = u(is64 ? 0x3a : 0x2e, 2);
  const shnum = u(is64 ? 0x3c : 0x30, 2);
  const shstrndx = u(is64 ? 0x3e : 0x32, 2);
  if (shoff === 0 || shoff + shnum * shentsize > buf.length) fail('section header table missing or truncated');

  const header = (i: number) => {
    const b = shoff + i * shentsize;
    return is64
      ? { name: u(b, 4), type: u(b + 4, 4), flags: u(b + 8, 8), addr: u(b + 0x10, 8), offset: u(b + 0x18, 8), size: u(b + 0x20, 8) }
      : { name: u(b, 4), type: u(b + 4, 4), flags: u(b + 8, 4), addr: u(b + 0xc, 4), offset: u(b + 0x10, 4), size: u(b + 0x14, 4) };
  };
  const strtab = header(shstrndx);
  const nameAt = (off: number): string => {
    const start = strtab.offset + off;
    const end = buf.indexOf(0, start);
    return buf.toString('latin1', start, end < 0 ? start : end);
  };

  const sections: ElfSection[] = [];
  for (let i = 1; i < shnum; i++) {
    const h = header(i);
    if ((h.flags & SHF_ALLOC) === 0 || h.size === 0) continue;
    const kind: SectionKind = h.type === SHT_NOBITS ? 'bss' : h.flags & SHF_WRITE ? 'data' : h.flags & SHF_EXECINSTR ? 'text' : 'rodata';
    sections.push({ name: nameAt(h.name), kind, address: h.addr, bytes: h.size });
  }
  const sum = (k: SectionKind): number => sections.filter((s) => s.kind === k).reduce((a, s) => a + s.bytes, 0);
  const text = sum('text');
  const rodata = sum('rodata');
  const data = sum('data');
  const bss = sum('bss');
  return { sections, flashBytes: text + rodata + data, ramBytes: data + bss, text, rodata, data, bss };
}
