// A PNG of a report page as Debian's chromium draws it (the screenshots in docs/):
//   node --import tsx scripts/screenshot.ts out/report.html docs/report.png [--width 960] [--max-height 2400]
// Fails when the page logs an error or asks for anything over the network.
import { launchChromium, openFile } from './chromium.ts';

function main(args: string[]): Promise<void> {
  const flag = (name: string, fallback: number) => {
    const i = args.indexOf(name);
    if (i < 0) return fallback;
    const [, v] = args.splice(i, 2);
    if (!(Number(v) > 0)) throw new Error(`${name} takes a positive number of pixels, not "${v}"`);
    return Number(v);
  };
  const width = flag('--width', 960);
  const maxHeight = flag('--max-height', 2400);
  if (args.length !== 2) throw new Error('usage: scripts/screenshot.ts <page.html> <out.png> [--width 960] [--max-height 2400]');
  const [html, png] = args;
  return shoot(html, png, width, maxHeight);
}

async function shoot(html: string, png: string, width: number, maxHeight: number): Promise<void> {
  const chromium = await launchChromium();
  try {
    const { page, problems, requests } = await openFile(chromium.browser, html, width);
    if (problems.length || requests.length)
      throw new Error(`${html}: ${[...problems, ...requests.map((u) => `asked for ${u}`)].join('; ')}`);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: png as `${string}.png`, clip: { x: 0, y: 0, width, height: Math.min(height, maxHeight) } });
    console.log(`${png}: ${width} × ${Math.min(height, maxHeight)} px of ${height}`);
  } finally {
    await chromium.close();
  }
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(e.message);
  process.exitCode = 1;
});
