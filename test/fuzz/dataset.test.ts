import { fuzzTest } from './fuzz-format.ts';

fuzzTest('dataset folder');
