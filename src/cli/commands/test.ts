// `tinyforge test`: a hardware-in-the-loop regression spec (models, boards, recipes, datasets, limits) run on this
// machine or on the board farm's queue; JUnit XML for CI; exit 1 when any limit is broken or a job cannot run.
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { log, printJson, table } from '../output.ts';
import { positiveInteger } from '../dataset-options.ts';

interface TestFlags {
  junit?: string;
  queue?: string;
  workers?: number;
  out?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('test')
    .description('run a regression spec on boards or their emulators; name every broken limit; exit 1 on any regression')
    .argument(
      '<spec>',
      'a JSON spec: {"cases": [{"model", "boards", "recipes", "dataset", "samples", "limits": {min_top1, max_latency_ms, max_flash_bytes, max_ram_bytes, agreement}}]}',
    )
    .option('--junit <file>', 'write JUnit XML (one testcase per model × recipe × board) for the CI server')
    .option('--queue <redis-url>', 'run the jobs on `tinyforge worker` processes through Redis (the board farm)')
    .option('--workers <n>', 'jobs at once on this machine (default: one per core)', positiveInteger('workers'))
    .option('-o, --out <dir>', "where each job's report goes (default out/test-<run id>)")
    .option('--json', 'print the outcomes as JSON on stdout')
    .addHelpText(
      'after',
      `
Example:
  $ cat nightly.json
  {"name": "nightly", "dataset": "mnist", "samples": 200,
   "cases": [{"model": "examples/mnist-cnn/model.onnx", "recipes": ["int8"], "boards": ["mps2-an386", "microbit"],
              "limits": {"min_top1": 0.97, "max_flash_bytes": 65536, "max_ram_bytes": 16384, "agreement": 1}}]}
  $ tinyforge test nightly.json --junit results.xml`,
    )
    .action(async (specFile: string, opts: TestFlags) => {
      const { loadTestSpec, testJobs, judge, junitXml } = await import('../../sweep/regression.ts');
      const { newSweepId } = await import('../../sweep/sweep.ts');
      const { checkSpec, openQueue } = await import('../sweep-options.ts');
      const { progress } = await import('../output.ts');
      const spec = loadTestSpec(specFile);
      for (const c of spec.cases) checkSpec(c.spec, specFile);
      const runId = newSweepId();
      const outDir = opts.out ?? join('out', `test-${runId}`);
      mkdirSync(outDir, { recursive: true });
      const planned = testJobs(spec, runId);
      const queue = await openQueue(opts, outDir, runId, spec);
      log(
        `test ${spec.name}: ${planned.length} jobs in ${spec.cases.length} case${spec.cases.length > 1 ? 's' : ''} on ${queue.name === 'local' ? `this machine, ${queue.workers} at once` : queue.name}`,
      );
      const outcomes = new Map<string, ReturnType<typeof judge>>();
      const bar = progress('test jobs');
      try {
        await queue.run(
          planned.map((p) => p.job),
          {
            onResult: (r) => {
              const p = planned.find((x) => x.job.id === r.id);
              if (!p || outcomes.has(r.id)) return;
              const o = judge(spec.cases[p.caseIndex], p.job, r);
              outcomes.set(r.id, o);
              if (r.report) {
                mkdirSync(join(outDir, 'jobs', r.id), { recursive: true });
                writeFileSync(join(outDir, 'jobs', r.id, 'report.json'), JSON.stringify(r.report, null, 2) + '\n');
              }
              log(
                `${o.status.toUpperCase()} ${o.case}: ${o.recipe} on ${o.board}${o.failures.length ? `: ${o.failures.join('; ')}` : ''}${o.error ? `: error[${o.error.code}]: ${o.error.message}` : ''}`,
              );
              bar(outcomes.size, planned.length);
            },
          },
        );
      } finally {
        await queue.close();
      }
      const list = planned.map((p) => outcomes.get(p.job.id)!).filter(Boolean);
      const failed = list.filter((o) => o.status !== 'pass');
      writeFileSync(join(outDir, 'test-results.json'), JSON.stringify({ name: spec.name, spec: specFile, outcomes: list }, null, 2) + '\n');
      if (opts.junit) writeFileSync(opts.junit, junitXml(spec, list));
      if (opts.json) printJson({ name: spec.name, passed: list.length - failed.length, failed: failed.length, outcomes: list });
      else {
        process.stdout.write(
          table(
            ['case', 'recipe', 'board', 'result', 'broken limits / error'],
            list.map((o) => [
              o.case,
              o.recipe,
              o.board,
              o.status,
              o.error ? `error[${o.error.code}]: ${o.error.message}` : o.failures.join('; '),
            ]),
          ) + '\n',
        );
        process.stdout.write(
          `\n${list.length - failed.length} passed, ${failed.length} failed${opts.junit ? `; JUnit XML in ${opts.junit}` : ''}\n`,
        );
      }
      if (failed.length > 0 || list.length < planned.length) process.exitCode = 1;
    });
}
