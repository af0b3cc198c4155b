// report.html, sweep.html and compare's page in a real browser (Debian's chromium through puppeteer-core), made by real runs of the
// tiny MLP on the emulated mps2-an386: the pages load with no console error and ask for nothing, every chart draws
// its marks (as many as report.json / sweep.json say it should, each with a size on screen), and every figure the
// text prints equals the one in the JSON file it came from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { writeTinyMlp } from '../cli/tiny-model.ts';
import { launchChromium, openFile, type Chromium } from '../../scripts/chromium.ts';
import type { Report } from '../../src/report/report.ts';
import type { SweepRecord } from '../../src/report/sweep-record.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-html-'));
const model = join(dir, 'tiny.onnx');
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 300_000 });

const deployDir = join(dir, 'deploy');
const sweepDir = join(dir, 'sweep');
let chromium: Chromium;
let sweepStdout = '';

beforeAll(async () => {
  writeTinyMlp(model);
  const d = cli(
    'deploy',
    model,
    '--board',
    'mps2-an386',
    '--dataset',
    'mnist',
    '--samples',
    '8',
    '--compress',
    'int4',
    '--profile-layers',
    '--out',
    deployDir,
  );
  expect(d.stderr).not.toContain('error[');
  expect(d.status).toBe(0);
  const s = cli(
    'sweep',
    model,
    '--recipes',
    'int8,int4',
    '--boards',
    'mps2-an386',
    '--samples',
    '8',
    '--calibration-samples',
    '10',
    '--workers',
    '2',
    '--min-top1',
    '0.05',
    '-o',
    sweepDir,
    '--json',
  );
  expect(s.status).toBe(0);
  sweepStdout = s.stdout;
  chromium = await launchChromium();
}, 600_000);
afterAll(async () => chromium?.close());

