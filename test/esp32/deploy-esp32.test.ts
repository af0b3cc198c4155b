// deploy --board esp32 without ESP-IDF: the real CLI compiles the model, writes the ESP-IDF project, skips the build
// with a clear message, flashes a prebuilt ESP-IDF build folder through esptool-js to the ROM peer on a pty and
// verifies it by MD5; deployEsp32 with the reset circuit wired boots what it flashed; no ESP-IDF and no image → missing-sdk.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SerialPort } from 'serialport';
import { loadBoard } from '../../src/build/boards.ts';
import { renderSerialMain } from '../../src/build/render.ts';
import { buildFirmware } from '../../src/build/toolchain.ts';
import { openHardwareSession } from '../../src/device/flash/hardware-session.ts';
import { startHostFirmware } from '../../src/device/host-runner.ts';
import { COMPONENT_DIR } from '../../src/build/esp-idf.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { deployEsp32 } from '../../src/device/flash/deploy-esp32.ts';
import { SerialportWebSerial } from '../../src/device/flash/serialport-webserial.ts';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { mnistCnn } from '../../examples/models.ts';
import { writeBuildDir } from './build-dir.ts';
import { esp32FlashSet } from './esp-image.ts';
import { int8Cnn, int8Inputs, referenceOutput, writeModel } from './int8-model.ts';
import { openPtyPair, type PtyPair } from './pty-pair.ts';
import { OP, RomPeer } from './rom-peer.ts';

let pair: PtyPair | null = null;
let peer: RomPeer | null = null;
const dirs: string[] = [];
const tmp = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), name));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  await peer?.close();
  await pair?.close();
  pair = peer = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The example model when train-data has committed it, else the same architecture with its seeded initial weights. */
function mnistCnnOnnx(): string {
  const committed = 'examples/mnist-cnn/model.onnx';
  if (existsSync(committed)) return committed;
  const path = join(tmp('tfg-mnist-cnn-'), 'model.onnx');
  writeFileSync(path, exportOnnx(mnistCnn(1)));
  return path;
}

