// Library packages (`compile --lib --format …`): each format's manifest is read the way its build system reads it and
// checked for the fields that build system requires, and the sources it selects are compiled with only the include
// paths it declares: the Arduino and PlatformIO layouts with arm-none-eabi-gcc for Cortex-M4 (the Arduino example sketch
// with arm-none-eabi-g++ against a small Arduino.h the test provides), the ESP-IDF and Zephyr ones with the host gcc.
// The Arduino sketch also runs on the host and must print the class tinyforge's reference interpreter predicts.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { generateModel } from '../../src/codegen/generate.ts';
import { libraryPackage, type LibPackage } from '../../src/codegen/lib-package.ts';
import { LIB_FORMATS, parseLibFormat, type LibFormat } from '../../src/codegen/lib-formats.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { argmax } from '../../src/reference/model-input.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { randomInputs } from '../firmware/kernel-check.ts';
import { int8Mlp } from './graphs.ts';
import { M4_FLAGS } from './host-run.ts';

const SHIM = fileURLToPath(new URL('./arduino-shim/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tfg-libpkg-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The DSP kernels of a Cortex-M4 board: the sources differ from the portable ones and need tfg_dsp.c.
const g = int8Mlp([64, 24, 10], 9);
// Named, as several models in one firmware are: files, symbols and the package names all carry the id.
const generated = generateModel(g, { board: { kernels: 'cortex-m-dsp' }, name: 'mlp' });
const input = randomInputs(g, 1, 5)[0];
const referenceClass = argmax(runGraph(g, { x: input }).outputs[g.outputs[0]]);
const example = { input, source: 'a random int8 input', referenceClass };

function writePackage(format: LibFormat): { dir: string; pkg: LibPackage } {
  const pkg = libraryPackage({ format, graph: g, model: generated, board: 'mps2-an386', example });
  const dir = join(work, format);
  for (const [rel, text] of Object.entries(pkg.files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return { dir, pkg };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)]));
}

/** Compiles (-c) each source with `cc`, the include folders given and nothing else found for it. */
function compileEach(cc: string, flags: string[], includeDirs: string[], sources: string[], out: string): void {
  mkdirSync(out, { recursive: true });
  sources.forEach((src, i) => {
    execFileSync(cc, [...flags, ...includeDirs.map((d) => `-I${d}`), '-c', src, '-o', join(out, `${i}.o`)], { stdio: 'pipe' });
  });
}

const M4_CXX_FLAGS = [...M4_FLAGS.filter((f) => f !== '-std=c99'), '-std=gnu++17', '-fno-exceptions', '-fno-rtti'];
const HOST_C_FLAGS = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-O1'];

