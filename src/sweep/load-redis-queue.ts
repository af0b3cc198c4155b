// The BullMQ queue is loaded only when --queue or `worker` asks for it: bullmq and ioredis are optional peer
// dependencies (they double the installed size of a tool most users run on one machine), so their absence is a
// clear error naming the command that installs them.
import { TinyforgeError } from '../diagnostics.ts';

export const QUEUE_LIBRARIES = 'bullmq@6.7.6 ioredis@6.0.0';

export async function loadRedisQueue(): Promise<typeof import('./redis-queue.ts')> {
  try {
    return await import('./redis-queue.ts');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const missing = /['"](bullmq|ioredis)['"]/.exec(err.message ?? '')?.[1];
    if (err.code !== 'ERR_MODULE_NOT_FOUND' || !missing) throw e;
    throw new TinyforgeError('missing-queue-library', `--queue and \`tinyforge worker\` need ${missing}, which is not installed`, {
      hint: `install them beside tinyforge: npm install -g ${QUEUE_LIBRARIES} (or npm install ${QUEUE_LIBRARIES} in your project); sweeps on one machine need nothing`,
    });
  }
}
