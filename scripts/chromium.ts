// Debian's chromium driven by puppeteer-core, for the report pages' browser test and their screenshots in docs/:
// headless, no network of its own (no updates, sync or first-run pages) and a fresh profile each launch, so a page
// sees only what it carries. Each opened page records what went wrong while it loaded.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Chromium {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run bash setup.sh (Debian package chromium) or set CHROMIUM_PATH`);
  const profile = mkdtempSync(join(tmpdir(), 'tfg-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface OpenedPage {
  page: Page;
  /** Console errors, uncaught exceptions and failed requests, in the order they came. */
  problems: string[];
  /** Every URL the page asked for other than itself (a report page must ask for none). */
  requests: string[];
}

/** Opens an HTML file at a desktop width and waits until it has loaded. */
export async function openFile(browser: Browser, file: string, width = 960): Promise<OpenedPage> {
  const page = await browser.newPage();
  await page.setViewport({ width, height: 800 });
  const url = pathToFileURL(file).href;
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e instanceof Error ? e.message : String(e)}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  if (response && !response.ok()) problems.push(`${url}: status ${response.status()}`);
  return { page, problems, requests };
}
