import { fuzzTest } from './fuzz-format.ts';

fuzzTest('recipe JSON');
