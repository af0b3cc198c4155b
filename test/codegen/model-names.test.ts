// --name: one id names every file, function, macro and build target of a generated model; bad ids are refused
// with the flag named, and the default keeps today's names.
import { describe, expect, it } from 'vitest';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { generateModel } from '../../src/codegen/generate.ts';
import { DEFAULT_MODEL_ID, modelNames } from '../../src/codegen/model-names.ts';
import { int8Mlp } from './graphs.ts';

describe('model names', () => {
  it('the default keeps model.c/model.h, tfg_model_* and TFG_MODEL_*', () => {
    const n = modelNames();
    expect(n.id).toBe(DEFAULT_MODEL_ID);
    expect([n.source, n.header, n.run, n.init, n.macro, n.makeFragment, n.makePrefix]).toEqual([
      'model.c',
      'model.h',
      'tfg_model_run',
      'tfg_model_init',
      'TFG_MODEL',
      'tinyforge_model.mk',
      'TINYFORGE_MODEL',
    ]);
  });

  it('--name kws prefixes files, symbols, macros, the include guard and the build targets', () => {
    const gen = generateModel(int8Mlp([16, 8, 4], 3), { lib: true, name: 'kws' });
    expect(
      Object.keys(gen.files)
        .filter((f) => !f.startsWith('tfg/'))
        .sort(),
    ).toEqual(['CMakeLists.txt', 'README.md', 'kws.c', 'kws.h', 'tinyforge_kws.mk']);
    expect(gen.sources[0]).toBe('kws.c');
    const h = gen.files['kws.h'];
    expect(h).toContain('#ifndef KWS_H');
    expect(h).toContain('#define KWS_INPUT_BYTES 16');
    expect(h).toContain('#define KWS_INPUT_SCALE');
    expect(h).toMatch(/int32_t kws_run\(/);
    expect(h).not.toMatch(/TFG_MODEL|tfg_model/);
    expect(gen.files['kws.c']).toContain('#include "kws.h"');
    expect(gen.files['kws.c']).not.toMatch(/TFG_MODEL|tfg_model/);
    expect(gen.files['CMakeLists.txt']).toContain('add_library(tinyforge_kws STATIC');
    expect(gen.files['tinyforge_kws.mk']).toContain('TINYFORGE_KWS_SRCS :=');
  });

  it.each([
    ['Kws', 'lower-case C identifier'],
    ['9lives', 'lower-case C identifier'],
    ['kws-net', 'lower-case C identifier'],
    ['static', 'C keyword'],
    ['tfg_kws', 'tfg_ prefix'],
    ['kernels', 'tinyforge_kernels'],
    ['stdint', '<stdint.h>'],
    ['kws_', 'ends with'],
    ['a'.repeat(33), 'longer than 32'],
  ])('refuses --name %s (%s) with bad-argument on --name', (id, why) => {
    let err: unknown;
    try {
      modelNames(id);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TinyforgeError);
    const d = (err as TinyforgeError).diagnostic;
    expect(d.code).toBe('bad-argument');
    expect(d.location?.field).toBe('--name');
    expect(d.message).toContain(why);
    expect(d.hint).toBeTruthy();
  });
});
