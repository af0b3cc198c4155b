// IDX, .npy and TensorProto: round trips, the real MNIST files, and the errors a damaged or missing file gives.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { parseIdx, readIdx, writeIdx } from '../../src/data/idx.ts';
import { readNpy, writeNpy } from '../../src/data/npy.ts';
import { readTensorProto, writeTensorProto } from '../../src/data/tensor-proto.ts';
import { loadMnist } from '../../src/data/mnist.ts';
import { loadDataset } from '../../src/data/load-dataset.ts';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof TinyforgeError) return e.code;
    throw e;
  }
  return undefined;
}

describe('IDX', () => {
  it('round-trips bytes and dims', () => {
    const data = Uint8Array.from({ length: 24 }, (_, i) => i * 7);
    const back = parseIdx(writeIdx([2, 3, 4], data));
    expect(back.dims).toEqual([2, 3, 4]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('rejects a truncated header, a bad magic, a short body and a missing file', () => {
    const good = writeIdx([2, 3], new Uint8Array(6));
    expect(codeOf(() => parseIdx(good.subarray(0, 6)))).toBe('bad-idx-file');
    expect(codeOf(() => parseIdx(Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 1, 5])))).toBe('bad-idx-file');
    expect(codeOf(() => parseIdx(good.subarray(0, good.length - 1)))).toBe('bad-idx-file');
    let err: TinyforgeError | undefined;
    try {
      readIdx('/nonexistent/train-images-idx3-ubyte');
    } catch (e) {
      err = e as TinyforgeError;
    }
    expect(err?.code).toBe('dataset-missing');
    expect(err?.message).toContain('train-images-idx3-ubyte');
    expect(err?.diagnostic.hint).toContain('npm ci');
  });
});

describe('MNIST', () => {
  it('loads the real test split: 10k 28x28x1 images, raw pixels 0..255, labels 0..9', async () => {
    const ds = await loadDataset('mnist', { split: 'test' });
    expect(ds.size).toBe(10000);
    expect(ds.inputShape).toEqual([28, 28, 1]);
    expect(ds.numClasses).toBe(10);
    const s = ds.get(0);
    expect(s.x.length).toBe(784);
    expect(Math.max(...s.x)).toBe(255);
    expect(Math.min(...s.x)).toBe(0);
    expect(s.label).toBe(7); // the first MNIST test digit is a 7
    const counts = new Array(10).fill(0);
    for (let i = 0; i < ds.size; i++) counts[ds.get(i).label]++;
    expect(counts.every((c) => c > 800)).toBe(true);
  });

  it('honours limit and names the missing file in a dataset-missing error', async () => {
    expect((await loadDataset('mnist', { split: 'train', limit: 100 })).size).toBe(100);
    const empty = mkdtempSync(join(tmpdir(), 'tfg-mnist-'));
    let err: TinyforgeError | undefined;
    try {
      loadMnist({ split: 'test' }, empty);
    } catch (e) {
      err = e as TinyforgeError;
    }
    expect(err?.code).toBe('dataset-missing');
    expect(err?.message).toContain('t10k-images-idx3-ubyte');
  });

  it('rejects an unknown dataset name, listing the valid ones', async () => {
    const e = await loadDataset('cifar99', { split: 'test' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TinyforgeError);
    expect((e as TinyforgeError).code).toBe('unknown-dataset');
    expect((e as TinyforgeError).diagnostic.notes?.join(' ')).toContain('mnist');
  });
});

describe('.npy', () => {
  it('round-trips every supported dtype', () => {
    const cases = [
      Float32Array.from([1.5, -2.25, 3e-8, 0, 65504, -1]),
      Int8Array.from([-128, 127, 0, 1, -1, 5]),
      Uint8Array.from([0, 255, 1, 2, 3, 4]),
      Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 0, 7, -7, 42]),
    ];
    for (const data of cases) {
      const bytes = writeNpy(data, [2, 3]);
      expect((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64).toBe(0);
      const back = readNpy(bytes);
      expect(back.shape).toEqual([2, 3]);
      expect(back.data.constructor).toBe(data.constructor);
      expect(Array.from(back.data as ArrayLike<number>)).toEqual(Array.from(data));
    }
  });

  it("reads numpy's default float64 and int64 arrays", () => {
    const f8 = readNpy(writeNpy(Float64Array.from([0.1, -2, 1e300]), [3]));
    expect(f8.dtype).toBe('f8');
    expect(Array.from(f8.data as Float64Array)).toEqual([0.1, -2, 1e300]);
    const i8 = readNpy(writeNpy(BigInt64Array.from([-1n, 2n ** 40n, 7n]), [3, 1]));
    expect(i8).toMatchObject({ dtype: 'i8', shape: [3, 1] });
    expect(Array.from(i8.data as BigInt64Array)).toEqual([-1n, 2n ** 40n, 7n]);
  });

  it('reads a file as numpy writes it (1-D shape tuple with a trailing comma)', () => {
    const bytes = writeNpy(Float32Array.from([1, 2, 3]), [3]);
    expect(new TextDecoder().decode(bytes.subarray(10, 70))).toContain("'shape': (3,)");
    expect(readNpy(bytes).shape).toEqual([3]);
  });

  it('rejects bad magic, truncation, unsupported dtypes and Fortran order', () => {
    const good = writeNpy(Float32Array.from([1, 2, 3, 4]), [4]);
    expect(codeOf(() => readNpy(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])))).toBe('bad-npy-file');
    expect(codeOf(() => readNpy(good.subarray(0, 20)))).toBe('bad-npy-file');
    expect(codeOf(() => readNpy(good.subarray(0, good.length - 2)))).toBe('bad-npy-file');
    const c8 = new TextDecoder().decode(good).replace('<f4', '<c8');
    expect(codeOf(() => readNpy(new TextEncoder().encode(c8).map((b, i) => (i < 10 ? good[i]! : b))))).toBe('bad-npy-file');
    const header = new TextDecoder().decode(good.subarray(0, 64)).replace('False', 'True ');
    const fortran = good.slice();
    fortran.set(new TextEncoder().encode(header).subarray(10), 10);
    expect(codeOf(() => readNpy(fortran))).toBe('bad-npy-file');
  });
});

