// `npm run fuzz [-- --runs N --seed S --format name]`: fuzzes every input format (10,000 cases each by default),
// prints the table (cases, results, clean errors, crashes, hangs, files lost per format), the error codes seen, the
// first failures (replayable from the seed), then re-tries each bad-input family of the CLI probe by name.
// Exit 1 when anything crashed, hung or lost a file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FAMILIES, familiesFormat } from './families.ts';
import { allFormats, loadBases } from './formats.ts';
import { fuzzFormat, runCases, type FormatStats, type Outcome } from './harness.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string', default: '20261206' }, format: { type: 'string' } },
});
const runs = Number(values.runs);
const seed = Number(values.seed);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: npm run fuzz -- [--runs N] [--seed S] [--format onnx,tflite,tf.js,.tfir.json,recipe,dataset,cli]\n');
  process.exit(2);
}

// Compressions the cases run are cached: in a cache of this run's own, never the user's.
const cache = process.env.TINYFORGE_CACHE ? undefined : mkdtempSync(join(tmpdir(), 'tfg-fuzz-cache-'));
if (cache) process.env.TINYFORGE_CACHE = cache;

const pad = (s: string | number, n: number) => String(s).padStart(n);
const rows: FormatStats[] = [];
for (const format of await allFormats()) {
  if (
    values.format &&
    !values.format
      .toLowerCase()
      .split(',')
      .some((f) => format.name.toLowerCase().includes(f))
  )
    continue;
  const start = Date.now();
  const stats = await fuzzFormat(format, {
    runs,
    seed,
    boundMs: 10_000,
    onCase: (done) => {
      if (done % 250 !== 0 && done !== runs) return;
      const eta = ((Date.now() - start) / done) * (runs - done);
      process.stderr.write(`\r${format.name}: ${done}/${runs} cases, ETA ${Math.round(eta / 1000)} s   `);
    },
  });
  process.stderr.write('\n');
  rows.push(stats);
}

console.log(`\nfuzz: ${runs} cases per format, seed ${seed}\n`);
console.log(
  `${'format'.padEnd(16)}${pad('cases', 8)}${pad('results', 9)}${pad('clean errors', 14)}${pad('crashes', 9)}${pad('hangs', 7)}${pad('files lost', 12)}${pad('slowest', 10)}${pad('time', 8)}`,
);
for (const s of rows) {
  console.log(
    `${s.format.padEnd(16)}${pad(s.cases, 8)}${pad(s.results, 9)}${pad(s.cleanErrors, 14)}${pad(s.crashes, 9)}${pad(s.hangs, 7)}${pad(s.filesLost, 12)}${pad(`${Math.round(s.slowestMs)} ms`, 10)}${pad(`${Math.round(s.seconds)} s`, 8)}`,
  );
}
console.log('\nclean error codes:');
for (const s of rows)
  console.log(
    `  ${s.format}: ${Object.entries(s.codes)
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c} ${n}`)
      .join(', ')}`,
  );
const failures = rows.flatMap((s) => s.failures);
if (failures.length > 0) console.log(`\nfailures (first of each format):\n${failures.join('\n')}`);

// The families of the probe, by name.
const family = familiesFormat((await loadBases()).tinyOnnx);
const ends: { name: string; expect: string; got: string; touched: string[] }[] = [];
await runCases(
  family,
  FAMILIES.map((_, i) => i),
  {
    seed: 0,
    boundMs: 20_000,
    onOutcome: (i: number, o: Outcome, touched: string[]) =>
      ends.push({
        name: FAMILIES[i].name,
        expect: FAMILIES[i].expect,
        got: o.kind === 'clean' ? `clean: ${o.code}` : o.kind === 'crash' ? `CRASH ${o.error.split('\n')[0]}` : o.kind,
        touched,
      }),
  },
);
const wrong = ends.filter((e) => !e.got.startsWith(e.expect) || e.touched.length > 0);
console.log(
  `\nbad-input families of the CLI probe: ${ends.length} re-tried, ${ends.filter((e) => e.got.startsWith('clean')).length} clean errors, ${ends.filter((e) => e.got === 'result').length} results, ${wrong.length} wrong`,
);
for (const e of ends)
  console.log(
    `  ${e.got.startsWith(e.expect) && e.touched.length === 0 ? 'ok   ' : 'WRONG'} ${e.name.padEnd(46)} ${e.got}${e.touched.length ? `; touched ${e.touched.join(', ')}` : ''}`,
  );

if (cache) rmSync(cache, { recursive: true, force: true });
const bad = rows.reduce((n, s) => n + s.crashes + s.hangs + s.filesLost, 0) + wrong.length;
process.exit(bad > 0 ? 1 : 0);
