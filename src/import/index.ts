// loadModel: picks the importer by file extension, then simplifies and validates, so every caller gets a clean IR graph.
import fs from 'node:fs/promises';
import path from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import type { Graph } from '../ir/graph.ts';
import { simplify } from '../ir/optimize.ts';
import { validateGraph } from '../ir/validate.ts';
import { graphFromJson } from '../ir/serialize.ts';

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new TinyforgeError('file-not-found', `model file ${file} does not exist`, {
        location: { file },
        hint: `check the path (relative paths start at ${process.cwd()}); tinyforge reads .onnx, TF.js model.json and .tflite files`,
      });
    }
    if (code === 'EISDIR') {
      throw new TinyforgeError('file-not-found', `${file} is a folder, not a model file`, {
        location: { file },
        hint: 'pass the .onnx or .tflite file itself, or the model.json of a TF.js model',
      });
    }
    throw e;
  }
}

/** A .tfir.json: its JSON is checked field by field (ir/ir-json-check.ts) before the graph is built. */
function irFile(bytes: Uint8Array, file: string): Graph {
  return graphFromJson(new TextDecoder().decode(bytes), file);
}

/** Loads a model by extension (.onnx, .json for TF.js layers models, .tflite), simplified and validated. */
export async function loadModel(file: string): Promise<Graph> {
  const ext = path.extname(file).toLowerCase();
  let g: Graph;
  // `tinyforge compress -o x.tfir.json` keeps what ONNX cannot: int8 quantization, packed storage, pruning masks.
  // Each importer loads with its format's reader (protobufjs for ONNX, flatbuffers for TFLite) only when used.
  if (file.toLowerCase().endsWith('.tfir.json')) g = irFile(await readBytes(file), file);
  else if (ext === '.onnx') g = (await import('./onnx.ts')).importOnnx(await readBytes(file), file);
  else if (ext === '.json') {
    await readBytes(file); // the same file-not-found error for every format
    g = await (await import('./tfjs.ts')).importTfjs(file);
  } else if (ext === '.tflite') {
    g = (await import('./tflite.ts')).importTflite(await readBytes(file), file);
  } else {
    throw new TinyforgeError('unsupported-format', `${file}: unknown model format "${ext || '(no extension)'}"`, {
      location: { file },
      hint: 'tinyforge reads .onnx files, TF.js layers models (model.json + weight shards), .tflite files and its own .tfir.json',
    });
  }
  validateGraph(g, file);
  const s = simplify(g);
  validateGraph(s, file);
  return s;
}
