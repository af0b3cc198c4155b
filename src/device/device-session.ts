// One running device for any board: start it (QEMU, the host process, …), open the serial link, say hello, and
// give run/profile/debug/stack with latencies converted to the board's unit. Closing always stops the emulator.
import { existsSync } from 'node:fs';
import { TinyforgeError } from '../diagnostics.ts';
import type { Board, LatencyUnit } from '../build/boards.ts';
import { startHostFirmware } from './host-runner.ts';
import {
  DeviceError,
  DeviceProtocol,
  type DebugResult,
  type HelloReply,
  type ProtocolOptions,
  type StackReport,
  type TimerKind,
} from './protocol.ts';
import { stackOverflowError, type StackBudget } from './stack-check.ts';
import { startQemu, type EmulatorHandle } from './qemu.ts';
import { SerialLink } from './serial-link.ts';

export interface Latency {
  /** Raw timer ticks, timer-read overhead already subtracted on the device. */
  ticks: number;
  /** In `unit`; null when the board has no timer that can be trusted. */
  value: number | null;
  unit: LatencyUnit;
}

export interface SessionRunResult {
  status: number;
  output: Uint8Array;
  latency: Latency;
}

export interface OpenOptions extends ProtocolOptions {
  /** Per-attempt wait for the hello (the firmware must be up and listening). */
  helloTimeoutMs?: number;
  /** Extra hello attempts. */
  helloRetries?: number;
  /** The stack the firmware was built with, for the figures of a 'stack-overflow' error. */
  stack?: StackBudget;
}

/** Converts device timer ticks to the unit the report uses for this board (see boards/*.json cycle_counter). */
export function ticksToLatency(board: Board, timerKind: TimerKind, ticks: number): Latency {
  if (timerKind === 'none' || board.cycleCounter.unit === 'unavailable') return { ticks, value: null, unit: 'unavailable' };
  if (timerKind === 'core-clock' && board.cycleCounter.kind === 'systick-icount' && board.emulator) {
    // -icount shift=k: one instruction = 2^k ns of virtual time; the timer ticks every 1e9/clock_hz ns.
    const instructionsPerTick = 1e9 / board.clockHz / 2 ** board.emulator.icountShift;
    return { ticks, value: Math.round(ticks * instructionsPerTick), unit: 'instructions' };
  }
  if (timerKind === 'nanoseconds') return { ticks, value: ticks, unit: 'nanoseconds' };
  if (timerKind === 'cycles') return { ticks, value: ticks, unit: 'cycles' };
  if (timerKind === 'instructions') return { ticks, value: ticks, unit: 'instructions' };
  return { ticks, value: null, unit: 'unavailable' };
}

export class DeviceSession {
  private closed = false;
  constructor(
    readonly board: Board,
    readonly hello: HelloReply,
    readonly protocol: DeviceProtocol,
    private readonly link: SerialLink,
    private readonly runner: EmulatorHandle,
    readonly stackBudget?: StackBudget,
  ) {}

  /** pid of QEMU or of the host firmware process. */
  get pid(): number {
    return this.runner.process.pid;
  }
  get port(): string {
    return this.link.port;
  }
  /** What QEMU or the host firmware wrote on stderr (sanitizer reports, QEMU warnings). */
  processOutput(): string {
    return this.runner.process.stderr();
  }

  latency(ticks: number): Latency {
    return ticksToLatency(this.board, this.hello.timerKind, ticks);
  }

  async run(input: Uint8Array): Promise<SessionRunResult> {
    this.checkInput(input);
    const r = await this.inference(() => this.protocol.run(input));
    return { status: r.status, output: r.output, latency: this.latency(r.ticks) };
  }

  async profile(input: Uint8Array): Promise<SessionRunResult & { layers: Latency[] }> {
    this.checkInput(input);
    const r = await this.inference(() => this.protocol.profile(input));
    return { status: r.status, output: r.output, latency: this.latency(r.ticks), layers: r.layerTicks.map((t) => this.latency(t)) };
  }

  async debug(input: Uint8Array): Promise<DebugResult> {
    this.checkInput(input);
    return this.inference(() => this.protocol.debug(input));
  }

  /** An inference the device refused because its stack overflowed becomes 'stack-overflow' with the figures. */
  private async inference<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (e) {
      if (!(e instanceof DeviceError) || e.deviceCode !== 'stack-overflow') throw e;
      const report = await this.protocol.stack().catch(() => null);
      throw stackOverflowError(this.board, report, this.stackBudget, this.link.port);
    }
  }

  stack(): Promise<StackReport> {
    return this.protocol.stack();
  }

  /** Times `iterations` of the device's 2-instruction loop. */
  async calibrate(iterations: number): Promise<Latency> {
    const r = await this.protocol.calibrate(iterations);
    return this.latency(r.ticks);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.link.close();
    } finally {
      await this.runner.stop();
    }
  }

  private checkInput(input: Uint8Array): void {
    if (input.length !== this.hello.inputBytes) {
      throw new TinyforgeError(
        'bad-input',
        `input has ${input.length} bytes, the model on ${this.board.id} takes ${this.hello.inputBytes}`,
        {
          location: { port: this.link.port },
        },
      );
    }
  }
}

/** How each board `flasher` starts firmware and gets a serial port to it. */
const RUNNERS: Record<string, (board: Board, elfPath: string) => Promise<EmulatorHandle>> = {
  qemu: (board, elfPath) => startQemu(board, elfPath),
  'host-process': (_board, elfPath) => startHostFirmware(elfPath),
};

/** Starts `elfPath` on `board` and completes the hello; on any failure the emulator/process is stopped. */
export async function openDevice(board: Board, elfPath: string, opts: OpenOptions = {}): Promise<DeviceSession> {
  if (!existsSync(elfPath)) {
    throw new TinyforgeError('missing-firmware', `no firmware at ${elfPath}`, { hint: '`tinyforge compile` builds it' });
  }
  const start = RUNNERS[board.flasher];
  if (!start) {
    throw new TinyforgeError('no-runner', `board ${board.id} is flashed with "${board.flasher}", which cannot be run as a session here`, {
      location: { file: board.file, field: 'flasher' },
      notes: [`runnable flashers: ${Object.keys(RUNNERS).join(', ')}`],
    });
  }
  const runner = await start(board, elfPath);
  const link = new SerialLink(runner.ptyPath);
  try {
    await link.open();
    const protocol = new DeviceProtocol(link, opts);
    const hello = await protocol.hello(opts.helloTimeoutMs ?? 2000, opts.helloRetries ?? 2);
    return new DeviceSession(board, hello, protocol, link, runner, opts.stack);
  } catch (e) {
    await link.close().catch(() => undefined);
    await runner.stop();
    throw e;
  }
}
