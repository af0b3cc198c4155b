// Library mode's packages: the generated model laid out and described for the build system a firmware project uses:
// CMake/Make (the default), an ESP-IDF component, a Zephyr module, a PlatformIO library or an Arduino library.
// Every format holds the same model.c/model.h and kernels; only where they sit and the manifests around them differ.
import { basename } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import { product, type Graph, type TensorData } from '../ir/graph.ts';
import { TOOL_VERSION } from '../package.ts';
import { cFloats, cInts, cList } from './c-literals.ts';
import { cComment } from './c-names.ts';
import { libFiles, renderLibTemplate } from './lib-files.ts';
import { C_TYPE } from './weights.ts';
import { KERNEL_LIBRARY, type ModelNames } from './model-names.ts';
import type { LibFormat } from './lib-formats.ts';

/** The version every package declares: a generated library has no release history, so its first. */
export const PACKAGE_VERSION = '1.0.0';
/** Where a person reads about the tool that made the library (Arduino's library.properties requires a url). */
export const PROJECT_URL = 'https://www.npmjs.com/package/tinyforge';

/** The input the Arduino example sketch runs, as the model takes it, and what is known about it. */
export interface LibExample {
  input: TensorData;
  /** Where it came from, e.g. "sample 0 of the mnist test split". */
  source: string;
  /** The dataset's label (and its class name), when it has one. */
  label?: number;
  labelName?: string;
  /** The class tinyforge's reference interpreter predicts for it: what the board should print. */
  referenceClass: number;
}

/** What of a generated model the packages need (GeneratedModel has these fields). */
export interface PackagedModel {
  /** Relative path → content: model.c, model.h, tfg/... (build files of another format are left out). */
  files: Record<string, string>;
  /** The .c files of `files`, model.c first. */
  sources: string[];
  hash: number;
  arenaBytes: number;
  names: ModelNames;
}

export interface LibPackageRequest {
  format: LibFormat;
  graph: Graph;
  model: PackagedModel;
  /** The board the kernels were chosen for (`compile --board`), named in the README. */
  board: string;
  /** Needed by the arduino format (its example sketch). */
  example?: LibExample;
}

export interface LibPackage {
  /** Every file of the package, relative path → content. */
  files: Record<string, string>;
  /** The C sources a build of the package compiles, relative to its folder, model.c first. */
  sources: string[];
}

/** The name of the package (component, module, library) and the prefix of its Kconfig symbols: the CMake target's
 *  name and the Make fragment's prefix, so every format of one model is called the same. */
export function packageNames(names: ModelNames): { name: string; kconfig: string } {
  return { name: names.cmakeTarget, kconfig: names.makePrefix };
}

interface PackageView {
  names: ModelNames;
  pkg: { name: string; kconfig: string };
  modelName: string;
  sources: string[];
  hash: string;
  arenaBytes: number;
  version: string;
  tinyforgeVersion: string;
  board: string;
}

