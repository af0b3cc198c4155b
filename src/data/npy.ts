// NumPy .npy read/write (format 1.0–3.0, C order, little-endian f4/f8/i1/u1/i4/i8) for datasets and test vectors.
import { TinyforgeError } from '../diagnostics.ts';

export type NpyDtype = 'f4' | 'f8' | 'i1' | 'u1' | 'i4' | 'i8';
export type NpyData = Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

export interface NpyArray {
  shape: number[];
  dtype: NpyDtype;
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
// float64 and int64 are what numpy makes by default (np.array of floats / ints), so datasets arrive in them.
const DESCR: Record<string, NpyDtype> = {
  '<f4': 'f4',
  '<f8': 'f8',
  '|i1': 'i1',
  '<i1': 'i1',
  '|u1': 'u1',
  '<u1': 'u1',
  '<i4': 'i4',
  '<i8': 'i8',
};
const BYTES: Record<NpyDtype, number> = { f4: 4, f8: 8, i1: 1, u1: 1, i4: 4, i8: 8 };

function fail(file: string, message: string): never {
  throw new TinyforgeError('bad-npy-file', message, {
    location: { file },
    hint: 'save the array with numpy.save (C order, little-endian float32/64, int8, uint8, int32 or int64)',
  });
}

export function readNpy(bytes: Uint8Array, file = '<bytes>'): NpyArray {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) fail(file, 'not a .npy file (magic \\x93NUMPY missing)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) fail(file, `.npy format version ${major} is not supported (1 to 3)`);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail(file, '.npy header is truncated');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (bytes.length < start + headerLen) fail(file, `.npy header needs ${headerLen} bytes, the file has ${bytes.length - start}`);
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(file, `.npy header is malformed: ${header.trim()}`);
  const dtype = DESCR[descr];
  if (!dtype)
    fail(file, `.npy dtype '${descr}' is not supported (float32 '<f4', float64 '<f8', int8 '|i1', uint8 '|u1', int32 '<i4', int64 '<i8')`);
  if (fortran === 'True') fail(file, '.npy array is in Fortran order; save a C-ordered array (numpy.ascontiguousarray)');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(file, `.npy shape (${shapeText}) is not a list of sizes`);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  const need = count * BYTES[dtype];
  if (bytes.length - dataStart < need)
    fail(file, `.npy shape [${shape}] needs ${need} data bytes, the file has ${bytes.length - dataStart}`);
  // Copy so the typed array is aligned and independent of the file buffer.
  const raw = bytes.slice(dataStart, dataStart + need).buffer;
  return { shape, dtype, data: new CTORS[dtype](raw) };
}

const CTORS = { f4: Float32Array, f8: Float64Array, i1: Int8Array, u1: Uint8Array, i4: Int32Array, i8: BigInt64Array } as const;

function dtypeOf(data: NpyData): NpyDtype {
  return (Object.keys(CTORS) as NpyDtype[]).find((k) => data instanceof CTORS[k])!;
}

/** Writes format 1.0 with the header padded to a multiple of 64 bytes, as numpy does. (Little-endian hosts only.) */
export function writeNpy(data: NpyData, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new TinyforgeError('bad-npy-file', `shape [${shape}] has ${count} elements but the data has ${data.length}`);
  const dtype = dtypeOf(data);
  const descr = BYTES[dtype] === 1 ? `|${dtype}` : `<${dtype}`;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