/** The value at a dotted path of a JSON object ("jobs.0.figures.flash_bytes"). */
function at(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

/** Figures a page prints in another unit than the JSON field holds: the factor from the printed number to the field. */
const SHOWN_IN: Record<string, number> = { wall_ms: 1000 };

/** Checks each [data-field] text against the JSON: "—" for null, otherwise the number within its printed precision
 *  (a percentage is the fraction × 100). Returns the fields it compared. */
async function expectFieldsMatch(page: Page, json: unknown): Promise<string[]> {
  const shown = await page.$$eval('[data-field]', (els) =>
    els.map((e) => [e.getAttribute('data-field')!, e.textContent!.trim(), e.getAttribute('data-run')] as const),
  );
  for (const [name, text, run] of shown) {
    // compare.html: data-run says which of the runs' report.json (json is then their list) the figure is from.
    const value = at(run === null ? json : (json as unknown[])[Number(run)], name);
    if (text === '—') {
      expect(value ?? null, name).toBeNull();
      continue;
    }
    const m = /^(-?[\d,]+(?:\.(\d+))?)(%?)$/.exec(text);
    expect(m, `${name}: "${text}" is not a number`).not.toBeNull();
    const scale = (m![3] ? 0.01 : 1) * (SHOWN_IN[name] ?? 1);
    const printed = Number(m![1].replace(/,/g, '')) * scale;
    const halfLastDigit = 0.5 * 10 ** -(m![2]?.length ?? 0) * scale;
    expect(typeof value, name).toBe('number');
    expect(Math.abs(printed - (value as number)), `${name}: page says ${text}, JSON ${value}`).toBeLessThanOrEqual(
      halfLastDigit * (1 + 1e-9),
    );
  }
  return shown.map(([name, , run]) => (run === null ? name : `${run}:${name}`));
}

/** Each chart on the page with its count of marks and of marks the browser drew with no area. */
async function charts(page: Page): Promise<Record<string, { marks: number; empty: number }>> {
  return page.$$eval('figure[data-chart]', (figs) =>
    Object.fromEntries(
      figs.map((f) => {
        const marks = [...f.querySelectorAll('.mark')].map((m) => m.getBoundingClientRect());
        return [f.getAttribute('data-chart')!, { marks: marks.length, empty: marks.filter((b) => !(b.width > 0 && b.height > 0)).length }];
      }),
    ),
  );
}

describe('report.html in chromium', () => {
  it("loads cleanly; every chart has the marks report.json calls for; the printed figures are report.json's", async () => {
    const out = deployDir;
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    const { page, problems, requests } = await openFile(chromium.browser, join(out, 'report.html'));
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);

    const a = report.accuracy;
    const m = report.memory;
    const expected: Record<string, number> = {
      accuracy: [a.float_top1, a.reference_top1, a.device_top1].filter((v) => v !== null && v !== undefined).length,
      confusion: a.confusion!.length ** 2,
      memory: 5, // flash: weights + the rest; RAM: arena + other static data + stack
      'layer-memory': 2 * m.arena_timeline!.layers.length, // each layer's weights and the arena live while it runs
      'arena-timeline': m.arena_timeline!.buffers.length,
      'layer-latency': report.latency.per_layer!.length,
      'compression-steps': report.compression.steps.length + 2, // the float32 model, each step, what is in flash
      'compression-layers': 0, // a table
    };
    const drawn = await charts(page);
    expect(Object.fromEntries(Object.entries(drawn).map(([k, v]) => [k, v.marks]))).toEqual(expected);
    for (const [chart, { empty }] of Object.entries(drawn)) expect(empty, `${chart}: marks drawn with no area`).toBe(0);
    expect(expected.confusion).toBe(100);
    expect(expected['layer-latency']).toBe(3);
    // The confusion cells hold the device's answers: their counts add up to the samples.
    const cells = await page.$$eval('figure[data-chart="confusion"] .mark title', (ts) =>
      ts.map((t) => Number(/: (\d+)$/.exec(t.textContent!)![1])),
    );
    expect(cells.reduce((s, v) => s + v, 0)).toBe(a.samples);
    expect(cells).toEqual(a.confusion!.flat());
    // One table row per deployed layer, plus the header and the total.
    expect(await page.$$eval('figure[data-chart="compression-layers"] tr', (rows) => rows.length)).toBe(
      report.compression.layers!.length + 2,
    );

    const fields = await expectFieldsMatch(page, report);
    expect(fields).toEqual(
      expect.arrayContaining([
        'model.params',
        'model.macs',
        'latency.median',
        'latency.p90',
        'latency.ms',
        'memory.flash_bytes',
        'memory.ram_bytes',
        'memory.arena_bytes',
        'memory.stack_bytes',
        'compression.compressed_bytes',
        'compression.ratio',
        'accuracy.device_top1',
        'accuracy.reference_top1',
        'accuracy.float_top1',
        'accuracy.samples',
        'accuracy.agreement',
      ]),
    );
    await page.close();
  });
});

describe('sweep.html in chromium', () => {
  it("loads cleanly; each board's charts have a point per measured job, the front filled; the table is sweep.json's", async () => {
    const out = sweepDir;
    const record = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepRecord;
    expect(JSON.parse(sweepStdout)).toEqual(record);
    const { page, problems, requests } = await openFile(chromium.browser, join(out, 'sweep.html'));
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);

    const measured = record.jobs.filter((j) => j.status === 'ok');
    expect(measured).toHaveLength(2);
    const drawn = await charts(page);
    const onBoard = ['latency', 'flash', 'ram'].map((x) => `pareto-${x}-mps2-an386`);
    expect(Object.fromEntries(Object.entries(drawn).map(([k, v]) => [k, v.marks]))).toEqual(
      Object.fromEntries(onBoard.map((c) => [c, measured.length])),
    );
    for (const [chart, { empty }] of Object.entries(drawn)) expect(empty, `${chart}: marks drawn with no area`).toBe(0);
    for (const chart of onBoard) {
      const filled = await page.$$eval(`figure[data-chart="${chart}"] .mark.on-front`, (els) => els.length);
      expect(filled, chart).toBe(record.pareto['mps2-an386'].length);
    }
    // A row per job, marked when on the front or recommended; each job links to its own report.html.
    const rows = await page.$$eval('tr[data-job]', (trs) =>
      trs.map((tr) => ({ id: tr.getAttribute('data-job'), cls: tr.className, href: tr.querySelector('a')?.getAttribute('href') ?? null })),
    );
    expect(rows.map((x) => x.id)).toEqual(record.jobs.map((j) => j.id));
    for (const [i, row] of rows.entries()) {
      const job = record.jobs[i];
      expect(row.cls.split(' ').includes('front'), job.id).toBe(job.pareto);
      expect(row.cls.split(' ').includes('recommended'), job.id).toBe(record.recommended?.id === job.id);
      expect(existsSync(resolve(out, row.href!)), row.href!).toBe(true);
    }
    expect(await page.$eval('body', (b) => b.textContent)).toContain(record.recommended!.command);

    const fields = await expectFieldsMatch(page, record);
    expect(fields).toEqual(
      expect.arrayContaining([
        'done',
        'total',
        'wall_ms',
        ...record.jobs.flatMap((_, i) => ['device_top1', 'latency', 'flash_bytes', 'ram_bytes'].map((f) => `jobs.${i}.figures.${f}`)),
      ]),
    );
    await page.close();
  });
});

