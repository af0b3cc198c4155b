// A protocol-faithful ESP32 on a pty: the ROM serial bootloader and the esptool flasher stub it loads, SPI flash kept
// in memory, and the DevKitC auto-reset circuit, so tests drive the real esptool-js client end to end.
import { createHash } from 'node:crypto';
import { constants as zc, inflateSync } from 'node:zlib';
import { SerialPort } from 'serialport';
import { getStubJsonByChipName, type Stub } from 'esptool-js';
import { AutoResetCircuit, type BootMode } from './auto-reset-circuit.ts';
import { Esp32Registers } from './esp32-registers.ts';
import { parseEspImage, type ParsedImage } from './esp-image.ts';
import {
  OP,
  ROM_BAD_CRC,
  ROM_FAILED,
  ROM_INVALID_MSG,
  STUB_BAD_CHECKSUM,
  STUB_BAD_LEN,
  STUB_INFLATE_ERROR,
  STUB_NOT_IMPLEMENTED,
  STUB_NOT_IN_FLASH_MODE,
  STUB_TOO_MUCH_DATA,
} from './esp-protocol.ts';
import { SlipDecoder, slipEncode } from './slip.ts';

export { OP } from './esp-protocol.ts';

const ROM_BANNER = 'ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),';
const DOWNLOAD_BANNER = 'boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n';
const SPI_BANNER = 'boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n';

export type ChipState = 'app' | 'rom' | 'stub' | 'crashed';

export interface PeerFaults {
  /** Never answer anything (a board without power, a wrong port, or BOOT strapping broken). */
  silent?: boolean;
  /** Line noise host→chip: flip one payload byte of the n-th (0-based) command with this op, and of the `times - 1` after it. */
  corruptCommand?: { op: number; nth: number; times?: number };
  /** A weak flash cell: this flash address reads back flipped once the write covering it has ended. */
  flipFlashByteAt?: number;
}

export interface RomPeerOptions {
  path: string;
  flashBytes?: number;
  faults?: PeerFaults;
  /**
   * Power up with BOOT held: the chip sits in the ROM's download mode from the start, as a user gets it by holding
   * BOOT and pressing EN. For hosts that cannot drive DTR/RTS into the model (a pty path handed to the CLI).
   */
  powerOnInDownloadMode?: boolean;
  /**
   * What the flashed app does with the UART once the chip has booted from flash: bytes from the host go to `app`,
   * and the app answers through `appSend`. Tests plug a stand-in for our firmware in here (the model runs no Xtensa).
   */
  app?: (bytes: Uint8Array) => void;
  /** Observes each decoded command, e.g. to hang up the line mid-write. */
  onCommand?: (op: number, data: Uint8Array, state: ChipState) => void;
}

interface FlashWrite {
  offset: number;
  size: number;
  compressed: boolean;
  blockSize: number;
  chunks: Buffer[];
  written: number;
}

const u32 = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
const checksum = (data: Uint8Array) => data.reduce((s, b) => s ^ b, 0xef);

export class RomPeer {
  readonly flash: Uint8Array;
  readonly regs = new Esp32Registers();
  readonly circuit: AutoResetCircuit;
  state: ChipState = 'app';
  baudRate = 115200;
  /** Every CHANGE_BAUDRATE the chip obeyed (a reset returns the UART to 115200). */
  readonly baudChanges: number[] = [];
  /** Every command op received, in order, and every error status sent: the tests' view of the conversation. */
  readonly received: number[] = [];
  readonly errors: { op: number; code: number }[] = [];
  readonly memory = new Map<number, Uint8Array>();
  spiAttached = false;
  /** The bootloader image the ROM found at 0x1000 on its last boot from flash (null: it would not boot). */
  bootedImage: ParsedImage | null = null;
  spiParams: number[] | null = null;
  private port: SerialPort | null = null;
  private readonly decoder = new SlipDecoder();
  private readonly seen = new Map<number, number>();
  private mem: { offset: number; size: number; blockSize: number } | null = null;
  private write: FlashWrite | null = null;
  private stub: Stub | undefined;

  constructor(private readonly options: RomPeerOptions) {
    this.flash = new Uint8Array(options.flashBytes ?? 4 * 1024 * 1024).fill(0xff);
    this.circuit = new AutoResetCircuit((mode) => this.boot(mode));
  }

