// Host side of the device protocol (firmware/runtime/tfg_serve.c): versioned requests with a sequence number,
// per-request timeouts and retries; a silent, reset or garbled device ends in a TimeoutError or 'link-error'
// that names the port, the frame we expected and what arrived after how long — never a hang.
import { TimeoutError, TinyforgeError } from '../diagnostics.ts';
import type { Frame } from './framing.ts';
import type { Link } from './link.ts';
import {
  MSG,
  msgName,
  parseCalibrateReply,
  parseDeviceError,
  parseHelloReply,
  parseLayerOutput,
  parseProfileReply,
  parseRunResult,
  parseStackReply,
  PROTOCOL_VERSION,
  type DebugResult,
  type HelloReply,
  type ProfileResult,
  type RunResult,
  type StackReport,
} from './messages.ts';

export { DEVICE_ERRORS, MSG, msgName, PROTOCOL_VERSION } from './messages.ts';
export type { DebugResult, HelloReply, ProfileResult, RunResult, StackReport, TimerKind } from './messages.ts';

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
    const reply = parseHelloReply(frame.body);
    if (!reply) throw this.malformed('HELLO_REPLY', frame.body.length);
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
    return parseRunResult(frame.body);
  }

  async profile(input: Uint8Array): Promise<ProfileResult> {
    const { frame } = await this.request(MSG.PROFILE, input, MSG.PROFILE_REPLY, this.runTimeoutMs);
    return parseProfileReply(frame.body);
  }

  /** Runs once and collects every layer's output (LAYER_OUTPUT frames) before the RESULT. */
  async debug(input: Uint8Array): Promise<DebugResult> {
    const { frame, extra } = await this.request(MSG.DEBUG, input, MSG.RESULT, this.runTimeoutMs, MSG.LAYER_OUTPUT);
    return { ...parseRunResult(frame.body), layers: extra.map((f) => parseLayerOutput(f.body)) };
  }

  async stack(): Promise<StackReport> {
    const { frame } = await this.request(MSG.STACK, new Uint8Array(0), MSG.STACK_REPLY, this.timeoutMs);
    const report = parseStackReply(frame.body);
    if (!report) throw this.malformed('STACK_REPLY', frame.body.length);
    return report;
  }

  /** Times the device's 2-instructions-per-iteration loop; returns ticks with the timer overhead subtracted. */
  async calibrate(iterations: number): Promise<{ iterations: number; ticks: number }> {
    const body = new Uint8Array(4);
    new DataView(body.buffer).setUint32(0, iterations, true);
    const { frame } = await this.request(MSG.CALIBRATE, body, MSG.CALIBRATE_REPLY, this.runTimeoutMs);
    return parseCalibrateReply(frame.body);
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
          const { code, detail } = parseDeviceError(f.body);
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