/** The arguments of the first `command(...)` call in a CMake file, split into words (quotes removed, comments dropped). */
function cmakeCall(text: string, command: string): string[] {
  const code = text
    .split('\n')
    .map((l) => l.replace(/#.*$/, ''))
    .join('\n');
  const m = new RegExp(`${command}\\s*\\(([^)]*)\\)`).exec(code);
  if (!m) throw new Error(`no ${command}(...) call`);
  return [...m[1].matchAll(/"([^"]*)"|(\S+)/g)].map((w) => w[1] ?? w[2]);
}

/** Words of a keyword-argument call (idf_component_register) grouped under their keywords. */
function keywordArgs(words: string[], keywords: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let current = '';
  for (const w of words) {
    if (keywords.includes(w)) out[(current = w)] = [];
    else if (current) out[current].push(w);
    else throw new Error(`argument ${w} before any keyword`);
  }
  return out;
}

/** PlatformIO's src filter: "+<pattern>" adds and "-<pattern>" removes, in order, paths relative to srcDir ('*' within a
 *  folder, '**' across folders). */
function applySrcFilter(filter: string | string[], files: string[]): string[] {
  const entries = (Array.isArray(filter) ? filter : [filter]).flatMap((f) => [...f.matchAll(/([+-])<([^>]*)>/g)]);
  const selected = new Set<string>();
  for (const [, sign, pattern] of entries) {
    const re = new RegExp(
      `^${pattern
        .split('**')
        .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
        .join('.*')}(/.*)?$`,
    );
    for (const f of files) if (re.test(f)) sign === '+' ? selected.add(f) : selected.delete(f);
  }
  return [...selected];
}

/** What a build system compiles for a package folder, read from its manifest: the sources, the include folders and
 *  the extra flags. */
interface BuildPlan {
  sources: string[];
  includeDirs: string[];
  flags: string[];
}

/** Arduino (1.5 format): every .c under src/, recursively, with src/ (and nothing else of the library) included. */
function arduinoPlan(dir: string): BuildPlan {
  return { sources: filesUnder(join(dir, 'src')).filter((f) => f.endsWith('.c')), includeDirs: [join(dir, 'src')], flags: [] };
}

/** PlatformIO: srcDir filtered by srcFilter; includeDir and srcDir on the include path, then build.flags' -I folders. */
function platformioPlan(dir: string): BuildPlan {
  const build = JSON.parse(readFileSync(join(dir, 'library.json'), 'utf8')).build ?? {};
  const srcDir = join(dir, build.srcDir ?? 'src');
  const flags: string[] = build.flags ?? [];
  const selected = applySrcFilter(
    build.srcFilter,
    filesUnder(srcDir).map((f) => relative(srcDir, f)),
  );
  return {
    sources: selected.map((f) => join(srcDir, f)),
    includeDirs: [
      join(dir, build.includeDir ?? 'include'),
      srcDir,
      ...flags.filter((f) => f.startsWith('-I')).map((f) => join(dir, f.slice(2).trim())),
    ],
    flags: flags.filter((f) => !f.startsWith('-I')),
  };
}

/** ESP-IDF: idf_component_register's SRCS, INCLUDE_DIRS and PRIV_INCLUDE_DIRS. */
function espIdfPlan(dir: string): BuildPlan {
  const words = cmakeCall(readFileSync(join(dir, 'CMakeLists.txt'), 'utf8'), 'idf_component_register');
  const args = keywordArgs(words, ['SRCS', 'INCLUDE_DIRS', 'PRIV_INCLUDE_DIRS', 'REQUIRES', 'PRIV_REQUIRES']);
  return {
    sources: args.SRCS.map((s) => join(dir, s)),
    includeDirs: [...args.INCLUDE_DIRS, ...(args.PRIV_INCLUDE_DIRS ?? [])].map((d) => join(dir, d)),
    flags: [],
  };
}

describe('library formats', () => {
  it('an unknown --format is a bad-argument error that lists the formats', () => {
    expect(() => parseLibFormat('mbed')).toThrow(TinyforgeError);
    try {
      parseLibFormat('mbed');
    } catch (e) {
      expect((e as TinyforgeError).code).toBe('bad-argument');
      expect((e as TinyforgeError).diagnostic.notes?.join(' ')).toContain(LIB_FORMATS.join(', '));
    }
    expect(LIB_FORMATS.map(parseLibFormat)).toEqual([...LIB_FORMATS]);
  });

  it('the cmake package is what generateModel writes in library mode', () => {
    const { pkg } = writePackage('cmake');
    expect(pkg.files).toEqual(generateModel(g, { board: { kernels: 'cortex-m-dsp' }, name: 'mlp', lib: true }).files);
    expect(pkg.sources).toEqual(generated.sources);
  });

  it('the command line refuses an unknown format and a format without --lib, exit 2, before reading the model', () => {
    const cli = (...args: string[]) => spawnSync('node', ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 60_000 });
    const unknown = cli('compile', 'no-such-model.onnx', '--board', 'mps2-an386', '--lib', '--format', 'mbed', '-o', join(work, 'x'));
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--format mbed is not a library format');
    expect(unknown.stderr).toContain('cmake, esp-idf, zephyr, platformio, arduino');
    const noLib = cli('compile', 'no-such-model.onnx', '--board', 'mps2-an386', '--format', 'arduino', '-o', join(work, 'y'));
    expect(noLib.status).toBe(2);
    expect(noLib.stderr).toContain('--lib is not given');
    const help = cli('compile', '--help');
    expect(help.stdout).toMatch(/\$ tinyforge compile .* --lib --format arduino/);
  });
});

describe('Arduino library', () => {
  const { dir } = writePackage('arduino');

  it('library.properties has every field the 1.5 library format requires, and includes= names a header in src/', () => {
    const props = Object.fromEntries(
      readFileSync(join(dir, 'library.properties'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('#'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    for (const field of ['name', 'version', 'author', 'maintainer', 'sentence', 'paragraph', 'category', 'url', 'architectures'])
      expect(props[field], field).toBeTruthy();
    expect(props.name).toMatch(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}$/);
    expect(props.version).toMatch(/^\d+\.\d+\.\d+$/);
    const categories = ['Display', 'Communication', 'Signal Input/Output', 'Sensors', 'Device Control', 'Timing', 'Data Storage'];
    expect([...categories, 'Data Processing', 'Other']).toContain(props.category);
    expect(props.url).toMatch(/^https?:\/\//);
    for (const h of props.includes.split(',')) expect(existsSync(join(dir, 'src', h.trim())), h).toBe(true);
  });

  it('src/ holds only the C sources and headers, and every .c under it compiles for Cortex-M4 with src/ as the only include path', () => {
    expect(filesUnder(join(dir, 'src')).every((f) => /\.(c|h)$/.test(f))).toBe(true);
    const plan = arduinoPlan(dir);
    expect(plan.sources.length).toBe(generated.sources.length);
    compileEach('arm-none-eabi-gcc', M4_FLAGS, plan.includeDirs, plan.sources, join(work, 'arduino-obj'));
  });

  it('the example sketch compiles with arm-none-eabi-g++ and, on the host, prints the reference class', () => {
    expect(runSketch(dir, 'arduino-host')).toBe(`mlp: predicted class ${referenceClass}\n`);
  });

  it('a model ending in ArgMax: the sketch reads its int32 output as the class', () => {
    const gi = int8Mlp([64, 24, 10], 11, 'relu', false, 'argmax');
    const x = randomInputs(gi, 1, 6)[0];
    const cls = Number(runGraph(gi, { x }).outputs[gi.outputs[0]][0]);
    const model = generateModel(gi, { board: { kernels: 'cortex-m-dsp' }, name: 'mlp' });
    const pkg = libraryPackage({
      format: 'arduino',
      graph: gi,
      model,
      board: 'mps2-an386',
      example: { input: x, source: 'a random input', referenceClass: cls },
    });
    const argmaxDir = join(work, 'arduino-argmax');
    for (const [rel, text] of Object.entries(pkg.files)) {
      mkdirSync(dirname(join(argmaxDir, rel)), { recursive: true });
      writeFileSync(join(argmaxDir, rel), text);
    }
    const ino = Object.keys(pkg.files).find((f) => f.endsWith('.ino'))!;
    expect(pkg.files[ino]).toContain('static int32_t scores[');
    expect(runSketch(argmaxDir, 'arduino-argmax-host')).toBe(`mlp: predicted class ${cls}\n`);
  });
});

/** Compiles a package's example sketch for the M4 (compile only) and for the host against the shim; runs it on the
 *  host and returns what it printed. */
function runSketch(dir: string, hostFolder: string): string {
  {
    const sketches = readdirSync(join(dir, 'examples'));
    expect(sketches).toHaveLength(1);
    const ino = join(dir, 'examples', sketches[0], `${sketches[0]}.ino`); // a sketch's folder and file share its name
    expect(existsSync(ino)).toBe(true);
    execFileSync(
      'arm-none-eabi-g++',
      [...M4_CXX_FLAGS, '-x', 'c++', `-I${SHIM}`, `-I${join(dir, 'src')}`, '-c', ino, '-o', join(work, `${hostFolder}-m4.o`)],
      { stdio: 'pipe' },
    );
    const host = join(work, hostFolder);
    const sources = filesUnder(join(dir, 'src')).filter((f) => f.endsWith('.c'));
    compileEach('gcc', HOST_C_FLAGS, [join(dir, 'src')], sources, host);
    execFileSync('g++', [
      '-std=gnu++17',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-x',
      'c++',
      `-I${SHIM}`,
      `-I${join(dir, 'src')}`,
      '-c',
      ino,
      '-o',
      join(host, 'sketch.o'),
    ]);
    execFileSync('g++', ['-c', join(SHIM, 'host-main.cpp'), '-o', join(host, 'main.o')]);
    const objects = readdirSync(host).map((f) => join(host, f));
    execFileSync('g++', [...objects, '-lm', '-o', join(host, 'sketch')]);
    return execFileSync(join(host, 'sketch'), { encoding: 'utf8' });
  }
}

describe('PlatformIO library', () => {
  const { dir, pkg } = writePackage('platformio');

  it('library.json names the library and selects the generated sources with its srcFilter, which compile for Cortex-M4 with its include paths', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'library.json'), 'utf8'));
    expect(manifest.name).toBe('tinyforge_mlp');
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.frameworks).toBe('*');
    expect(manifest.platforms).toBe('*');
    expect(manifest.build.libArchive).not.toBe(false); // built as an archive: see 'two packages in one firmware'
    const plan = platformioPlan(dir);
    expect(plan.sources.map((f) => relative(dir, f)).sort()).toEqual([...pkg.sources].sort());
    compileEach('arm-none-eabi-gcc', [...M4_FLAGS, ...plan.flags], plan.includeDirs, plan.sources, join(work, 'pio-obj'));
  });
});

