import { fuzzTest } from './fuzz-format.ts';

fuzzTest('ONNX');
