import { fuzzTest } from './fuzz-format.ts';

fuzzTest('.tfir.json');