describe('ESP-IDF component', () => {
  const { dir, pkg } = writePackage('esp-idf');

  it('idf_component.yml has a version, a description and needs ESP-IDF 5 or later', () => {
    const manifest = parseYaml(readFileSync(join(dir, 'idf_component.yml'), 'utf8'));
    expect(typeof manifest.version).toBe('string');
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.description).toContain('mlp');
    expect(manifest.dependencies).toEqual({ idf: '>=5.0' });
  });

  it('CMakeLists.txt registers the sources with idf_component_register, which build with the include folders it declares', () => {
    const cmake = readFileSync(join(dir, 'CMakeLists.txt'), 'utf8');
    const args = keywordArgs(cmakeCall(cmake, 'idf_component_register'), [
      'SRCS',
      'INCLUDE_DIRS',
      'PRIV_INCLUDE_DIRS',
      'REQUIRES',
      'PRIV_REQUIRES',
    ]);
    expect(args.SRCS).toEqual(pkg.sources);
    expect(args.INCLUDE_DIRS.some((d) => existsSync(join(dir, d, 'mlp.h')))).toBe(true);
    const includeDirs = [...args.INCLUDE_DIRS, ...(args.PRIV_INCLUDE_DIRS ?? [])].map((d) => join(dir, d));
    compileEach(
      'gcc',
      HOST_C_FLAGS,
      includeDirs,
      args.SRCS.map((s) => join(dir, s)),
      join(work, 'idf-obj'),
    );
  });

  it('Kconfig defines the PSRAM arena option the CMakeLists reads', () => {
    const kconfig = readFileSync(join(dir, 'Kconfig'), 'utf8');
    const symbol = /^\s*config (\w+_ARENA_IN_PSRAM)$/m.exec(kconfig)?.[1];
    expect(symbol).toBe('TINYFORGE_MLP_ARENA_IN_PSRAM');
    expect(readFileSync(join(dir, 'CMakeLists.txt'), 'utf8')).toContain(`if(CONFIG_${symbol})`);
  });
});

