// A passive serial monitor: opens a port, decodes what arrives (monitor-stream.ts) and hands each event on, until the
// port closes or the caller closes it. It never writes to the port, so it can watch a board that something else drives.
import { TinyforgeError } from '../diagnostics.ts';
import { MonitorStream, type MonitorEvent } from './monitor-stream.ts';
import { newSerialPort } from './serial-port.ts';

/** A partial line waits this long for the rest before it is shown (a prompt, a line still being printed). */
const TEXT_IDLE_MS = 200;

export interface MonitorSession {
  readonly port: string;
  /** Resolves when the port closes (device unplugged, emulator gone, or close()), with what closed it. */
  readonly closed: Promise<string>;
  /** Closes the port; the held bytes are handed on first. Safe to call twice. */
  close(): Promise<void>;
}

/** Opens `port` at `baudRate` and calls `onEvent` for every text line and frame; 'link-error' when it cannot open. */
export async function openMonitor(port: string, baudRate: number, onEvent: (e: MonitorEvent) => void): Promise<MonitorSession> {
  const serial = newSerialPort(port, baudRate);
  await new Promise<void>((resolve, reject) =>
    serial.open((err) =>
      err
        ? reject(
            new TinyforgeError('link-error', `cannot open serial port ${port}: ${err.message}`, {
              location: { port },
              hint: '`tinyforge ports` lists the serial ports; an emulator prints its pty path when it starts',
            }),
          )
        : resolve(),
    ),
  );
  const stream = new MonitorStream();
  let idle: NodeJS.Timeout | undefined;
  const emit = (events: MonitorEvent[]): void => events.forEach(onEvent);
  serial.on('data', (chunk: Buffer) => {
    emit(stream.push(chunk));
    clearTimeout(idle);
    idle = setTimeout(() => emit(stream.flushText()), TEXT_IDLE_MS);
  });
  let closing = false;
  const closed = new Promise<string>((resolve) => {
    serial.on('error', () => {}); // the 'close' that follows says what happened
    serial.once('close', (err: Error | null) => {
      clearTimeout(idle);
      emit(stream.end());
      resolve(closing ? 'closed' : `the port closed${err ? ` (${err.message})` : ''}`);
    });
  });
  return {
    port,
    closed,
    async close() {
      closing = true;
      if (serial.isOpen) await new Promise<void>((resolve) => serial.close(() => resolve()));
      await closed;
    },
  };
}
