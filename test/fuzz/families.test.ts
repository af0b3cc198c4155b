// Every family of bad input the CLI probe found, re-tried by name: a clean error where one belongs, a result where
// the input is fine (a model input named `constructor`, a node named `a/*b`), and no file outside the output touched.
import { describe, expect, it } from 'vitest';
import { FAMILIES, familiesFormat } from './families.ts';
import { loadBases } from './formats.ts';
import { runCases, type Outcome } from './harness.ts';

describe('the bad-input families of the CLI probe', () => {
  it('each ends as it should and touches no file outside its output', async () => {
    const format = familiesFormat((await loadBases()).tinyOnnx);
    const ends: string[] = [];
    const stats = await runCases(
      format,
      FAMILIES.map((_, i) => i),
      {
        seed: 0,
        boundMs: 20_000,
        onOutcome: (i: number, o: Outcome, touched: string[]) => {
          const got = o.kind === 'clean' ? 'clean' : o.kind;
          if (got !== FAMILIES[i].expect || touched.length > 0)
            ends.push(`${FAMILIES[i].name}: ${JSON.stringify(o)} ${touched.join(', ')}`);
        },
      },
    );
    expect(ends).toEqual([]);
    expect(stats.cases).toBe(FAMILIES.length);
  }, 300_000);
});
