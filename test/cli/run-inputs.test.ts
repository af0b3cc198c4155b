// `tinyforge run`: an input whose name holds '=' (or is "__proto__") can be passed; the output folder is checked
// before the model runs; nothing the user had is replaced without --force.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputFileName, parseInputSpec } from '../../src/cli/commands/run.ts';
import { readTensorProto, writeTensorProto } from '../../src/data/tensor-proto.ts';
import { encodeModel, floatTensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-run-'));
const cli = (...args: string[]) => {
  const r = spawnSync('node', ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('run --input', () => {
  it('splits at the model input name, which may hold "="; a one-input model takes a bare file', () => {
    expect(parseInputSpec('a=b=c.pb', ['a', 'a=b'])).toEqual({ name: 'a=b', file: 'c.pb' });
    expect(parseInputSpec('a=b=c.pb', ['a'])).toEqual({ name: 'a', file: 'b=c.pb' });
    expect(parseInputSpec('x.pb', ['only'])).toEqual({ name: 'only', file: 'x.pb' });
    expect(() => parseInputSpec('zz=x.pb', ['a', 'b'])).toThrow(/names no input/);
    const taken = new Set<string>();
    expect(outputFileName('../../etc/x', taken)).toBe('__.._etc_x.pb'); // no folder part, no leading dot
    expect(outputFileName('y'.repeat(300), taken).length).toBeLessThanOrEqual(100);
    expect(outputFileName('a/b', taken)).toBe('a_b.pb');
    expect(outputFileName('a:b', taken)).toBe('a_b_2.pb');
  });

  it('runs a model whose input is named "x=1" and keeps an existing output unless --force', () => {
    const model = join(dir, 'eq.onnx');
    writeFileSync(
      model,
      encodeModel(
        makeModel({
          nodes: [node('MatMul', ['x=1', 'W'], ['y'], {}, 'mm')],
          initializers: [floatTensor('W', [2, 2], [1, 2, 3, 4])],
          inputs: [valueInfo('x=1', [1, 2])],
          outputs: [valueInfo('y', [1, 2])],
        }),
      ),
    );
    const input = join(dir, 'in.pb');
    writeFileSync(input, writeTensorProto({ name: 'x=1', dims: [1, 2], dtype: 'float', data: Float32Array.from([1, 1]) }));
    const out = join(dir, 'out');
    let r = cli('run', model, '--input', `x=1=${input}`, '--output-dir', out);
    expect(r.stderr).not.toContain('error[');
    expect(r.code).toBe(0);
    expect(Array.from(readTensorProto(readFileSync(join(out, 'y.pb'))).data as Float32Array)).toEqual([4, 6]);
    r = cli('run', model, '--input', `x=1=${input}`, '--output-dir', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[output-exists]');
    expect(cli('run', model, '--input', `x=1=${input}`, '--output-dir', out, '--force').code).toBe(0);
    // The folder holding the input is not an output folder: it would mix results with inputs.
    r = cli('run', model, '--input', `x=1=${input}`, '--output-dir', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[output-is-input]');
  });
});

describe('run --board with several inputs and outputs', () => {
  it('feeds every input and returns every output on an emulated board, as the reference does', () => {
    const model = join(dir, 'two-io.onnx');
    writeFileSync(
      model,
      encodeModel(
        makeModel({
          nodes: [node('Add', ['a', 'b'], ['sum'], {}, 'add'), node('MatMul', ['b', 'W'], ['prod'], {}, 'mm')],
          initializers: [floatTensor('W', [3, 2], [1, 2, 3, 4, 5, 6])],
          inputs: [valueInfo('a', [1, 3]), valueInfo('b', [1, 3])],
          outputs: [valueInfo('sum', [1, 3]), valueInfo('prod', [1, 2])],
        }),
      ),
    );
    const inA = join(dir, 'a.pb');
    const inB = join(dir, 'b.pb');
    writeFileSync(inA, writeTensorProto({ name: 'a', dims: [1, 3], dtype: 'float', data: Float32Array.from([1, 2, 3]) }));
    writeFileSync(inB, writeTensorProto({ name: 'b', dims: [1, 3], dtype: 'float', data: Float32Array.from([0.5, -1, 2]) }));
    const results: Record<string, number[]>[] = [];
    for (const board of ['reference', 'mps2-an386']) {
      const out = join(dir, `two-io-${board}`);
      const r = cli('run', model, '--board', board, '--input', `a=${inA}`, '--input', `b=${inB}`, '--output-dir', out);
      expect(r.stderr).not.toContain('error[');
      expect(r.code).toBe(0);
      const read = (n: string) => Array.from(readTensorProto(readFileSync(join(out, `${n}.pb`))).data as Float32Array);
      results.push({ sum: read('sum'), prod: read('prod') });
    }
    expect(results[0]).toEqual({ sum: [1.5, 1, 5], prod: [7.5, 9] });
    expect(results[1]).toEqual(results[0]);
    // A dataset gives one tensor per sample: deploy says so instead of feeding a half-filled input.
    const d = cli(
      'deploy',
      model,
      '--board',
      'mps2-an386',
      '--quantize',
      'none',
      '--dataset',
      'synthetic',
      '-o',
      join(dir, 'two-io-deploy'),
    );
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('error[unsupported-model]');
    expect(d.stderr).toContain('--input');
  });
});
