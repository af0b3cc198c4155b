import { fuzzTest } from './fuzz-format.ts';

fuzzTest('CLI flags');
