// listPorts: the sysfs fallback finds USB-serial ports with vendor/product and skips consoles and phantom UARTs.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listPorts, listPortsFromSysfs } from '../../src/device/ports.ts';

const root = mkdtempSync(join(tmpdir(), 'tinyforge-sysfs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A sysfs tree shaped like the kernel's: class/tty/<name>/device → devices/..., USB attributes on the USB device. */
function fakeSysfs(): string {
  const usbDev = join(root, 'devices/pci0000:00/0000:00:14.0/usb1/1-2');
  const iface = join(usbDev, '1-2:1.0/ttyUSB0');
  mkdirSync(iface, { recursive: true });
  for (const [k, v] of Object.entries({
    idVendor: '10c4\n',
    idProduct: 'EA60\n',
    manufacturer: 'Silicon Labs\n',
    product: 'CP2102N USB to UART Bridge Controller\n',
    serial: 'a1b2c3\n',
  })) {
    writeFileSync(join(usbDev, k), v);
  }
  mkdirSync(join(root, 'bus/usb-serial/drivers/cp210x'), { recursive: true });
  symlinkSync(join(root, 'bus/usb-serial/drivers/cp210x'), join(iface, 'driver'));
  const s0 = join(root, 'devices/platform/serial8250/tty/ttyS0');
  mkdirSync(s0, { recursive: true });
  mkdirSync(join(root, 'bus/platform/drivers/serial8250'), { recursive: true });
  symlinkSync(join(root, 'bus/platform/drivers/serial8250'), join(s0, 'driver'));
  const tty = join(root, 'class/tty');
  for (const name of ['ttyUSB0', 'ttyS0', 'tty0']) mkdirSync(join(tty, name), { recursive: true });
  symlinkSync(iface, join(tty, 'ttyUSB0/device'));
  symlinkSync(s0, join(tty, 'ttyS0/device'));
  return tty;
}

describe('listPortsFromSysfs', () => {
  it('reports the USB bridge with vendor/product/serial and skips tty0 and the phantom 8250 slot', () => {
    const ports = listPortsFromSysfs(fakeSysfs(), '/dev');
    expect(ports).toEqual([
      {
        path: '/dev/ttyUSB0',
        vendorId: '10c4',
        productId: 'ea60',
        manufacturer: 'Silicon Labs',
        product: 'CP2102N USB to UART Bridge Controller',
        serialNumber: 'a1b2c3',
        driver: 'cp210x',
        usualBoard: 'CP210x USB-UART (ESP32-DevKitC and most ESP32 boards)',
        source: 'sysfs',
      },
    ]);
  });

  it('returns nothing for a missing sysfs folder', () => {
    expect(listPortsFromSysfs(join(root, 'nope'))).toEqual([]);
  });
});

describe('listPorts', () => {
  it('does not throw where udevadm is missing, and lists only device paths', async () => {
    const ports = await listPorts();
    for (const p of ports) expect(p.path).toMatch(/^\/dev\//);
  });
});
