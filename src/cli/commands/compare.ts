// `tinyforge compare`: two or more runs' report.json side by side in one static HTML page (cmp.html), with the
// differences from the first run and the Pareto front of the runs.
import type { Command } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { log, printJson, table } from '../output.ts';
import { commaList } from '../limit-options.ts';

interface CompareFlags {
  out: string;
  labels?: string[];
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('put two or more runs (their report.json) side by side in one HTML page: figures with differences, charts, Pareto front')
    .argument('<reports...>', 'report.json files written by deploy or eval --board; the first is the one the others are compared with')
    .option('-o, --out <file>', 'the HTML page to write', 'cmp.html')
    .option('--labels <list>', "comma-separated names for the runs, in order (default: each report's folder)", commaList)
    .option('--json', "print the runs' figures and the front as JSON on stdout")
    .addHelpText(
      'after',
      `
Example:
  $ tinyforge deploy examples/mnist-lenet300/model.onnx --board mps2-an386 --compress int8 --out out/int8
  $ tinyforge deploy examples/mnist-lenet300/model.onnx --board mps2-an386 --compress int4 --out out/int4
  $ tinyforge compare out/int8/report.json out/int4/report.json -o cmp.html`,
    )
    .action(async (files: string[], opts: CompareFlags) => {
      const { compareReports } = await import('../../report/compare.ts');
      const { renderCompareHtml } = await import('../../report/compare-html.ts');
      const { loadBoard, listBoards } = await import('../../build/boards.ts');
      const cmp = compareReports(files, opts.labels);
      const known = new Set(listBoards());
      const limits = Object.fromEntries(
        [...new Set(cmp.runs.map((r) => r.report.board))]
          .filter((b) => known.has(b))
          .map((b) => {
            const board = loadBoard(b);
            return [b, { flash_bytes: board.flashBytes, ram_bytes: board.ramBytes }];
          }),
      );
      const links = files.map((f) => {
        const html = join(dirname(f), 'report.html');
        return existsSync(html) ? relative(dirname(opts.out), html) : null;
      });
      mkdirSync(dirname(opts.out), { recursive: true });
      writeFileSync(opts.out, renderCompareHtml(cmp, limits, links));
      if (opts.json) {
        printJson({
          output: opts.out,
          pareto: cmp.pareto,
          runs: cmp.runs.map((r) => ({ label: r.label, file: r.file, board: r.report.board, pareto: r.pareto, figures: r.figures })),
        });
        return;
      }
      const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);
      process.stdout.write(
        table(
          ['run', 'board', 'device top-1', 'latency ms', 'flash B', 'static RAM B', 'front'],
          cmp.runs.map((r) => [
            r.label,
            r.report.board,
            pct(r.figures.device_top1),
            r.figures.latency_ms === null ? '—' : r.figures.latency_ms.toFixed(3),
            r.figures.flash_bytes,
            r.figures.ram_bytes,
            r.pareto ? '✓' : '',
          ]),
        ) + '\n',
      );
      log(`wrote ${opts.out}`);
    });
}
