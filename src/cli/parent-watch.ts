// A deploy started by a sweep or a worker must not outlive it, even when that process is SIGKILLed (nothing of it runs
// then): the child watches its stdin, a pipe from the parent, which closes when the parent is gone.

/** Set to '1' by the process that starts a job: the job stops when its stdin closes. */
export const STOP_WITH_PARENT_ENV = 'TINYFORGE_STOP_WITH_PARENT';

/** When started as a job, stop as on SIGTERM (its QEMU and other children go with it) once the parent is gone. */
export function stopWithParent(): void {
  if (process.env[STOP_WITH_PARENT_ENV] !== '1') return;
  const stop = () => process.kill(process.pid, 'SIGTERM');
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  // Watching must not keep a finished job alive.
  (process.stdin as unknown as { unref?: () => void }).unref?.();
}
