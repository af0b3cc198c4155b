import { fuzzTest } from './fuzz-format.ts';

fuzzTest('TF.js');