/** The library package of `req.model` in `req.format`. */
export function libraryPackage(req: LibPackageRequest): LibPackage {
  const { model } = req;
  const code = Object.fromEntries(Object.entries(model.files).filter(([rel]) => /\.(c|h)$/.test(rel)));
  const view: PackageView = {
    names: model.names,
    pkg: packageNames(model.names),
    modelName: cComment(req.graph.name).replace(/["\n\r]/g, '_'),
    sources: model.sources,
    hash: `0x${model.hash.toString(16).padStart(8, '0')}`,
    arenaBytes: model.arenaBytes,
    version: PACKAGE_VERSION,
    tinyforgeVersion: TOOL_VERSION,
    board: req.board,
  };
  const description = `tinyforge model ${view.names.id}: generated C99 inference (hash ${view.hash}, ${view.arenaBytes}-byte arena)`;
  switch (req.format) {
    case 'cmake':
      return {
        files: {
          ...code,
          // the hash as a C literal, as generate.ts's library mode writes it: both give the same files
          ...libFiles({ names: model.names, sources: model.sources, hash: `${view.hash}u`, arenaBytes: model.arenaBytes }),
        },
        sources: model.sources,
      };
    case 'esp-idf':
      return {
        files: {
          ...code,
          'CMakeLists.txt': renderLibTemplate('esp-idf', 'CMakeLists.txt.hbs', view),
          'idf_component.yml': renderLibTemplate('esp-idf', 'idf_component.yml.hbs', {
            ...view,
            descriptionYaml: JSON.stringify(description),
          }),
          Kconfig: renderLibTemplate('esp-idf', 'Kconfig.hbs', view),
          'README.md': renderLibTemplate('esp-idf', 'README.md.hbs', view),
        },
        sources: model.sources,
      };
    case 'zephyr':
      return {
        files: {
          ...code,
          'zephyr/module.yml': renderLibTemplate('zephyr', 'module.yml.hbs', view),
          'CMakeLists.txt': renderLibTemplate('zephyr', 'CMakeLists.txt.hbs', {
            ...view,
            kernels: KERNEL_LIBRARY,
            modelSource: model.sources[0],
            kernelSources: model.sources.slice(1),
          }),
          Kconfig: renderLibTemplate('zephyr', 'Kconfig.hbs', view),
          'README.md': renderLibTemplate('zephyr', 'README.md.hbs', view),
        },
        sources: model.sources,
      };
    case 'platformio':
      return {
        files: {
          ...code,
          'library.json': platformioManifest(view, description),
          'README.md': renderLibTemplate('platformio', 'README.md.hbs', view),
        },
        sources: model.sources,
      };
    case 'arduino':
      return arduinoPackage(req, code, view, description);
  }
}

/** library.json: the sources by name (srcFilter) from the package root, the kernels' headers as its include folder
 *  (PlatformIO puts includeDir and srcDir on the include path). */
function platformioManifest(view: PackageView, description: string): string {
  const manifest = {
    name: view.pkg.name,
    version: view.version,
    description,
    keywords: ['tinyforge', 'tinyml', 'neural-network', 'inference'],
    frameworks: '*',
    platforms: '*',
    build: {
      srcDir: '.',
      includeDir: 'tfg/include',
      srcFilter: view.sources.map((s) => `+<${s}>`),
      // an archive (PlatformIO's default, said here): another model's package may carry the same kernel files, and the
      // linker takes each kernel's object from one archive only
      libArchive: true,
      flags: ['-std=c99'],
    },
  };
  return JSON.stringify(manifest, null, 2) + '\n';
}

/** Arduino compiles every .c under src/ and puts only src/ itself on the include path, so the model's files sit side
 *  by side in src/ (kernel file names are unique across families); the example sketch runs one bundled sample. */
function arduinoPackage(req: LibPackageRequest, code: Record<string, string>, view: PackageView, description: string): LibPackage {
  const { graph, example } = req;
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw new TinyforgeError(
      'unsupported-model',
      `the Arduino example sketch runs a model with one input and one output; this one has ${graph.inputs.length} and ${graph.outputs.length}`,
      { location: { field: '--format' }, hint: 'package it with --format cmake, platformio, esp-idf or zephyr' },
    );
  }
  if (!example) {
    throw new TinyforgeError('bad-argument', 'the Arduino library bundles one sample in its example sketch, and no dataset was given', {
      location: { field: '--format' },
      hint: 'pass --dataset (its first test sample is bundled), e.g. --dataset mnist',
    });
  }
  const files: Record<string, string> = {};
  const flat = (rel: string): string => `src/${basename(rel)}`;
  for (const [rel, text] of Object.entries(code)) {
    const to = flat(rel);
    if (Object.hasOwn(files, to)) throw new Error(`two generated files are named ${basename(rel)}: the Arduino layout needs unique names`);
    files[to] = text;
  }
  const input = graph.tensors[graph.inputs[0]];
  const output = graph.tensors[graph.outputs[0]];
  const inputType = C_TYPE[input.dtype];
  const outputType = C_TYPE[output.dtype];
  const outputElements = product(output.shape);
  // An int32 output is a class index (a model ending in ArgMax), as top-1 reads it everywhere (predictedClass).
  const indexOutput = output.dtype === 'i32';
  const sketch = view.pkg.name;
  const labelText =
    example.label === undefined
      ? ''
      : example.labelName
        ? `${example.label} ("${sketchComment(example.labelName)}")`
        : String(example.label);
  files[`examples/${sketch}/${sketch}.ino`] = renderLibTemplate('arduino', 'example.ino.hbs', {
    ...view,
    sketchName: sketch,
    sampleSource: sketchComment(example.source),
    labelText,
    referenceClass: example.referenceClass,
    inputType,
    inputElements: example.input.length,
    sampleValues: cList(input.dtype === 'f32' ? cFloats(example.input) : cInts(example.input)),
    outputType,
    indexOutput,
    outputElements,
    outputBufferElements: outputElements,
  });
  files['library.properties'] = renderLibTemplate('arduino', 'library.properties.hbs', {
    ...view,
    url: PROJECT_URL,
    sentence: `The neural network model ${view.names.id} as generated C99, for on-device inference.`,
    paragraph: `${description}; no malloc, weights in flash, only the kernels the model calls. Generated by tinyforge ${TOOL_VERSION}.`,
  });
  files['README.md'] = renderLibTemplate('arduino', 'README.md.hbs', view);
  return { files, sources: [...new Set(req.model.sources.map(flat))] };
}

/** Text for a // comment and a one-line property: no line breaks. */
function sketchComment(text: string): string {
  return cComment(text).replace(/[\r\n]+/g, ' ');
}
