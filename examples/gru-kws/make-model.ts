// Writes examples/gru-kws/model.onnx (weights seed 1) and examples/gru-kws/inputs/{x,y}.npy (12 samples, seed 2)
// from examples/gru-kws/model.ts.
// Usage: node --import tsx examples/gru-kws/make-model.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../../src/data/npy.ts';
import { encodeModel } from '../../src/import/onnx-proto-write.ts';
import { KWS_INPUT_DIMS, gruKwsModel, kwsSamples } from './model.ts';

const here = dirname(fileURLToPath(import.meta.url));
const bytes = encodeModel(gruKwsModel(1));
writeFileSync(join(here, 'model.onnx'), bytes);
process.stderr.write(`${join(here, 'model.onnx')}: ${bytes.length} bytes\n`);

const SAMPLES = 12;
const { x, y } = kwsSamples(SAMPLES, 2);
mkdirSync(join(here, 'inputs'), { recursive: true });
writeFileSync(join(here, 'inputs', 'x.npy'), writeNpy(x, [SAMPLES, ...KWS_INPUT_DIMS.slice(1)]));
writeFileSync(join(here, 'inputs', 'y.npy'), writeNpy(y, [SAMPLES]));
process.stderr.write(`${join(here, 'inputs')}: x.npy [${SAMPLES}, ${KWS_INPUT_DIMS.slice(1).join(', ')}], y.npy [${SAMPLES}]\n`);
