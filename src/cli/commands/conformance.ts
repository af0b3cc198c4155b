// `tinyforge conformance`: the ONNX node test suite (libonnx-testdata) per op, on the reference interpreter and as
// generated C on the host and emulated boards; the supported ONNX op count.
import type { Command } from 'commander';
import { log, printJson, progress, table } from '../output.ts';
import { positiveInteger } from '../dataset-options.ts';

interface ConformanceFlags {
  testdata: string;
  suite: string;
  board: string;
  perOp: number;
  json?: boolean;
}

const rate = (t: { passed: number; ran: number } | undefined) => (t && t.ran > 0 ? `${t.passed}/${t.ran}` : '—');

export function register(program: Command): void {
  program
    .command('conformance')
    .description('run the ONNX node test suite per op: reference interpreter, and generated C on the host and emulated boards')
    .option('--testdata <dir>', "libonnx-testdata's data folder", '/usr/share/libonnx-testdata/data')
    .option('--suite <names>', 'test folders, comma-separated: node, pytorch-converted, pytorch-operator, simple', 'node')
    .option('--board <ids>', "where the generated C runs besides the reference, comma-separated: 'host' and emulated board ids", 'host')
    .option(
      '--per-op <n>',
      'on emulated boards, how many tests of each op run (each builds a firmware and starts QEMU)',
      positiveInteger('per-op'),
      1,
    )
    .option('--json', 'print the per-op results as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ tinyforge conformance --board host,mps2-an386 --per-op 1')
    .action(async (opts: ConformanceFlags) => {
      const { runNodeSuite } = await import('../conformance-suite.ts');
      const { loadBoard } = await import('../../build/boards.ts');
      const boards = opts.board
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean);
      for (const b of boards) if (b !== 'host') loadBoard(b);
      const bars = new Map<string, (done: number, total: number) => void>();
      const r = await runNodeSuite({
        root: opts.testdata,
        suites: opts.suite.split(',').map((s) => s.trim()),
        boards,
        perOpOnBoard: opts.perOp,
        onProgress: (stage, done, total) => {
          if (!bars.has(stage)) bars.set(stage, progress(`  ${stage}`));
          bars.get(stage)!(done, total);
        },
      });
      if (opts.json) return printJson(r);
      log(`supported ONNX ops: ${r.supported_ops.length} (${r.supported_ops.join(', ')})`);
      log(`folded when constant: ${r.foldable_ops.length} (${r.foldable_ops.join(', ')})`);
      const headers = ['op', 'tests', 'reference', ...boards];
      const rows = r.per_op.map((o) => [o.op, o.tests, rate(o.reference), ...boards.map((b) => rate(o.boards[b]))]);
      rows.push(['all', r.tests, rate(r.reference), ...boards.map((b) => rate(r.boards[b]))]);
      process.stdout.write(table(headers, rows) + '\n');
      log(`reference: ${r.reference_seconds} s; ${boards.map((b) => `${b}: ${r.boards[b].seconds} s (${r.boards[b].scope})`).join('; ')}`);
    });
}
