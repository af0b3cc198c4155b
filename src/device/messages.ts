// The serial protocol's messages (firmware/runtime/tfg_serve.c): their type codes, the device's error codes, and the
// layout of each body, decoded in this one place for the request logic (protocol.ts) and the monitor (monitor-stream.ts).
import type { Frame } from './framing.ts';

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

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** HELLO_REPLY body; undefined when it is shorter than its fixed part. */
export function parseHelloReply(b: Uint8Array): HelloReply | undefined {
  if (b.length < 37) return undefined;
  const v = view(b);
  const idLen = b[36];
  return {
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
}

/** RESULT body (status, ticks, output); `skip` bytes between the ticks and the output (PROFILE_REPLY's layer ticks). */
export function parseRunResult(b: Uint8Array, skip = 0): RunResult {
  const v = view(b);
  return {
    status: v.getInt32(0, true),
    ticks: v.getUint32(4, true) + v.getUint32(8, true) * 2 ** 32,
    output: b.slice(12 + skip),
  };
}

/** PROFILE_REPLY body: a RESULT with the ticks of every layer before the output. */
export function parseProfileReply(b: Uint8Array): ProfileResult {
  const v = view(b);
  const n = v.getUint32(12, true);
  const layerTicks = Array.from({ length: n }, (_, i) => v.getUint32(16 + 4 * i, true));
  return { ...parseRunResult(b, 4 + 4 * n), layerTicks };
}

/** LAYER_OUTPUT body: layer index, byte count, that layer's output. */
export function parseLayerOutput(b: Uint8Array): { layer: number; output: Uint8Array } {
  const v = view(b);
  return { layer: v.getUint32(0, true), output: b.slice(8, 8 + v.getUint32(4, true)) };
}

/** STACK_REPLY body; undefined when too short. */
export function parseStackReply(b: Uint8Array): StackReport | undefined {
  if (b.length < 16) return undefined;
  const v = view(b);
  return {
    stackBytes: v.getUint32(0, true),
    highWaterBytes: v.getUint32(4, true),
    lastRunBytes: v.getUint32(8, true),
    overflowed: v.getUint32(12, true) !== 0,
  };
}

/** CALIBRATE_REPLY body: iterations and ticks (overhead subtracted). */
export function parseCalibrateReply(b: Uint8Array): { iterations: number; ticks: number } {
  const v = view(b);
  return { iterations: v.getUint32(0, true), ticks: v.getUint32(4, true) + v.getUint32(8, true) * 2 ** 32 };
}

/** ERROR body: the device's error code (by name), the request type it answers and a detail word. */
export function parseDeviceError(b: Uint8Array): { code: string; requestType: number; detail: number } {
  return {
    code: DEVICE_ERRORS[b[0]] ?? `code ${b[0]}`,
    requestType: b[1] ?? 0,
    detail: b.length >= 8 ? view(b).getUint32(4, true) : 0,
  };
}

/** What a frame says, field by field, for a person or a JSON line: each message's body decoded by its layout
 *  (an output tensor as its byte count); a body too short for its layout says so instead of failing. */
export function describeMessage(frame: Frame): Record<string, string | number | boolean> {
  const b = frame.body;
  const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
  try {
    switch (frame.type) {
      case MSG.HELLO:
        return { protocol: b[0] ?? -1 };
      case MSG.RUN:
      case MSG.PROFILE:
      case MSG.DEBUG:
        return { input_bytes: b.length };
      case MSG.CALIBRATE:
        return { iterations: view(b).getUint32(0, true) };
      case MSG.STACK:
        return {};
      case MSG.HELLO_REPLY: {
        const h = parseHelloReply(b);
        if (!h) return { malformed: `${b.length} bytes, shorter than a HELLO_REPLY` };
        return {
          protocol: h.protocolVersion,
          timer: h.timerKind,
          model_hash: hex(h.modelHash),
          arena_bytes: h.arenaBytes,
          input_bytes: h.inputBytes,
          output_bytes: h.outputBytes,
          layers: h.numLayers,
          timer_overhead_ticks: h.timerOverheadTicks,
          stack_bytes: h.stackBytes,
          rx_capacity: h.rxCapacity,
          board: h.boardId,
        };
      }
      case MSG.RESULT: {
        const r = parseRunResult(b);
        return { status: r.status, ticks: r.ticks, output_bytes: r.output.length };
      }
      case MSG.PROFILE_REPLY: {
        const r = parseProfileReply(b);
        return { status: r.status, ticks: r.ticks, layers: r.layerTicks.length, output_bytes: r.output.length };
      }
      case MSG.LAYER_OUTPUT: {
        const l = parseLayerOutput(b);
        return { layer: l.layer, output_bytes: l.output.length };
      }
      case MSG.STACK_REPLY: {
        const s = parseStackReply(b);
        if (!s) return { malformed: `${b.length} bytes, shorter than a STACK_REPLY` };
        return { stack_bytes: s.stackBytes, high_water_bytes: s.highWaterBytes, last_run_bytes: s.lastRunBytes, overflowed: s.overflowed };
      }
      case MSG.CALIBRATE_REPLY:
        return parseCalibrateReply(b);
      case MSG.ERROR: {
        const e = parseDeviceError(b);
        return { error: e.code, request: msgName(e.requestType), detail: e.detail };
      }
      default:
        return { body_bytes: b.length };
    }
  } catch (e) {
    // A DataView read past the end: the body is shorter than its layout.
    if (e instanceof RangeError) return { malformed: `${b.length} bytes, shorter than a ${msgName(frame.type)}` };
    throw e;
  }
}