describe('Zephyr module', () => {
  const { dir } = writePackage('zephyr');

  it('zephyr/module.yml points at a folder with a CMakeLists.txt and at a Kconfig file, as zephyr_module.py checks', () => {
    const module = parseYaml(readFileSync(join(dir, 'zephyr', 'module.yml'), 'utf8'));
    expect(module.name).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(typeof module.build.cmake).toBe('string');
    expect(existsSync(join(dir, module.build.cmake, 'CMakeLists.txt'))).toBe(true);
    expect(statSync(join(dir, module.build.kconfig)).isFile()).toBe(true);
  });

  it('everything in the CMakeLists is under the Kconfig symbol: the model library and its share of the kernel library', () => {
    const kconfig = readFileSync(join(dir, 'Kconfig'), 'utf8');
    const symbol = /^config (\w+)$/m.exec(kconfig)?.[1];
    expect(symbol).toBe('TINYFORGE_MLP');
    expect(kconfig).toMatch(new RegExp(`config ${symbol}\\n\\s+bool `));
    const code = readFileSync(join(dir, 'CMakeLists.txt'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.trim().startsWith('#'));
    expect(code[0]).toBe(`if(CONFIG_${symbol})`);
    expect(code.at(-1)).toBe('endif()');
    expect(code.slice(1, -1).every((l) => l.startsWith('  '))).toBe(true);
    expect(code.join('\n')).toMatch(/zephyr_library_named\(tinyforge_mlp\)\n\s+zephyr_library_sources\(mlp\.c\)/);
  });
});

describe('compile --lib --format arduino', () => {
  const cli = (...args: string[]) => spawnSync('node', ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 300_000 });

  it('bundles the first MNIST test sample; the sketch prints its label, the class the reference predicts', () => {
    // A float model (--quantize none) needs no calibration: the float sample and float scores path of the sketch.
    const out = join(work, 'cli-arduino');
    const c = cli(
      'compile',
      'examples/mnist-cnn/model.onnx',
      '--board',
      'mps2-an385',
      '--quantize',
      'none',
      '--dataset',
      'mnist',
      '--lib',
      '--format',
      'arduino',
      '--name',
      'digits',
      '-o',
      out,
    );
    expect(c.status, c.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'tinyforge.json'), 'utf8'));
    expect(manifest.lib_format).toBe('arduino');
    expect(manifest.sources[0]).toBe('src/digits.c');
    const ino = join(out, 'examples', 'tinyforge_digits', 'tinyforge_digits.ino');
    const sketch = readFileSync(ino, 'utf8');
    expect(sketch).toContain('static const float kSample[784]');
    const label = Number(/labelled (\d+);/.exec(sketch)?.[1]);
    expect(sketch).toContain(`reference interpreter predicts class ${label} for it`); // MNIST test sample 0 is a clear 7
    const host = join(work, 'cli-arduino-host');
    const sources = manifest.sources.map((s: string) => join(out, s));
    compileEach('gcc', HOST_C_FLAGS, [join(out, 'src')], sources, host);
    execFileSync('g++', ['-std=gnu++17', '-x', 'c++', `-I${SHIM}`, `-I${join(out, 'src')}`, '-c', ino, '-o', join(host, 'sketch.o')]);
    execFileSync('g++', ['-c', join(SHIM, 'host-main.cpp'), '-o', join(host, 'main.o')]);
    execFileSync('g++', [...readdirSync(host).map((f) => join(host, f)), '-lm', '-o', join(host, 'sketch')]);
    expect(execFileSync(join(host, 'sketch'), { encoding: 'utf8' })).toBe(`digits: predicted class ${label}\n`);
  });

  it('without --dataset it stops before any work, exit 2, saying what to pass', () => {
    const r = cli(
      'compile',
      'examples/mnist-cnn/model.onnx',
      '--board',
      'mps2-an385',
      '--quantize',
      'none',
      '--lib',
      '--format',
      'arduino',
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no dataset was given');
    expect(r.stderr).toContain('--dataset');
  });
});

