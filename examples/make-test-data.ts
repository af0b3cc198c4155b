// Writes examples/<name>/test_data_set_0/{input_0,output_0}.pb for the example MNIST models, in the ONNX model zoo's
// layout: the first MNIST test image as the model input (NCHW, preprocessed as the model's metadata says) and the
// output onnxruntime computes for it. `tinyforge run` takes these files; tests compare its outputs with output_0.pb.
// Usage: node --import tsx examples/make-test-data.ts
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { loadMnist } from '../src/data/mnist.ts';
import { applyPreprocess } from '../src/data/preprocess.ts';
import { writeTensorProto } from '../src/data/tensor-proto.ts';
import { loadModel } from '../src/import/index.ts';

const here = dirname(fileURLToPath(import.meta.url));

for (const name of ['mnist-cnn', 'mnist-lenet300']) {
  const file = join(here, name, 'model.onnx');
  const g = await loadModel(file);
  const x = applyPreprocess(loadMnist({ split: 'test' }).get(0).x, g.metadata.preprocess, 1);
  const session = await ort.InferenceSession.create(readFileSync(file));
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  const out = await session.run({ [inputName!]: new ort.Tensor('float32', x, [1, 1, 28, 28]) });
  const y = out[outputName!]!;
  const dir = join(here, name, 'test_data_set_0');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'input_0.pb'), writeTensorProto({ name: inputName!, dims: [1, 1, 28, 28], dtype: 'float', data: x }));
  writeFileSync(join(dir, 'output_0.pb'), writeTensorProto({ name: outputName!, dims: [...y.dims], dtype: 'float', data: y.data as Float32Array }));
  process.stderr.write(`${dir}: input "${inputName}" [1, 1, 28, 28], output "${outputName}" [${y.dims.join(', ')}]\n`);
}