describe('compare.html in chromium', () => {
  it("puts the runs side by side: every figure in the table is its run's report.json's, a bar and a point per run, links to each report", async () => {
    const record = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8')) as SweepRecord;
    const files = [join(deployDir, 'report.json'), ...record.jobs.map((j) => join(sweepDir, j.report!))];
    const reports = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Report);
    const html = join(dir, 'cmp', 'cmp.html');
    const r = cli('compare', ...files, '--labels', 'profiled,sweep-int8,sweep-int4', '-o', html, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      runs: { label: string; pareto: boolean; figures: { flash_bytes: number } }[];
      pareto: Record<string, string[]>;
    };
    expect(out.runs.map((x) => [x.label, x.figures.flash_bytes])).toEqual([
      ['profiled', reports[0].memory.flash_bytes],
      ['sweep-int8', reports[1].memory.flash_bytes],
      ['sweep-int4', reports[2].memory.flash_bytes],
    ]);
    const front = out.runs.filter((x) => x.pareto).length;
    expect(front).toBe(out.pareto['mps2-an386'].length);

    const { page, problems, requests } = await openFile(chromium.browser, html);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    const drawn = await charts(page);
    expect(Object.fromEntries(Object.entries(drawn).map(([k, v]) => [k, v.marks]))).toEqual({
      accuracy: 3,
      flash: 3,
      ram: 3,
      latency: 3,
      'pareto-latency': 3,
      'pareto-flash': 3,
      'pareto-ram': 3,
      // Each run's bar for each of its layers (only the first run has per-layer latency: no latency chart for one run).
      'layer-bytes': reports.reduce((s, x) => s + x.compression.layers!.length, 0),
    });
    for (const [chart, { empty }] of Object.entries(drawn)) expect(empty, `${chart}: marks drawn with no area`).toBe(0);
    for (const chart of ['pareto-latency', 'pareto-flash', 'pareto-ram'])
      expect(await page.$$eval(`figure[data-chart="${chart}"] .mark.on-front`, (els) => els.length), chart).toBe(front);
    const links = await page.$$eval('table[data-table="runs"] th a', (as) => as.map((a) => a.getAttribute('href')!));
    expect(links).toHaveLength(3);
    for (const [i, href] of links.entries()) expect(resolve(dirname(html), href)).toBe(join(dirname(files[i]), 'report.html'));

    const fields = await expectFieldsMatch(page, reports);
    expect(fields).toEqual(
      expect.arrayContaining(
        [0, 1, 2].flatMap((i) =>
          [
            'accuracy.device_top1',
            'latency.median',
            'memory.flash_bytes',
            'memory.ram_bytes',
            'compression.compressed_bytes',
            'compression.ratio',
            'model.params',
          ].map((f) => `${i}:${f}`),
        ),
      ),
    );
    await page.close();
  });

  it('a file that is not a report.json is named, with exit 2 and no page written', () => {
    const html = join(dir, 'bad-cmp.html');
    const r = cli('compare', join(deployDir, 'report.json'), join(sweepDir, 'sweep.json'), '-o', html);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`error[bad-report]: ${join(sweepDir, 'sweep.json')} is not a tinyforge report.json`);
    expect(existsSync(html)).toBe(false);
  });
});
