// report.html and sweep.html in a real browser (Debian's chromium through puppeteer-core), made by real runs of the
// tiny MLP on the emulated mps2-an386: the pages load with no console error and ask for nothing, every chart draws
// its marks (as many as report.json / sweep.json say it should, each with a size on screen), and every figure the
// text prints equals the one in the JSON file it came from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { writeTinyMlp } from '../cli/tiny-model.ts';
import { launchChromium, openFile, type Chromium } from '../../scripts/chromium.ts';
import type { Report } from '../../src/report/report.ts';
import type { SweepRecord } from '../../src/report/sweep-record.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-html-'));
const model = join(dir, 'tiny.onnx');
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/tinyforge.js', ...args], { encoding: 'utf8', timeout: 300_000 });

let chromium: Chromium;

beforeAll(async () => {
  writeTinyMlp(model);
  chromium = await launchChromium();
});
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
  const shown = await page.$$eval('[data-field]', (els) => els.map((e) => [e.getAttribute('data-field')!, e.textContent!.trim()] as [string, string]));
  for (const [name, text] of shown) {
    const value = at(json, name);
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
    expect(Math.abs(printed - (value as number)), `${name}: page says ${text}, JSON ${value}`).toBeLessThanOrEqual(halfLastDigit * (1 + 1e-9));
  }
  return shown.map(([name]) => name);
}

/** Each chart on the page with its count of marks and of marks the browser drew with no area. */
async function charts(page: Page): Promise<Record<string, { marks: number; empty: number }>> {
  return page.$$eval('figure[data-chart]', (figs) => Object.fromEntries(figs.map((f) => {
    const marks = [...f.querySelectorAll('.mark')].map((m) => m.getBoundingClientRect());
    return [f.getAttribute('data-chart')!, { marks: marks.length, empty: marks.filter((b) => !(b.width > 0 && b.height > 0)).length }];
  })));
}

describe('report.html in chromium', () => {
  it('loads cleanly; every chart has the marks report.json calls for; the printed figures are report.json\'s', async () => {
    const out = join(dir, 'deploy');
    const r = cli('deploy', model, '--board', 'mps2-an386', '--dataset', 'mnist', '--samples', '8', '--compress', 'int4', '--profile-layers', '--out', out);
    expect(r.stderr).not.toContain('error[');
    expect(r.status).toBe(0);
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
    const cells = await page.$$eval('figure[data-chart="confusion"] .mark title', (ts) => ts.map((t) => Number(/: (\d+)$/.exec(t.textContent!)![1])));
    expect(cells.reduce((s, v) => s + v, 0)).toBe(a.samples);
    expect(cells).toEqual(a.confusion!.flat());
    // One table row per deployed layer, plus the header and the total.
    expect(await page.$$eval('figure[data-chart="compression-layers"] tr', (rows) => rows.length)).toBe(report.compression.layers!.length + 2);

    const fields = await expectFieldsMatch(page, report);
    expect(fields).toEqual(expect.arrayContaining(['model.params', 'model.macs', 'latency.median', 'latency.p90', 'latency.ms', 'memory.flash_bytes',
      'memory.ram_bytes', 'memory.arena_bytes', 'memory.stack_bytes', 'compression.compressed_bytes', 'compression.ratio', 'accuracy.device_top1',
      'accuracy.reference_top1', 'accuracy.float_top1', 'accuracy.samples', 'accuracy.agreement']));
    await page.close();
  });
});

describe('sweep.html in chromium', () => {
  it('loads cleanly; each board\'s charts have a point per measured job, the front filled; the table is sweep.json\'s', async () => {
    const out = join(dir, 'sweep');
    const r = cli('sweep', model, '--recipes', 'int8,int4', '--boards', 'mps2-an386', '--samples', '8', '--calibration-samples', '10', '--workers', '2',
      '--min-top1', '0.05', '-o', out, '--json');
    expect(r.status).toBe(0);
    const record = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepRecord;
    const { page, problems, requests } = await openFile(chromium.browser, join(out, 'sweep.html'));
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);

    const measured = record.jobs.filter((j) => j.status === 'ok');
    expect(measured).toHaveLength(2);
    const drawn = await charts(page);
    const onBoard = ['latency', 'flash', 'ram'].map((x) => `pareto-${x}-mps2-an386`);
    expect(Object.fromEntries(Object.entries(drawn).map(([k, v]) => [k, v.marks]))).toEqual(Object.fromEntries(onBoard.map((c) => [c, measured.length])));
    for (const [chart, { empty }] of Object.entries(drawn)) expect(empty, `${chart}: marks drawn with no area`).toBe(0);
    for (const chart of onBoard) {
      const filled = await page.$$eval(`figure[data-chart="${chart}"] .mark.on-front`, (els) => els.length);
      expect(filled, chart).toBe(record.pareto['mps2-an386'].length);
    }
    // A row per job, marked when on the front or recommended; each job links to its own report.html.
    const rows = await page.$$eval('tr[data-job]', (trs) => trs.map((tr) => ({ id: tr.getAttribute('data-job'), cls: tr.className, href: tr.querySelector('a')?.getAttribute('href') ?? null })));
    expect(rows.map((x) => x.id)).toEqual(record.jobs.map((j) => j.id));
    for (const [i, row] of rows.entries()) {
      const job = record.jobs[i];
      expect(row.cls.split(' ').includes('front'), job.id).toBe(job.pareto);
      expect(row.cls.split(' ').includes('recommended'), job.id).toBe(record.recommended?.id === job.id);
      expect(existsSync(resolve(out, row.href!)), row.href!).toBe(true);
    }
    expect(await page.$eval('body', (b) => b.textContent)).toContain(record.recommended!.command);

    const fields = await expectFieldsMatch(page, record);
    expect(fields).toEqual(expect.arrayContaining(['done', 'total', 'wall_ms',
      ...record.jobs.flatMap((_, i) => ['device_top1', 'latency', 'flash_bytes', 'ram_bytes'].map((f) => `jobs.${i}.figures.${f}`))]));
    await page.close();
  });
});