describe('two packages in one firmware', () => {
  // Two int8 MLPs (--name a, --name b): both call the dense and softmax kernels, so both packages carry those files.
  // Arduino (dot_a_linkage), PlatformIO (libArchive) and ESP-IDF (a component is a library) link each package as a
  // static archive, from which the linker takes a kernel's object once; a program with both links and both models
  // give the reference bytes (test/codegen/two-models-app/main.c, run in default arenas, then in one shared arena).
  const APP = fileURLToPath(new URL('./two-models-app/main.c', import.meta.url));
  const models = {
    a: int8Mlp([32, 16, 8], 3),
    b: int8Mlp([64, 24, 10], 9),
  };
  const inputs = { a: randomInputs(models.a, 3, 5), b: randomInputs(models.b, 3, 6) };
  const bytesOf = (xs: ArrayBufferView[]) => Buffer.concat(xs.map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength)));
  const expected = (id: 'a' | 'b') => {
    const once = bytesOf(inputs[id].map((x) => runGraph(models[id], { x }).outputs[models[id].outputs[0]]));
    return Buffer.concat([once, once]);
  };
  const plans: Record<string, (dir: string) => BuildPlan> = { arduino: arduinoPlan, platformio: platformioPlan, 'esp-idf': espIdfPlan };

  for (const format of ['arduino', 'platformio', 'esp-idf'] as const) {
    it(`${format}: each package an archive, one program, both models equal the reference`, () => {
      const root = join(work, `two-${format}`);
      const archives: string[] = [];
      const includeDirs: string[] = [];
      for (const id of ['a', 'b'] as const) {
        const g = models[id];
        const gen = generateModel(g, { name: id });
        const x = inputs[id][0];
        const pkg = libraryPackage({
          format,
          graph: g,
          model: gen,
          board: 'host',
          example: { input: x, source: 'a random input', referenceClass: argmax(runGraph(g, { x }).outputs[g.outputs[0]]) },
        });
        const dir = join(root, id);
        for (const [rel, text] of Object.entries(pkg.files)) {
          mkdirSync(dirname(join(dir, rel)), { recursive: true });
          writeFileSync(join(dir, rel), text);
        }
        const plan = plans[format](dir);
        const objects = join(root, `${id}-obj`);
        compileEach('gcc', [...HOST_C_FLAGS, ...plan.flags], plan.includeDirs, plan.sources, objects);
        archives.push(join(root, `lib${id}.a`));
        execFileSync('ar', ['rcs', archives.at(-1)!, ...readdirSync(objects).map((f) => join(objects, f))]);
        includeDirs.push(...plan.includeDirs);
      }
      if (format === 'arduino') expect(readFileSync(join(root, 'a', 'library.properties'), 'utf8')).toMatch(/^dot_a_linkage=true$/m);
      const app = join(root, 'app');
      execFileSync('gcc', ['-std=c99', '-O1', ...includeDirs.map((d) => `-I${d}`), APP, ...archives, '-lm', '-o', app]);
      writeFileSync(join(root, 'a_in.bin'), bytesOf(inputs.a));
      writeFileSync(join(root, 'b_in.bin'), bytesOf(inputs.b));
      execFileSync(app, ['a_in.bin', 'b_in.bin', 'a_out.bin', 'b_out.bin'], { cwd: root });
      expect(readFileSync(join(root, 'a_out.bin'))).toEqual(expected('a'));
      expect(readFileSync(join(root, 'b_out.bin'))).toEqual(expected('b'));
    });
  }
});

