// Runs host-board firmware as a Linux process; it prints "TFG_PTY <path>" and then talks over that pty,
// so the host board uses the same serial path as the emulated ones.
import { startManaged, waitForLine } from './managed-process.ts';
import type { EmulatorHandle } from './qemu.ts';

/** Starts `elfPath` (built for board "host"); its stdin stays a pipe whose EOF tells it to exit. */
export async function startHostFirmware(elfPath: string, timeoutMs = 10_000): Promise<EmulatorHandle> {
  const proc = await startManaged({
    command: elfPath,
    args: [],
    missing: { code: 'missing-firmware', what: 'the host firmware', debianPackage: 'gcc', file: elfPath },
  });
  try {
    const m = await waitForLine(proc, 'stdout', /TFG_PTY (\/dev\/\S+)/, timeoutMs, `host firmware ${elfPath}`);
    return { ptyPath: m[1], process: proc, stop: () => proc.stop() };
  } catch (e) {
    await proc.stop();
    throw e;
  }
}
