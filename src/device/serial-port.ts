// `new SerialPort(...)` with a binding that reports a hung-up tty as a disconnect.
//
// When the far end of a pty goes away (QEMU exits, socat is killed) Linux hangs the slave up, and from then on read()
// returns 0 bytes. @serialport/bindings-cpp retries a 0-byte read at once, forever: no 'close' event ever comes and a
// core spins. (Before the hang-up completes the same read fails with EIO, which it does report, so which one a caller
// sees is a race.) A tty opened non-blocking in raw mode answers "no data" with EAGAIN, never 0, so 0 means hung up.
import { read as fsRead } from 'node:fs';
import { promisify } from 'node:util';
import { autoDetect, LinuxBinding, type LinuxPortBinding } from '@serialport/bindings-cpp';
import { unixRead } from '@serialport/bindings-cpp/dist/unix-read.js';
import { SerialPort } from 'serialport';

const readAsync = promisify(fsRead);

/** fs.read, with end-of-file turned into the disconnect error serialport closes the port on. */
const readOrHangUp: typeof readAsync = (async (...args: Parameters<typeof readAsync>) => {
  const result = await readAsync(...args);
  if (result.bytesRead === 0) {
    throw Object.assign(new Error('the other end hung up (read returned end of file)'), { code: 'EHANGUP', disconnect: true });
  }
  return result;
}) as typeof readAsync;

/** A Linux port binding whose reads end on a hang-up; everything else is the stock binding's. */
class HangUpAwarePort {
  constructor(private readonly inner: LinuxPortBinding) {}
  get openOptions() {
    return this.inner.openOptions;
  }
  get isOpen() {
    return this.inner.isOpen;
  }
  async read(buffer: Buffer, offset: number, length: number) {
    if (!this.inner.isOpen) throw new Error('Port is not open');
    return unixRead({ binding: this.inner, buffer, offset, length, fsReadAsync: readOrHangUp });
  }
  close() {
    return this.inner.close();
  }
  write(buffer: Buffer) {
    return this.inner.write(buffer);
  }
  update(options: Parameters<LinuxPortBinding['update']>[0]) {
    return this.inner.update(options);
  }
  set(options: Parameters<LinuxPortBinding['set']>[0]) {
    return this.inner.set(options);
  }
  get() {
    return this.inner.get();
  }
  getBaudRate() {
    return this.inner.getBaudRate();
  }
  flush() {
    return this.inner.flush();
  }
  drain() {
    return this.inner.drain();
  }
}

const hangUpAwareLinuxBinding = {
  list: () => LinuxBinding.list(),
  open: async (options: Parameters<typeof LinuxBinding.open>[0]) => new HangUpAwarePort(await LinuxBinding.open(options)),
};

/** The binding every port tinyforge opens uses: hang-up aware on Linux, the stock one elsewhere. */
export const serialBinding = process.platform === 'linux' ? hangUpAwareLinuxBinding : autoDetect();

/** A `SerialPort` (not yet open) on `path` that closes with a disconnect error when the other end hangs up. */
export function newSerialPort(path: string, baudRate: number): SerialPort {
  // serialport's option type names only its auto-detected binding; ours has the same interface.
  const options = { path, baudRate, autoOpen: false, binding: serialBinding } as ConstructorParameters<typeof SerialPort>[0];
  return new SerialPort(options);
}
