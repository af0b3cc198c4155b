// tinyforge test: a spec with one limit deliberately broken exits 1, prints the limit, and writes JUnit XML naming it;
// a spec CI cannot use is refused with exit 2 before anything runs.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyMlp } from '../cli/tiny-model.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-regression-'));
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 300_000 });

beforeAll(() => writeTinyMlp(join(dir, 'tiny.onnx')));

describe('tinyforge test', () => {
  it('a broken flash limit: exit 1, the failing limit named on stderr and in the JUnit file; the case within its limits passes', () => {
    const spec = join(dir, 'nightly.json');
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'nightly',
        dataset: 'mnist',
        samples: 4,
        calibration_samples: 10,
        limits: { agreement: 1 },
        cases: [
          {
            name: 'fits',
            model: 'tiny.onnx',
            boards: ['mps2-an386'],
            recipes: ['int8'],
            limits: { max_flash_bytes: 1_000_000, max_ram_bytes: 65_536, max_latency_ms: 100 },
          },
          { name: 'too-big', model: 'tiny.onnx', boards: ['mps2-an386'], recipes: ['int8'], limits: { max_flash_bytes: 4096 } },
        ],
      }),
    );
    const junit = join(dir, 'results.xml');
    const r = cli('test', spec, '--junit', junit, '-o', join(dir, 'out'), '--workers', '2');
    expect(r.stderr).not.toContain('error[');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAIL too-big: int8 on mps2-an386: max_flash_bytes: flash [\d,]+ B > 4,096 B/);
    expect(r.stderr).toContain('PASS fits: int8 on mps2-an386');
    expect(r.stdout).toContain('1 passed, 1 failed');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="nightly" tests="2" failures="1" errors="0"/);
    expect(xml).toMatch(
      /<testsuite name="too-big" tests="1" failures="1" errors="0"[^>]*>\s*<testcase classname="tinyforge.too-big" name="int8 on mps2-an386"[^>]*><failure message="max_flash_bytes" type="limit">max_flash_bytes: flash [\d,]+ B &gt; 4,096 B<\/failure>/,
    );
    expect(xml).toMatch(
      /<testsuite name="fits" tests="1" failures="0" errors="0"[^>]*>\s*<testcase classname="tinyforge.fits" name="int8 on mps2-an386" time="[\d.]+"><system-out>/,
    );
    // Both cases ran the same job: the flash figure in the failure is the passing case's figure.
    const results = JSON.parse(readFileSync(join(dir, 'out', 'test-results.json'), 'utf8')) as {
      outcomes: { case: string; figures: { flash_bytes: number } }[];
    };
    const flash = results.outcomes.map((o) => o.figures.flash_bytes);
    expect(flash[0]).toBe(flash[1]);
    expect(xml).toContain(`flash ${flash[1].toLocaleString('en-US')} B &gt; 4,096 B`);
  });

  it('a spec with an unknown limit or board is refused with exit 2 and the field named; nothing runs', () => {
    const spec = join(dir, 'bad.json');
    writeFileSync(spec, JSON.stringify({ cases: [{ model: 'tiny.onnx', boards: ['mps2-an386'], limits: { max_speed: 3 } }] }));
    const a = cli('test', spec, '--junit', join(dir, 'bad.xml'));
    expect(a.status).toBe(2);
    expect(a.stderr).toContain('error[bad-spec]: unknown limit "max_speed"');
    expect(a.stderr).toContain('cases[0].limits.max_speed');
    writeFileSync(spec, JSON.stringify({ cases: [{ model: 'tiny.onnx', boards: ['no-such-board'] }] }));
    const b = cli('test', spec);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/error\[[a-z-]+\]: .*no-such-board/);
    expect(existsSync(join(dir, 'bad.xml'))).toBe(false);
  });
});
