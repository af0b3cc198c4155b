// Lists serial ports with their USB vendor/product, for `tinyforge ports` and for picking --port. serialport's own
// list() needs `udevadm` (it throws "spawn udevadm ENOENT" in containers), so Linux falls back to reading sysfs.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SerialPort } from 'serialport';

export interface PortInfo {
  path: string;
  /** USB ids as 4 lower-case hex digits, e.g. "10c4"/"ea60"; absent for non-USB ports. */
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  /** Kernel driver (sysfs only), e.g. "cp210x", "ch341-uart", "cdc_acm". */
  driver?: string;
  /** What the USB ids usually mean on an ESP board, when we know them. */
  usualBoard?: string;
  source: 'serialport' | 'sysfs';
}

/** USB-UART bridges and native USB found on ESP32 development boards. */
const KNOWN_BRIDGES: Record<string, string> = {
  '10c4:ea60': 'CP210x USB-UART (ESP32-DevKitC and most ESP32 boards)',
  '1a86:7523': 'CH340 USB-UART (many ESP32 clones)',
  '1a86:55d4': 'CH9102 USB-UART (newer ESP32 boards)',
  '0403:6001': 'FTDI FT232R USB-UART',
  '0403:6010': 'FTDI FT2232 (ESP-WROVER-KIT: JTAG + UART)',
  '303a:1001': 'Espressif USB-Serial/JTAG (ESP32-S3/C3 native USB)',
};

function withUsualBoard(p: PortInfo): PortInfo {
  const usual = p.vendorId && p.productId ? KNOWN_BRIDGES[`${p.vendorId}:${p.productId}`] : undefined;
  return usual ? { ...p, usualBoard: usual } : p;
}

function readAttr(dir: string, name: string): string | undefined {
  try {
    const v = readFileSync(join(dir, name), 'utf8').trim();
    return v === '' ? undefined : v;
  } catch {
    return undefined;
  }
}

/**
 * Reads `<sysClassTty>/<name>/device` for every tty: a USB port's device path has an ancestor holding idVendor and
 * idProduct. ttys without a device link (virtual consoles, ptys) and legacy 8250 UART slots are left out, as
 * serialport does.
 */
export function listPortsFromSysfs(sysClassTty = '/sys/class/tty', devDir = '/dev'): PortInfo[] {
  let names: string[];
  try {
    names = readdirSync(sysClassTty);
  } catch {
    return [];
  }
  const ports: PortInfo[] = [];
  for (const name of names.sort()) {
    const deviceLink = join(sysClassTty, name, 'device');
    if (!existsSync(deviceLink)) continue;
    let device: string;
    try {
      device = realpathSync(deviceLink);
    } catch {
      continue;
    }
    let driver: string | undefined;
    try {
      driver = basename(realpathSync(join(deviceLink, 'driver')));
    } catch {
      driver = undefined;
    }
    const info: PortInfo = { path: join(devDir, name), driver, source: 'sysfs' };
    for (let dir = device; dir !== dirname(dir); dir = dirname(dir)) {
      const vendorId = readAttr(dir, 'idVendor');
      if (!vendorId) continue;
      info.vendorId = vendorId.toLowerCase();
      info.productId = readAttr(dir, 'idProduct')?.toLowerCase();
      info.manufacturer = readAttr(dir, 'manufacturer');
      info.product = readAttr(dir, 'product');
      info.serialNumber = readAttr(dir, 'serial');
      break;
    }
    if (!info.vendorId && (driver === 'serial8250' || driver === 'port')) continue;
    ports.push(withUsualBoard(info));
  }
  return ports;
}

/** All serial ports, USB ones with vendor/product. Never throws for a missing udevadm. */
export async function listPorts(): Promise<PortInfo[]> {
  try {
    const found = await SerialPort.list();
    return found.map((p) =>
      withUsualBoard({
        path: p.path,
        vendorId: p.vendorId?.toLowerCase(),
        productId: p.productId?.toLowerCase(),
        manufacturer: p.manufacturer,
        serialNumber: p.serialNumber,
        source: 'serialport',
      }),
    );
  } catch (err) {
    if (process.platform !== 'linux') throw err;
    return listPortsFromSysfs();
  }
}
