// `tinyforge ports`: the serial ports with their USB vendor/product and what board usually sits behind those ids,
// to pick `--port` (works without udevadm: falls back to /sys/class/tty).
import type { Command } from 'commander';
import { printJson, table } from '../output.ts';

export function register(program: Command): void {
  program
    .command('ports')
    .description('list serial ports with USB vendor:product, driver and the usual board for those ids')
    .option('--json', 'print JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ tinyforge ports --json')
    .action(async (opts: { json?: boolean }) => {
      const { listPorts } = await import('../../device/ports.ts');
      const ports = await listPorts();
      if (opts.json) {
        printJson(ports);
        return;
      }
      if (ports.length === 0) {
        process.stderr.write('no serial ports found (plug the board in; on Linux check `dmesg` for ttyUSB/ttyACM)\n');
        return;
      }
      process.stdout.write(
        table(
          ['port', 'usb id', 'product', 'driver', 'usually'],
          ports.map((p) => [
            p.path,
            p.vendorId ? `${p.vendorId}:${p.productId ?? '????'}` : '-',
            [p.manufacturer, p.product].filter(Boolean).join(' ') || '-',
            p.driver ?? '-',
            p.usualBoard ?? '-',
          ]),
        ) + '\n',
      );
    });
}