/** Runs the CLI as a child process without ESP-IDF in its environment (the peer keeps running in this process). */
function tinyforge(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.IDF_PATH;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/tinyforge.js', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const md5 = (d: Uint8Array) =>
  createHash('md5')
    .update(d.length % 4 ? Buffer.concat([d, Buffer.alloc(4 - (d.length % 4), 0xff)]) : d)
    .digest('hex');

describe('tinyforge deploy --board esp32 --port <pty of the ROM peer>', () => {
  it('compiles, writes the ESP-IDF project, skips the build (no ESP-IDF), flashes the prebuilt image and verifies every byte', async () => {
    pair = await openPtyPair();
    // The CLI gets only a path, whose DTR/RTS cannot reach the model: the chip waits in download mode (BOOT held).
    peer = new RomPeer({ path: pair.devicePath, powerOnInDownloadMode: true });
    await peer.open();
    const images = esp32FlashSet(48 * 1024);
    const image = writeBuildDir(images, 'esp32');
    dirs.push(image);
    const out = join(tmp('tfg-deploy-esp32-'), 'out');
    const r = await tinyforge([
      'deploy',
      mnistCnnOnnx(),
      '--board',
      'esp32',
      '--port',
      pair.hostPath,
      '--image',
      image,
      '--flash-only',
      '--dataset',
      'mnist',
      '--calibration-samples',
      '16',
      '-o',
      out,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('ESP-IDF is not installed (IDF_PATH is not set): skipping idf.py build');
    expect(r.stderr).toContain(`ESP-IDF project: ${join(out, 'esp-idf')}`); // the one compile wrote, not a second one
    expect(r.stderr).toContain('written by compile');
    const summary = JSON.parse(r.stdout) as {
      chip: string;
      build: { kind: string };
      project: string;
      images: { offset: number; bytes: number; md5: string }[];
    };
    expect(summary.chip).toBe('ESP32');
    expect(summary.build.kind).toBe('prebuilt');
    expect(summary.images.map((i) => i.offset)).toEqual([0x1000, 0x8000, 0x10000]);
    for (const [k, img] of images.entries()) {
      expect(summary.images[k].md5).toBe(md5(img.data));
      expect(Buffer.compare(Buffer.from(peer.flash.subarray(img.offset, img.offset + img.data.length)), Buffer.from(img.data))).toBe(0);
    }
    expect(peer.received).toContain(OP.FLASH_DEFL_DATA);
    expect(peer.received).toContain(OP.SPI_FLASH_MD5);
    // The project for a later `idf.py build` holds the model that was compiled.
    const hash = (JSON.parse(readFileSync(join(out, 'tinyforge.json'), 'utf8')) as { hash: number }).hash;
    expect(summary.project).toBe(join(out, 'esp-idf'));
    expect(readFileSync(join(out, 'esp-idf', COMPONENT_DIR, 'model.h'), 'utf8')).toContain(
      `#define TFG_MODEL_HASH 0x${hash.toString(16).padStart(8, '0')}u`,
    );
  });

  it('tinyforge flash on a compiled folder writes the same images through the same path and verifies them', async () => {
    const out = join(tmp('tfg-flash-esp32-'), 'out');
    const c = await tinyforge(['compile', mnistCnnOnnx(), '--board', 'esp32', '--quantize', 'none', '-o', out]);
    expect(c.code, c.stderr).toBe(0);
    pair = await openPtyPair();
    peer = new RomPeer({ path: pair.devicePath, powerOnInDownloadMode: true });
    await peer.open();
    const images = esp32FlashSet(24 * 1024);
    const image = writeBuildDir(images, 'esp32');
    dirs.push(image);
    const r = await tinyforge(['flash', out, '--board', 'esp32', '--port', pair.hostPath, '--image', image, '--no-hello', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { measured: boolean; images: { offset: number; md5: string }[] };
    expect(summary.measured).toBe(false);
    for (const [k, img] of images.entries()) {
      expect(summary.images[k].md5).toBe(md5(img.data));
      expect(Buffer.compare(Buffer.from(peer.flash.subarray(img.offset, img.offset + img.data.length)), Buffer.from(img.data))).toBe(0);
    }
  });

  it('tinyforge flash on a real board without --port: exit 2, missing-port naming `tinyforge ports`', async () => {
    const out = join(tmp('tfg-flash-noport-'), 'out');
    expect((await tinyforge(['compile', mnistCnnOnnx(), '--board', 'esp32', '--quantize', 'none', '-o', out])).code).toBe(0);
    const r = await tinyforge(['flash', out, '--board', 'esp32']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[missing-port]');
    expect(r.stderr).toContain('tinyforge ports');
  });

  it('without ESP-IDF and without --image: exit 2, missing-sdk naming ESP-IDF and --image, the project left ready to build', async () => {
    const out = join(tmp('tfg-deploy-esp32-nosdk-'), 'out');
    const r = await tinyforge(['deploy', mnistCnnOnnx(), '--board', 'esp32', '--port', '/dev/null', '--quantize', 'none', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[missing-sdk]');
    expect(r.stderr).toContain('ESP-IDF is not installed (IDF_PATH is not set)');
    expect(r.stderr).toMatch(/install\.sh esp32/);
    expect(r.stderr).toContain('--image');
    expect(existsSync(join(out, 'esp-idf', 'CMakeLists.txt'))).toBe(true);
  });
});

describe('deployEsp32 with the reset lines wired to the auto-reset circuit', () => {
  it('flashes the prebuilt image, resets into the app, and the ROM boots the bootloader it was given', async () => {
    pair = await openPtyPair();
    const p = (peer = new RomPeer({ path: pair.devicePath }));
    await p.open();
    const adapter = new SerialportWebSerial({ path: pair.hostPath, onSignals: (l) => p.setLines(l) });
    const images = esp32FlashSet(32 * 1024);
    const image = writeBuildDir(images, 'esp32');
    dirs.push(image);
    const logs: string[] = [];
    const model = await int8Cnn();
    const r = await deployEsp32({
      board: loadBoard('esp32'),
      model: model.gen,
      outDir: tmp('tfg-deploy-fn-'),
      port: adapter,
      image,
      idfPath: '',
      onLog: (l) => logs.push(l),
    });
    expect(r.build.kind).toBe('prebuilt');
    expect(r.flash.images).toHaveLength(3);
    expect(r.elfPath).toBeUndefined(); // the synthetic build folder has no ELF
    expect(logs.join('\n')).toContain('skipping idf.py build');
    await new Promise((res) => setTimeout(res, 50)); // EN's RC rise time in the model, with slack for a loaded machine
    expect(p.circuit.boots).toEqual(['download', 'spi-flash']);
    expect(p.bootedImage?.checksumOk).toBe(true);
    expect(existsSync(join(r.project.dir, COMPONENT_DIR, 'model.c'))).toBe(true);
  });

  it('after the reset the same port is the link to the firmware: hello with the compiled model, outputs equal the reference', async () => {
    const model = await int8Cnn();
    // The model of the chip runs no Xtensa code: the app stand-in is the ESP-IDF project's own main.c (board id
    // "esp32") with the same generated model and runtime, compiled for the host and wired behind the chip's UART.
    const fwDir = tmp('tfg-esp32-app-');
    const sources = writeModel(join(fwDir, 'model'), model.gen);
    writeFileSync(join(fwDir, 'main.c'), renderSerialMain(loadBoard('esp32')));
    const fw = await buildFirmware({
      board: loadBoard('host'),
      sources: [join(fwDir, 'main.c'), ...sources],
      includeDirs: [join(fwDir, 'model'), join(fwDir, 'model/tfg/include')],
      output: join(fwDir, 'app'),
    });
    const app = await startHostFirmware(fw.elfPath);
    const appPort = new SerialPort({ path: app.ptyPath, baudRate: 115200, autoOpen: false });
    await new Promise<void>((res, rej) => appPort.open((e) => (e ? rej(e) : res())));
    try {
      pair = await openPtyPair();
      const p = (peer = new RomPeer({ path: pair.devicePath, app: (bytes) => appPort.write(Buffer.from(bytes)) }));
      appPort.on('data', (d: Buffer) => p.appSend(new Uint8Array(d)));
      await p.open();
      const image = writeBuildDir(esp32FlashSet(32 * 1024), 'esp32');
      dirs.push(image);
      const adapter = new SerialportWebSerial({ path: pair.hostPath, onSignals: (l) => p.setLines(l) });
      await deployEsp32({ board: loadBoard('esp32'), model: model.gen, outDir: tmp('tfg-deploy-fn-'), port: adapter, image, idfPath: '' });
      await new Promise((res) => setTimeout(res, 50));
      expect(p.state).toBe('app');
      // Boot text still in the line (the ROM banner, here once more from the app side) is skipped by the framing.
      p.appSend(new TextEncoder().encode('ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n'));
      const session = await openHardwareSession(loadBoard('esp32'), pair.hostPath);
      try {
        expect(session.hello.boardId).toBe('esp32');
        expect(session.hello.modelHash).toBe(model.gen.hash);
        for (const input of int8Inputs(3)) {
          const r = await session.run(new Uint8Array(input.buffer));
          expect(Array.from(r.output)).toEqual(Array.from(referenceOutput(model, input)));
          // The stand-in's timer is the host's clock: the report would say nanoseconds, never cycles.
          expect(r.latency.unit).toBe('nanoseconds');
        }
      } finally {
        await session.close();
      }
    } finally {
      await new Promise<void>((res) => appPort.close(() => res()));
      await app.stop();
    }
  });

  it('missing-sdk when there is neither ESP-IDF nor an image, before touching the port', async () => {
    const model = await int8Cnn();
    const e = await deployEsp32({
      board: loadBoard('esp32'),
      model: model.gen,
      outDir: tmp('tfg-deploy-fn-'),
      port: '/dev/nonexistent-port',
      idfPath: '',
    }).catch((x: unknown) => x as TinyforgeError);
    expect((e as TinyforgeError).code).toBe('missing-sdk');
    expect((e as TinyforgeError).diagnostic.notes?.join()).toContain('the ESP-IDF project is ready in');
  });
});
