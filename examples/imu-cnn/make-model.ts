// Writes examples/imu-cnn/model.onnx (weights seed 1) and examples/imu-cnn/windows/{x,y}.npy (24 windows, seed 2)
// from examples/imu-cnn/model.ts.
// Usage: node --import tsx examples/imu-cnn/make-model.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../../src/data/npy.ts';
import { encodeModel } from '../../src/import/onnx-proto-write.ts';
import { IMU_INPUT_DIMS, imuCnnModel, imuWindows } from './model.ts';

const here = dirname(fileURLToPath(import.meta.url));
const bytes = encodeModel(imuCnnModel(1));
writeFileSync(join(here, 'model.onnx'), bytes);
process.stderr.write(`${join(here, 'model.onnx')}: ${bytes.length} bytes\n`);

const WINDOWS = 24;
const { x, y } = imuWindows(WINDOWS, 2);
mkdirSync(join(here, 'windows'), { recursive: true });
writeFileSync(join(here, 'windows', 'x.npy'), writeNpy(x, [WINDOWS, ...IMU_INPUT_DIMS.slice(1)]));
writeFileSync(join(here, 'windows', 'y.npy'), writeNpy(y, [WINDOWS]));
process.stderr.write(`${join(here, 'windows')}: x.npy [${WINDOWS}, ${IMU_INPUT_DIMS.slice(1).join(', ')}], y.npy [${WINDOWS}]\n`);