  async open(): Promise<void> {
    this.stub = await getStubJsonByChipName('ESP32');
    const port = new SerialPort({ path: this.options.path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
    port.on('data', (chunk: Buffer) => this.onBytes(chunk));
    port.on('error', () => {}); // a hang-up in a fault test is expected
    this.port = port;
    if (this.options.powerOnInDownloadMode) this.boot('download');
  }

  async close(): Promise<void> {
    this.circuit.dispose();
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((res) => port.close(() => res()));
  }

  /** The auto-reset circuit's inputs; wire the host adapter's `onSignals` here (a pty carries no modem lines). */
  setLines(lines: { dtr: boolean; rts: boolean }): void {
    this.circuit.setLines(lines.dtr, lines.rts);
    if (this.circuit.inReset) this.decoder.reset();
  }

  private boot(mode: BootMode): void {
    this.mem = null;
    this.write = null;
    this.spiAttached = false;
    this.baudRate = 115200;
    this.memory.clear();
    if (this.options.faults?.silent) return;
    if (mode === 'download') {
      this.state = 'rom';
      this.send(new TextEncoder().encode(ROM_BANNER + DOWNLOAD_BANNER));
    } else {
      this.state = 'app';
      const image = parseEspImage(this.flash, 0x1000);
      this.bootedImage = image && image.checksumOk && image.sha256Ok !== false ? image : null;
      const line = this.bootedImage ? `entry 0x${this.bootedImage.entry.toString(16).padStart(8, '0')}\r\n` : 'invalid header\r\n';
      this.send(new TextEncoder().encode(ROM_BANNER + SPI_BANNER + line));
    }
  }

  private send(bytes: Uint8Array): void {
    if (this.port?.isOpen) this.port.write(Buffer.from(bytes));
  }

  /** The app's UART output (only while the chip runs the app it booted). */
  appSend(bytes: Uint8Array): void {
    if (this.state === 'app' && this.bootedImage && !this.circuit.inReset) this.send(bytes);
  }

  private onBytes(chunk: Buffer): void {
    if (this.circuit.inReset || this.options.faults?.silent) return;
    if (this.state === 'app') {
      if (this.bootedImage) this.options.app?.(new Uint8Array(chunk));
      return;
    }
    for (const frame of this.decoder.push(chunk)) {
      if (this.state === 'rom' || this.state === 'stub') this.onFrame(frame);
    }
  }

  private respond(op: number, value: number, payload: Uint8Array, status = 0, error = 0): void {
    // The ESP32 ROM ends its data with 4 status bytes (2 used), the stub with 2.
    const tail = this.state === 'rom' ? [status, error, 0, 0] : [status, error];
    const body = new Uint8Array(8 + payload.length + tail.length);
    const dv = new DataView(body.buffer);
    body[0] = 1;
    body[1] = op;
    dv.setUint16(2, payload.length + tail.length, true);
    dv.setUint32(4, value >>> 0, true);
    body.set(payload, 8);
    body.set(tail, 8 + payload.length);
    if (status) this.errors.push({ op, code: error });
    this.send(slipEncode(body));
  }

  private fail(op: number, romCode: number, stubCode: number): void {
    this.respond(op, 0, new Uint8Array(0), 1, this.state === 'rom' ? romCode : stubCode);
  }

  private onFrame(frame: Uint8Array): void {
    if (frame.length < 8 || frame[0] !== 0) return; // not a request: the ROM ignores it
    const op = frame[1];
    const size = frame[2] | (frame[3] << 8);
    const chk = u32(frame, 4);
    const data = frame.slice(8);
    const nth = this.seen.get(op) ?? 0;
    this.seen.set(op, nth + 1);
    const corrupt = this.options.faults?.corruptCommand;
    const hit = corrupt && corrupt.op === op && nth >= corrupt.nth && nth < corrupt.nth + (corrupt.times ?? 1);
    if (hit && data.length > 20) data[data.length >> 1] ^= 0x10;
    this.received.push(op);
    this.options.onCommand?.(op, data, this.state);
    if (size !== data.length) return this.fail(op, ROM_INVALID_MSG, STUB_BAD_LEN);
    switch (op) {
      case OP.SYNC:
        // The ROM answers one SYNC with eight responses (value = echo of the sync words); the stub answers once with 0.
        if (this.state === 'rom') for (let i = 0; i < 8; i++) this.respond(op, 0x55201207, new Uint8Array(0));
        else this.respond(op, 0, new Uint8Array(0));
        return;
      case OP.READ_REG:
        return this.respond(op, this.regs.read(u32(data, 0)), new Uint8Array(0));
      case OP.WRITE_REG:
        for (let i = 0; i + 16 <= data.length; i += 16) this.regs.write(u32(data, i), u32(data, i + 4), u32(data, i + 8));
        return this.respond(op, 0, new Uint8Array(0));
      case OP.MEM_BEGIN:
        this.mem = { size: u32(data, 0), blockSize: u32(data, 8), offset: u32(data, 12) };
        this.memory.set(this.mem.offset, new Uint8Array(this.mem.size));
        return this.respond(op, 0, new Uint8Array(0));
      case OP.MEM_DATA:
        return this.memData(op, data, chk);
      case OP.MEM_END:
        return this.memEnd(op, data);
      case OP.CHANGE_BAUDRATE:
        this.respond(op, 0, new Uint8Array(0)); // answered at the old rate, then the UART switches
        this.baudRate = u32(data, 0);
        this.baudChanges.push(this.baudRate);
        return;
      case OP.SPI_ATTACH:
        this.spiAttached = true;
        return this.respond(op, 0, new Uint8Array(0));
      case OP.SPI_SET_PARAMS:
        this.spiParams = [0, 4, 8, 12, 16, 20].map((i) => u32(data, i));
        return this.respond(op, 0, new Uint8Array(0));
      case OP.FLASH_BEGIN:
      case OP.FLASH_DEFL_BEGIN:
        return this.flashBegin(op, data);
      case OP.FLASH_DATA:
      case OP.FLASH_DEFL_DATA:
        return this.flashData(op, data, chk);
      case OP.FLASH_END:
      case OP.FLASH_DEFL_END:
        return this.flashEnd(op, data);
      case OP.SPI_FLASH_MD5:
        return this.md5(op, data);
      case OP.ERASE_FLASH:
      case OP.ERASE_REGION:
        if (this.state !== 'stub') break;
        if (op === OP.ERASE_FLASH) this.flash.fill(0xff);
        else this.flash.fill(0xff, u32(data, 0), u32(data, 0) + u32(data, 4));
        return this.respond(op, 0, new Uint8Array(0));
    }
    if (this.state === 'stub') return this.respond(op, 0, new Uint8Array(0), 1, STUB_NOT_IMPLEMENTED);
    // The ROM answers a command it does not know (e.g. GET_SECURITY_INFO on ESP32) with "invalid message", repeated,
    // in a response whose command field does not match; esptool and esptool-js recognise it by exactly that.
    for (let i = 0; i < 8; i++) {
      const body = Uint8Array.from([1, 0, 4, 0, 0, 0, 0, 0, 1, ROM_INVALID_MSG, 0, 0]);
      this.send(slipEncode(body));
    }
  }

  private memData(op: number, data: Uint8Array, chk: number): void {
    const len = u32(data, 0),
      seq = u32(data, 4);
    const payload = data.slice(16);
    if (!this.mem || len !== payload.length) return this.fail(op, ROM_INVALID_MSG, STUB_BAD_LEN);
    if (checksum(payload) !== (chk & 0xff)) return this.fail(op, ROM_BAD_CRC, STUB_BAD_CHECKSUM);
    const at = seq * this.mem.blockSize;
    if (at + len > this.mem.size) return this.fail(op, ROM_INVALID_MSG, STUB_TOO_MUCH_DATA);
    this.memory.get(this.mem.offset)!.set(payload, at);
    this.respond(op, 0, new Uint8Array(0));
  }

  private memEnd(op: number, data: Uint8Array): void {
    const noExec = u32(data, 0),
      entry = u32(data, 4);
    this.respond(op, 0, new Uint8Array(0));
    if (noExec) return;
    // The ROM jumps to `entry`. This model can only "run" esptool's own ESP32 stub, so it checks that exactly that
    // code and data were loaded where the stub expects them; anything else crashes (goes silent), as a bad jump would.
    const stub = this.stub;
    const same = (addr: number, bytes: Uint8Array) => {
      const got = this.memory.get(addr);
      return got !== undefined && Buffer.compare(Buffer.from(got), Buffer.from(bytes)) === 0;
    };
    if (!stub || entry !== stub.entry || !same(stub.text_start, stub.decodedText) || !same(stub.data_start, stub.decodedData)) {
      this.state = 'crashed';
      return;
    }
    // The stub attaches the default SPI flash itself, then announces itself with the one unsolicited packet.
    this.state = 'stub';
    this.spiAttached = true;
    this.send(slipEncode(new TextEncoder().encode('OHAI')));
  }

  private flashBegin(op: number, data: Uint8Array): void {
    const size = u32(data, 0),
      blockSize = u32(data, 8),
      offset = u32(data, 12);
    if (this.state === 'rom' && !this.spiAttached) return this.fail(op, ROM_FAILED, STUB_NOT_IN_FLASH_MODE);
    if (offset + size > this.flash.length) return this.fail(op, ROM_INVALID_MSG, STUB_TOO_MUCH_DATA);
    // The ROM erases the whole region here; the stub erases just in time, which leaves the same bytes behind.
    this.flash.fill(0xff, offset, offset + size);
    this.write = { offset, size, blockSize, compressed: op === OP.FLASH_DEFL_BEGIN, chunks: [], written: 0 };
    this.respond(op, 0, new Uint8Array(0));
  }

  private flashData(op: number, data: Uint8Array, chk: number): void {
    const w = this.write;
    const len = u32(data, 0),
      seq = u32(data, 4);
    const payload = data.slice(16);
    if (!w || w.compressed !== (op === OP.FLASH_DEFL_DATA)) return this.fail(op, ROM_FAILED, STUB_NOT_IN_FLASH_MODE);
    if (len !== payload.length) return this.fail(op, ROM_INVALID_MSG, STUB_BAD_LEN);
    if (checksum(payload) !== (chk & 0xff)) return this.fail(op, ROM_BAD_CRC, STUB_BAD_CHECKSUM);
    if (!w.compressed) {
      this.flash.set(payload.slice(0, Math.max(0, Math.min(len, w.size - seq * w.blockSize))), w.offset + seq * w.blockSize);
      return this.respond(op, 0, new Uint8Array(0));
    }
    // The stub feeds each block to its inflater and writes what comes out; re-inflating the whole stream with a sync
    // flush gives the same bytes.
    w.chunks.push(Buffer.from(payload));
    let out: Buffer;
    try {
      out = inflateSync(Buffer.concat(w.chunks), { finishFlush: zc.Z_SYNC_FLUSH });
    } catch {
      return this.fail(op, 0x0b, STUB_INFLATE_ERROR);
    }
    if (out.length > w.size) return this.fail(op, ROM_INVALID_MSG, STUB_TOO_MUCH_DATA);
    this.flash.set(out.subarray(w.written), w.offset + w.written);
    w.written = out.length;
    this.respond(op, 0, new Uint8Array(0));
  }

  private flashEnd(op: number, data: Uint8Array): void {
    const w = this.write;
    this.write = null;
    const flip = this.options.faults?.flipFlashByteAt;
    if (w && flip !== undefined && flip >= w.offset && flip < w.offset + w.size) this.flash[flip] ^= 0x01;
    this.respond(op, 0, new Uint8Array(0));
    if (u32(data, 0) === 0) this.boot(this.circuit.pins.io0 ? 'spi-flash' : 'download'); // 0 = reboot
  }

  private md5(op: number, data: Uint8Array): void {
    const addr = u32(data, 0),
      size = u32(data, 4);
    if (addr + size > this.flash.length) return this.fail(op, 0x09, STUB_BAD_LEN);
    const digest = createHash('md5')
      .update(this.flash.subarray(addr, addr + size))
      .digest();
    // The ROM returns the digest as 32 hex characters, the stub as 16 raw bytes.
    const payload = this.state === 'rom' ? new TextEncoder().encode(digest.toString('hex')) : new Uint8Array(digest);
    this.respond(op, 0, payload);
  }
}
