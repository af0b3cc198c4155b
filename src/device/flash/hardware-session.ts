// A device session on a real board's serial port (after flashing): the same DeviceSession as on QEMU, with no
// emulator process behind it; closing it closes the port and leaves the board running.
import type { Board } from '../../build/boards.ts';
import { DeviceSession, type OpenOptions } from '../device-session.ts';
import type { ManagedProcess } from '../managed-process.ts';
import { DeviceProtocol } from '../protocol.ts';
import { SerialLink } from '../serial-link.ts';

/** Opens `port` at `baudRate` (the firmware's link rate) and says hello; the port is closed again on failure. */
export async function openHardwareSession(
  board: Board,
  port: string,
  opts: OpenOptions & { baudRate?: number } = {},
): Promise<DeviceSession> {
  const link = new SerialLink(port, opts.baudRate ?? 115200);
  try {
    await link.open();
    const protocol = new DeviceProtocol(link, opts);
    // A board just reset prints its boot text first (ESP32 ROM banner); the framing skips it, the hello retries.
    const hello = await protocol.hello(opts.helloTimeoutMs ?? 3000, opts.helloRetries ?? 3);
    const none: ManagedProcess = {
      child: undefined as unknown as ManagedProcess['child'],
      pid: 0,
      stderr: () => '',
      exited: new Promise(() => {}),
      stop: async () => {},
    };
    return new DeviceSession(board, hello, protocol, link, { ptyPath: port, process: none, stop: async () => {} });
  } catch (e) {
    await link.close().catch(() => undefined);
    throw e;
  }
}