describe('TensorProto', () => {
  it('round-trips float, int8, uint8, int32 and int64 through raw_data', () => {
    const cases = [
      { dtype: 'float' as const, data: Float32Array.from([0.5, -1, 3.25, 1e-7, 0, 9]) },
      { dtype: 'int8' as const, data: Int8Array.from([-128, 127, 0, 1, -1, 3]) },
      { dtype: 'uint8' as const, data: Uint8Array.from([0, 255, 128, 1, 2, 3]) },
      { dtype: 'int32' as const, data: Int32Array.from([-5, 2 ** 30, 0, 1, 2, 3]) },
      { dtype: 'int64' as const, data: BigInt64Array.from([-5n, 2n ** 40n, 0n, 1n, 2n, 3n]) },
    ];
    for (const c of cases) {
      const back = readTensorProto(writeTensorProto({ name: 'x', dims: [1, 2, 3], ...c }));
      expect(back).toMatchObject({ name: 'x', dims: [1, 2, 3], dtype: c.dtype });
      expect(Array.from(back.data as ArrayLike<number | bigint>)).toEqual(Array.from(c.data as ArrayLike<number | bigint>));
    }
  });

  it('reads float_data and int32_data forms (as some exporters write)', () => {
    const T = onnxProto.onnx.TensorProto;
    const f = T.encode({ name: 'f', dims: [2, 2], dataType: T.DataType.FLOAT, floatData: [1, 2, 3, 4.5] }).finish();
    expect(Array.from(readTensorProto(f).data as Float32Array)).toEqual([1, 2, 3, 4.5]);
    const q = T.encode({ name: 'q', dims: [3], dataType: T.DataType.INT8, int32Data: [-3, 0, 7] }).finish();
    const r = readTensorProto(q);
    expect(r.data).toBeInstanceOf(Int8Array);
    expect(Array.from(r.data as Int8Array)).toEqual([-3, 0, 7]);
  });

  it('reads the ONNX conformance test vectors', () => {
    const dir = '/usr/share/libonnx-testdata/data/node/test_relu/test_data_set_0';
    const input = readTensorProto(new Uint8Array(readFileSync(join(dir, 'input_0.pb'))));
    const output = readTensorProto(new Uint8Array(readFileSync(join(dir, 'output_0.pb'))));
    expect(input.dims).toEqual([3, 4, 5]);
    const x = input.data as Float32Array;
    const y = output.data as Float32Array;
    for (let i = 0; i < x.length; i++) expect(y[i]).toBe(Math.max(0, x[i]!));
  });

  it('rejects garbage, unsupported types and a raw_data size mismatch', () => {
    const T = onnxProto.onnx.TensorProto;
    expect(codeOf(() => readTensorProto(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff])))).toBe('bad-tensor-proto');
    const dbl = T.encode({ dims: [1], dataType: T.DataType.DOUBLE, doubleData: [1] }).finish();
    expect(codeOf(() => readTensorProto(dbl))).toBe('bad-tensor-proto');
    const short = T.encode({ dims: [4], dataType: T.DataType.FLOAT, rawData: new Uint8Array(12) }).finish();
    expect(codeOf(() => readTensorProto(short))).toBe('bad-tensor-proto');
  });
});
