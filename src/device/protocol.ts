// Host side of the device protocol (firmware/runtime/tfg_serve.c): versioned requests with a sequence number,
// per-request timeouts and retries; a silent, reset or garbled device ends in a TimeoutError or 'link-error'
// that names the port, the frame we expected and what arrived after how long — never a hang.
import { TimeoutError, TinyforgeError } from '../diagnostics.ts';
import type { Frame } from './framing.ts';
import type { Link } from './link.ts';

export const PROTOCOL_VERSION = 1;

export const MSG = {
  HELLO: 0x01,
  RUN: 0x02,
  STACK: 0x03,
  PROFILE: 0x04,
  DEBUG: 0x05,
  CALIBRATE: 0x06,
  HELLO_REPLY: 0x81,
  RESULT: 0x82,
  STACK_REPLY: 0x83,
  PROFILE_REPLY: 0x84,
  LAYER_OUTPUT: 0x85,
  CALIBRATE_REPLY: 0x86,
  ERROR: 0xff,
} as const;

const MSG_NAMES: Record<number, string> = Object.fromEntries(Object.entries(MSG).map(([k, v]) => [v, k]));
export const msgName = (t: number): string => MSG_NAMES[t] ?? `0x${t.toString(16)}`;

/** Device ERROR codes (enum tfg_error_code). */
export const DEVICE_ERRORS: Record<number, string> = {
  1: 'bad-crc',
  2: 'bad-length',
  3: 'too-long',
  4: 'bad-cobs',
  5: 'unknown-type',
  6: 'bad-version',
  7: 'model-failed',
  8: 'stack-overflow',
};

/** What tfg_port_ticks counts (enum tfg_timer_kind). */
export type TimerKind = 'none' | 'core-clock' | 'cycles' | 'instructions' | 'nanoseconds';
const TIMER_KINDS: TimerKind[] = ['none', 'core-clock', 'cycles', 'instructions', 'nanoseconds'];

export interface HelloReply {
  protocolVersion: number;
  timerKind: TimerKind;
  modelHash: number;
  arenaBytes: number;
  inputBytes: number;
  outputBytes: number;
  numLayers: number;
  /** Ticks between two back-to-back timer reads, measured on the device and already subtracted from latencies. */
  timerOverheadTicks: number;
  stackBytes: number;
  rxCapacity: number;
  boardId: string;
}

export interface RunResult {
  status: number;
  /** Timer ticks for one inference, overhead subtracted (unit: see HelloReply.timerKind). */
  ticks: number;
  output: Uint8Array;
}
export interface ProfileResult extends RunResult {
  layerTicks: number[];
}
export interface DebugResult extends RunResult {
  layers: { layer: number; output: Uint8Array }[];
}
export interface StackReport {
  stackBytes: number;
  /** Deepest use since boot, from the stack top. */
  highWaterBytes: number;
  /** What the last inference used below the serial loop's stack pointer. */
  lastRunBytes: number;
  /** The guard words at the bottom of the stack changed: the stack reached its limit (highWaterBytes = stackBytes). */
  overflowed: boolean;
}

/** A device ERROR reply that retrying will not fix. */
export class DeviceError extends TinyforgeError {
  constructor(
    readonly deviceCode: string,
    message: string,
    port: string,
  ) {
    super('device-error', message, { location: { port }, notes: [`device error code: ${deviceCode}`] });
  }
}

export interface ProtocolOptions {
  /** Per-attempt wait for a short reply (hello, stack). */
  timeoutMs?: number;
  /** Per-attempt wait for an inference reply (the model may be slow under emulation). */
  runTimeoutMs?: number;
  /** Extra attempts after a timeout or a bad-CRC reply. */
  retries?: number;
}

export class DeviceProtocol {
  private seq = 0;
  private readonly timeoutMs: number;
  private readonly runTimeoutMs: number;
  private readonly retries: number;

  constructor(
    readonly link: Link,
    opts: ProtocolOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.runTimeoutMs = opts.runTimeoutMs ?? 20_000;
    this.retries = opts.retries ?? 2;
  }

  /** The first request after opening; `timeoutMs`/`retries` override the defaults (the firmware may still be booting). */
  async hello(timeoutMs = this.timeoutMs, retries = this.retries): Promise<HelloReply> {
    const { frame } = await this.request(MSG.HELLO, Uint8Array.of(PROTOCOL_VERSION), MSG.HELLO_REPLY, timeoutMs, undefined, retries);
    const b = frame.body;
    if (b.length < 37) throw this.malformed('HELLO_REPLY', b.length);
    const v = view(b);
    const idLen = b[36];
    const reply: HelloReply = {
      protocolVersion: b[0],
      timerKind: TIMER_KINDS[b[1]] ?? 'none',
      modelHash: v.getUint32(4, true),
      arenaBytes: v.getUint32(8, true),
      inputBytes: v.getUint32(12, true),
      outputBytes: v.getUint32(16, true),
      numLayers: v.getUint32(20, true),
      timerOverheadTicks: v.getUint32(24, true),
      stackBytes: v.getUint32(28, true),
      rxCapacity: v.getUint32(32, true),
      boardId: Buffer.from(b.subarray(37, 37 + idLen)).toString('latin1'),
    };
    if (reply.protocolVersion !== PROTOCOL_VERSION) {
      throw new TinyforgeError('protocol-version', `device speaks protocol ${reply.protocolVersion}, tinyforge ${PROTOCOL_VERSION}`, {
        location: { port: this.link.port },
        hint: 'rebuild and reflash the firmware with this tinyforge',
      });
    }
    return reply;
  }

