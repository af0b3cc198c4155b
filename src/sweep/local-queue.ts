// The queue of one machine: jobs taken in order by `workers` slots (one per core by default), each job its own deploy
// process; nothing to install.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runJob, type JobResult, type SweepJob } from './job.ts';
import type { JobQueue } from './sweep.ts';

export const defaultWorkers = (): number => Math.max(1, availableParallelism());

export function localQueue(opts: { workers: number; jobsDir: string; onLine?: (job: SweepJob, line: string) => void }): JobQueue {
  const stop = new AbortController();
  return {
    name: 'local',
    workers: opts.workers,
    async run(jobs, events) {
      let next = 0;
      const slot = async (): Promise<void> => {
        while (next < jobs.length && !stop.signal.aborted) {
          const job = jobs[next++];
          events.onStart?.(job);
          const result: JobResult = await runJob(job, {
            outDir: join(opts.jobsDir, job.id),
            signal: stop.signal,
            onLine: opts.onLine && ((l) => opts.onLine!(job, l)),
          });
          if (!stop.signal.aborted) events.onResult(result);
        }
      };
      await Promise.all(Array.from({ length: Math.min(opts.workers, jobs.length) }, slot));
    },
    async close() {
      stop.abort();
    },
  };
}