describe('two Zephyr modules in one firmware', () => {
  // Zephyr links every library whole, so archives do not hide a kernel both modules carry: the modules share one
  // tinyforge_kernels library instead. Built with CMake through zephyr-standin (Zephyr's library functions and link
  // rule, without Zephyr); a third module whose symbol is off adds nothing.
  const STANDIN = fileURLToPath(new URL('./zephyr-standin/', import.meta.url));
  const APP = fileURLToPath(new URL('./two-models-app/main.c', import.meta.url));

  it('links, with each shared kernel compiled once, and both models give the reference bytes', () => {
    const root = join(work, 'two-zephyr');
    const models = { a: int8Mlp([32, 16, 8], 3), b: int8Mlp([64, 24, 10], 9), c: int8Mlp([16, 8, 4], 4) };
    for (const [id, g] of Object.entries(models)) {
      const pkg = libraryPackage({ format: 'zephyr', graph: g, model: generateModel(g, { name: id }), board: 'host' });
      for (const [rel, text] of Object.entries(pkg.files)) {
        mkdirSync(dirname(join(root, id, rel)), { recursive: true });
        writeFileSync(join(root, id, rel), text);
      }
    }
    const build = join(root, 'build');
    execFileSync(
      'cmake',
      [
        '-S',
        STANDIN,
        '-B',
        build,
        `-DMODULES=${['a', 'b', 'c'].map((id) => join(root, id)).join(';')}`,
        '-DCONFIGS=CONFIG_TINYFORGE_A;CONFIG_TINYFORGE_B',
        `-DAPP_MAIN=${APP}`,
      ],
      { stdio: 'pipe' },
    );
    execFileSync('cmake', ['--build', build], { stdio: 'pipe' });
    const symbols = execFileSync('nm', ['--defined-only', join(build, 'app')], { encoding: 'utf8' });
    expect(symbols).toMatch(/ T a_run$/m);
    expect(symbols).not.toMatch(/ T c_run$/m);
    const archive = filesUnder(build).find((f) => f.endsWith('/libtinyforge_kernels.a'))!;
    const kernelObjects = execFileSync('ar', ['t', archive], { encoding: 'utf8' }).trim().split('\n');
    expect(kernelObjects.sort()).toEqual(['tfg_dense_s8.c.o', 'tfg_softmax_s8.c.o']);
    const bytesOf = (xs: ArrayBufferView[]) => Buffer.concat(xs.map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength)));
    const inputs = { a: randomInputs(models.a, 3, 5), b: randomInputs(models.b, 3, 6) };
    writeFileSync(join(root, 'a_in.bin'), bytesOf(inputs.a));
    writeFileSync(join(root, 'b_in.bin'), bytesOf(inputs.b));
    execFileSync(join(build, 'app'), ['a_in.bin', 'b_in.bin', 'a_out.bin', 'b_out.bin'], { cwd: root });
    for (const id of ['a', 'b'] as const) {
      const once = bytesOf(inputs[id].map((x) => runGraph(models[id], { x }).outputs[models[id].outputs[0]]));
      expect(readFileSync(join(root, `${id}_out.bin`))).toEqual(Buffer.concat([once, once]));
    }
  });
});