  async run(input: Uint8Array): Promise<RunResult> {
    const { frame } = await this.request(MSG.RUN, input, MSG.RESULT, this.runTimeoutMs);
    return parseResult(frame.body, 0);
  }

  async profile(input: Uint8Array): Promise<ProfileResult> {
    const { frame } = await this.request(MSG.PROFILE, input, MSG.PROFILE_REPLY, this.runTimeoutMs);
    const v = view(frame.body);
    const n = v.getUint32(12, true);
    const layerTicks = Array.from({ length: n }, (_, i) => v.getUint32(16 + 4 * i, true));
    return { ...parseResult(frame.body, 4 + 4 * n), layerTicks };
  }

  /** Runs once and collects every layer's output (LAYER_OUTPUT frames) before the RESULT. */
  async debug(input: Uint8Array): Promise<DebugResult> {
    const { frame, extra } = await this.request(MSG.DEBUG, input, MSG.RESULT, this.runTimeoutMs, MSG.LAYER_OUTPUT);
    const layers = extra.map((f) => {
      const v = view(f.body);
      return { layer: v.getUint32(0, true), output: f.body.slice(8, 8 + v.getUint32(4, true)) };
    });
    return { ...parseResult(frame.body, 0), layers };
  }

  async stack(): Promise<StackReport> {
    const { frame } = await this.request(MSG.STACK, new Uint8Array(0), MSG.STACK_REPLY, this.timeoutMs);
    const v = view(frame.body);
    if (frame.body.length < 16) throw this.malformed('STACK_REPLY', frame.body.length);
    return {
      stackBytes: v.getUint32(0, true),
      highWaterBytes: v.getUint32(4, true),
      lastRunBytes: v.getUint32(8, true),
      overflowed: v.getUint32(12, true) !== 0,
    };
  }

  /** Times the device's 2-instructions-per-iteration loop; returns ticks with the timer overhead subtracted. */
  async calibrate(iterations: number): Promise<{ iterations: number; ticks: number }> {
    const body = new Uint8Array(4);
    view(body).setUint32(0, iterations, true);
    const { frame } = await this.request(MSG.CALIBRATE, body, MSG.CALIBRATE_REPLY, this.runTimeoutMs);
    const v = view(frame.body);
    return { iterations: v.getUint32(0, true), ticks: v.getUint32(4, true) + v.getUint32(8, true) * 2 ** 32 };
  }

  /**
   * Sends one request and waits for `expect` with the same sequence number. Frames with another sequence
   * (late replies to an earlier attempt) are dropped. Timeouts and bad-CRC replies are retried with the
   * same sequence number; other device errors throw DeviceError at once.
   */
  private async request(
    type: number,
    body: Uint8Array,
    expect: number,
    timeoutMs: number,
    stream?: number,
    retries = this.retries,
  ): Promise<{ frame: Frame; extra: Frame[] }> {
    const seq = (this.seq = (this.seq + 1) & 0xff);
    const started = Date.now();
    const attempts = retries + 1;
    this.link.markActivity();
    let lastProblem = 'no reply';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      // A lone delimiter first: ends any half frame the device holds from a lost byte.
      await this.link.sendRaw(Uint8Array.of(0));
      await this.link.send({ type, seq, body });
      const extra: Frame[] = [];
      for (;;) {
        let f: Frame;
        try {
          f = await this.link.receive(timeoutMs);
        } catch (e) {
          if (e instanceof TimeoutError) {
            lastProblem = `no ${msgName(expect)} within ${timeoutMs} ms`;
            break;
          }
          if (e instanceof TinyforgeError && e.code === 'bad-frame') {
            lastProblem = e.message;
            break;
          }
          throw e;
        }
        if (f.type === MSG.ERROR) {
          const code = DEVICE_ERRORS[f.body[0]] ?? `code ${f.body[0]}`;
          const detail = f.body.length >= 8 ? view(f.body).getUint32(4, true) : 0;
          // Corruption on the way in: the header (and its seq) may be garbage too, so retry.
          if (code === 'bad-crc' || code === 'bad-cobs' || (code === 'bad-length' && f.seq !== seq)) {
            lastProblem = `device reported ${code} (corrupted on the way)`;
            break;
          }
          if (f.seq !== seq && code !== 'too-long') continue;
          throw new DeviceError(code, `device rejected ${msgName(type)}: ${code} (detail ${detail})`, this.link.port);
        }
        if (f.seq !== seq) continue;
        if (stream !== undefined && f.type === stream) {
          extra.push(f);
          continue;
        }
        if (f.type !== expect) continue; // a stale reply that reused this seq after 256 requests
        return { frame: f, extra };
      }
    }
    const act = this.link.activity();
    throw new TimeoutError(
      `device did not answer ${msgName(type)} with ${msgName(expect)} after ${attempts} attempt(s) over ${Date.now() - started} ms (${lastProblem})`,
      {
        location: { port: this.link.port },
        notes: [
          act.bytes === 0 ? 'received nothing at all' : `received ${act.bytes} byte(s): ${act.preview}`,
          ...act.badFrames.map((b) => `dropped a frame: ${b}`),
        ],
        hint: 'the device is silent, reset, or running other firmware: check the board, rebuild, and flash again',
      },
    );
  }

  private malformed(what: string, bytes: number): TinyforgeError {
    return new TinyforgeError('protocol-error', `${what} is too short (${bytes} bytes)`, { location: { port: this.link.port } });
  }
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function parseResult(b: Uint8Array, skip: number): RunResult {
  const v = view(b);
  return {
    status: v.getInt32(0, true),
    ticks: v.getUint32(4, true) + v.getUint32(8, true) * 2 ** 32,
    output: b.slice(12 + skip),
  };
}
