// Two connected pseudo-terminals from `socat -d -d pty,raw,echo=0 pty,raw,echo=0`: one end for the peer, one for the host.
import { spawn, type ChildProcess } from 'node:child_process';

export interface PtyPair {
  /** The end the device model opens. */
  devicePath: string;
  /** The end the host (esptool-js through our adapter) opens. */
  hostPath: string;
  socat: ChildProcess;
  /** Kills socat: both ends hang up, as when a USB-serial adapter is unplugged. */
  close(): Promise<void>;
}

export async function openPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  const socat = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const paths = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socat gave no pty pair within ${timeoutMs} ms:\n${log}`)), timeoutMs);
    socat.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run socat (Debian package "socat"): ${err.message}`));
    });
    socat.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const found = [...log.matchAll(/PTY is (\S+)/g)].map((m) => m[1]);
      if (found.length >= 2) {
        clearTimeout(timer);
        resolve(found.slice(0, 2));
      }
    });
  });
  const exited = new Promise<void>((r) => socat.once('exit', () => r()));
  return {
    devicePath: paths[0],
    hostPath: paths[1],
    socat,
    close: async () => {
      if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGTERM');
      await exited;
    },
  };
}
