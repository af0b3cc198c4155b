// Bounds-checked flatbuffer table access over the `flatbuffers` runtime's ByteBuffer.
// ByteBuffer itself reads past the end silently (undefined → 0), so every offset, vtable and vector is checked
// here first; any violation becomes one TinyforgeError 'bad-model-file' naming the file and what is wrong.
import { ByteBuffer } from 'flatbuffers';
import { TinyforgeError } from '../diagnostics.ts';

/** Shared state for one file: the bytes, its path for messages, and a failure helper. */
export class FlatReader {
  readonly bb: ByteBuffer;
  readonly size: number;
  constructor(
    readonly bytes: Uint8Array,
    readonly path: string,
  ) {
    this.bb = new ByteBuffer(bytes);
    this.size = bytes.length;
  }

  fail(what: string): never {
    throw new TinyforgeError('bad-model-file', `${this.path} is not a valid TFLite model: ${what}`, {
      location: { file: this.path },
      hint: 'the file is truncated or corrupt; re-export it with the TFLite converter',
    });
  }

  /** Checks that [pos, pos+len) lies inside the file. */
  need(pos: number, len: number, what: string): void {
    if (!Number.isInteger(pos) || pos < 0 || len < 0 || pos + len > this.size) {
      this.fail(`${what} at byte ${pos} (+${len}) lies outside the ${this.size}-byte file`);
    }
  }

  /** The root table of the file (uoffset at byte 0). */
  root(what: string): Table {
    this.need(0, 8, 'file header');
    return new Table(this, this.bb.readUint32(0), what);
  }
}

export interface VectorRef {
  /** Absolute offset of element 0. */
  start: number;
  length: number;
}

/** One table: checks its vtable on construction, then each field on access. Field ids are schema field indices. */
export class Table {
  private readonly vtable: number;
  private readonly vtableSize: number;
  private readonly tableSize: number;

  constructor(
    readonly r: FlatReader,
    readonly pos: number,
    readonly what: string,
  ) {
    r.need(pos, 4, what);
    const vtable = pos - r.bb.readInt32(pos);
    r.need(vtable, 4, `vtable of ${what}`);
    this.vtable = vtable;
    this.vtableSize = r.bb.readUint16(vtable);
    this.tableSize = r.bb.readUint16(vtable + 2);
    if (this.vtableSize < 4 || this.vtableSize % 2 !== 0) r.fail(`vtable of ${what} has a bad size ${this.vtableSize}`);
    r.need(vtable, this.vtableSize, `vtable of ${what}`);
    r.need(pos, Math.max(this.tableSize, 4), what);
  }

  /** Absolute offset of field `id` (checked to hold `width` bytes inside the table), or 0 when absent. */
  private field(id: number, width: number): number {
    const slot = 4 + 2 * id;
    if (slot + 2 > this.vtableSize) return 0;
    const rel = this.r.bb.readUint16(this.vtable + slot);
    if (rel === 0) return 0;
    if (rel + width > this.tableSize) this.r.fail(`field ${id} of ${this.what} overruns its table`);
    return this.pos + rel;
  }

  int8(id: number, def: number): number {
    const o = this.field(id, 1);
    return o ? this.r.bb.readInt8(o) : def;
  }
  uint8(id: number, def: number): number {
    const o = this.field(id, 1);
    return o ? this.r.bb.readUint8(o) : def;
  }
  bool(id: number, def: boolean): boolean {
    const o = this.field(id, 1);
    return o ? this.r.bb.readUint8(o) !== 0 : def;
  }
  int32(id: number, def: number): number {
    const o = this.field(id, 4);
    return o ? this.r.bb.readInt32(o) : def;
  }
  uint32(id: number, def: number): number {
    const o = this.field(id, 4);
    return o ? this.r.bb.readUint32(o) : def;
  }
  float32(id: number, def: number): number {
    const o = this.field(id, 4);
    return o ? this.r.bb.readFloat32(o) : def;
  }
  /** A ulong field, as a number (exact below 2^53; larger values are reported as corrupt). */
  uint64(id: number, def: number): number {
    const o = this.field(id, 8);
    if (!o) return def;
    const v = this.r.bb.readUint64(o);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.r.fail(`field ${id} of ${this.what} is implausibly large (${v})`);
    return Number(v);
  }

  /** Follows the uoffset stored at field `id`. */
  private target(id: number, what: string): number {
    const o = this.field(id, 4);
    if (!o) return 0;
    const t = o + this.r.bb.readUint32(o);
    this.r.need(t, 4, what);
    return t;
  }

  table(id: number, what: string): Table | null {
    const t = this.target(id, what);
    return t ? new Table(this.r, t, what) : null;
  }

  /** A vector of `elemSize`-byte elements, checked to fit in the file. */
  vector(id: number, elemSize: number, what: string): VectorRef | null {
    const v = this.target(id, what);
    if (!v) return null;
    const length = this.r.bb.readUint32(v);
    this.r.need(v + 4, length * elemSize, `${what} (${length} elements)`);
    return { start: v + 4, length };
  }

  int32s(id: number, what: string): number[] {
    const v = this.vector(id, 4, what);
    const out: number[] = [];
    if (v) for (let i = 0; i < v.length; i++) out.push(this.r.bb.readInt32(v.start + 4 * i));
    return out;
  }
  float32s(id: number, what: string): number[] {
    const v = this.vector(id, 4, what);
    const out: number[] = [];
    if (v) for (let i = 0; i < v.length; i++) out.push(this.r.bb.readFloat32(v.start + 4 * i));
    return out;
  }
  /** A vector of int64 values as numbers; values outside the int32 range are reported as corrupt. */
  int64s(id: number, what: string): number[] {
    const v = this.vector(id, 8, what);
    const out: number[] = [];
    if (v) {
      for (let i = 0; i < v.length; i++) {
        const x = this.r.bb.readInt64(v.start + 8 * i);
        if (x < -2147483648n || x > 2147483647n) this.r.fail(`${what}[${i}] = ${x} is out of range`);
        out.push(Number(x));
      }
    }
    return out;
  }
  /** A [ubyte] vector as a view into the file (no copy). */
  bytes(id: number, what: string): Uint8Array | null {
    const v = this.vector(id, 1, what);
    return v ? this.r.bytes.subarray(v.start, v.start + v.length) : null;
  }
  string(id: number, what: string): string | null {
    const b = this.bytes(id, what);
    return b ? new TextDecoder().decode(b) : null;
  }
  /** A vector of tables; each element is an uoffset relative to its own slot. */
  tables(id: number, what: string): Table[] {
    const v = this.vector(id, 4, what);
    const out: Table[] = [];
    if (v) {
      for (let i = 0; i < v.length; i++) {
        const slot = v.start + 4 * i;
        const t = slot + this.r.bb.readUint32(slot);
        out.push(new Table(this.r, t, `${what}[${i}]`));
      }
    }
    return out;
  }
}
