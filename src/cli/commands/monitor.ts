// `tinyforge monitor`: watch a serial port; tinyforge's framed messages are shown decoded, anything else as the text it is.
import type { Command } from 'commander';
import { positiveInteger } from '../dataset-options.ts';
import { log } from '../output.ts';

export function register(program: Command): void {
  program
    .command('monitor')
    .description("show what a board sends on a serial port: tinyforge's framed messages decoded, plain text as is (Ctrl-C ends)")
    .requiredOption('--port <path>', 'the serial port, e.g. /dev/ttyACM0 or the pty an emulator printed (`tinyforge ports` lists them)')
    .option('--baud <n>', 'baud rate', positiveInteger('baud'), 115200)
    .option('--json', 'one JSON object a line on stdout: {"kind":"text",…}, {"kind":"frame",…} or {"kind":"bad-frame",…}')
    .addHelpText('after', '\nExample:\n  $ tinyforge monitor --port /dev/ttyACM0 --baud 115200')
    .action(async (opts: { port: string; baud: number; json?: boolean }) => {
      const { openMonitor } = await import('../../device/monitor.ts');
      const { formatMonitorEvent } = await import('../../device/monitor-stream.ts');
      const counts = { text: 0, frame: 0, 'bad-frame': 0 };
      let atLineStart = true;
      const session = await openMonitor(opts.port, opts.baud, (e) => {
        counts[e.kind]++;
        if (opts.json) {
          process.stdout.write(JSON.stringify(e) + '\n');
          return;
        }
        // A frame's line starts on a line of its own, even after text that did not end one.
        const text = (e.kind !== 'text' && !atLineStart ? '\n' : '') + formatMonitorEvent(e);
        process.stdout.write(text);
        atLineStart = text.endsWith('\n');
      });
      log(`monitoring ${opts.port} at ${opts.baud} baud (Ctrl-C to stop)`);
      let onSigint = (): void => {};
      const interrupted = new Promise<string>((resolve) => (onSigint = () => resolve('stopped (Ctrl-C)')));
      process.once('SIGINT', onSigint);
      const why = await Promise.race([session.closed, interrupted]);
      process.removeListener('SIGINT', onSigint);
      await session.close();
      if (!opts.json && !atLineStart) process.stdout.write('\n');
      log(`${opts.port}: ${why}; ${counts.frame} frame(s), ${counts.text} text chunk(s), ${counts['bad-frame']} damaged frame(s)`);
    });
}
