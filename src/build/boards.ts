// Board descriptions: `boards/<id>.json` found by listing the folder (no registry), checked against one schema
// whose errors name the file and the field, so a new board is one new file.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import { packagePath } from '../package.ts';

/** The folder holding `<id>.json`, one per board. */
export const BOARDS_DIR = packagePath('boards');

export type CycleCounterKind = 'systick-icount' | 'dwt' | 'minstret' | 'ccount' | 'monotonic-ns' | 'none';
export type LatencyUnit = 'instructions' | 'cycles' | 'nanoseconds' | 'unavailable';

/** One board, as read from `boards/<id>.json` (JSON keys are snake_case, these are the same fields in camelCase). */
export interface Board {
  /** Same string as the file name, `--board` and report.json's `board`. */
  id: string;
  name: string;
  /** `-mcpu` value, or 'native' for host. */
  cpu: string;
  arch: string;
  /** Startup code, linker script and port layer live in `firmware/boards/<family>/`. */
  family: string;
  /** The C compiler to drive and the Debian package that provides it (named when it is missing). */
  compiler: { command: string; debianPackage: string; libcDebianPackage?: string };
  cflags: string[];
  ldflags: string[];
  /** File name inside `firmware/boards/<family>/`; absent for host. */
  linkerScript?: string;
  /** Core clock; 0 when meaningless (host). */
  clockHz: number;
  flashBytes: number;
  ramBytes: number;
  /** Stack reserved by the linker script (`__stack_size`), painted to find the high-water mark. */
  stackBytes: number;
  /** What the serial main + runtime take on top of the model (estimates, for the "does it fit" check). */
  runtimeReserve: { flashBytes: number; ramBytes: number; stackBytes: number };
  /** How the board is emulated; absent for boards that need hardware (or host). */
  emulator?: { command: string; debianPackage: string; machine: string; cpu?: string; icountShift: number };
  /** How latency is measured and in which unit the report gives it. */
  cycleCounter: {
    kind: CycleCounterKind;
    unit: LatencyUnit;
    note: string;
    /** When unit is 'unavailable': a board that runs the same code and times it (microbit → mps2-an385-armv6m). */
    timedOn?: string;
  };
  /** 'reference' (plain C99) or an optimized kernel family such as 'cortex-m-dsp'. */
  kernels: string;
  /** How firmware reaches the board: 'qemu', 'host-process', 'esptool', … (`src/device/flash/<flasher>.ts`). */
  flasher: string;
  /** Absolute path of the JSON file, for diagnostics. */
  file: string;
}

const CYCLE_KINDS: CycleCounterKind[] = ['systick-icount', 'dwt', 'minstret', 'ccount', 'monotonic-ns', 'none'];
const UNITS: LatencyUnit[] = ['instructions', 'cycles', 'nanoseconds', 'unavailable'];

/** True for boards deploy flashes itself over a real link (the rest run on QEMU or as a host process). */
export const isHardwareFlasher = (board: Board): boolean => board.flasher === 'esptool' || board.flasher === 'openocd';

/** Ids of every board, sorted. */
export function listBoards(dir: string = BOARDS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** Reads and checks `boards/<id>.json`; unknown id → 'unknown-board' listing the valid ids. */
export function loadBoard(id: string, dir: string = BOARDS_DIR): Board {
  const ids = listBoards(dir);
  if (!ids.includes(id)) {
    throw new TinyforgeError('unknown-board', `there is no board "${id}"`, {
      location: { file: dir },
      notes: [`valid boards: ${ids.join(', ')}`],
      hint: '`tinyforge boards` lists them with their flash, RAM and cycle counter',
    });
  }
  const file = join(dir, `${id}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TinyforgeError('bad-board-file', `board file is not valid JSON: ${(e as Error).message}`, { location: { file } });
  }
  return parseBoard(raw, file, id);
}

/** Checks one board object; collects every problem into one 'bad-board-file' error naming file and fields. */
export function parseBoard(raw: unknown, file: string, expectedId?: string): Board {
  const problems: string[] = [];
  const firstField: string[] = [];
  const o = (raw ?? {}) as Record<string, unknown>;
  const bad = (field: string, what: string): void => {
    problems.push(`field "${field}": ${what}`);
    firstField.push(field);
  };
  const str = (obj: Record<string, unknown>, key: string, path = key, optional = false): string => {
    const v = obj[key];
    if (v === undefined && optional) return '';
    if (typeof v !== 'string' || v.length === 0) bad(path, `must be a non-empty string (got ${JSON.stringify(v)})`);
    return typeof v === 'string' ? v : '';
  };
  const num = (obj: Record<string, unknown>, key: string, path = key): number => {
    const v = obj[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) bad(path, `must be an integer ≥ 0 (got ${JSON.stringify(v)})`);
    return typeof v === 'number' ? v : 0;
  };
  const strList = (key: string): string[] => {
    const v = o[key];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(key, 'must be an array of strings');
    return Array.isArray(v) ? (v as string[]) : [];
  };
  const obj = (key: string): Record<string, unknown> => {
    const v = o[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      bad(key, 'must be an object');
      return {};
    }
    return v as Record<string, unknown>;
  };

  const id = str(o, 'id');
  if (expectedId !== undefined && id && id !== expectedId) bad('id', `is "${id}" but the file is named ${expectedId}.json`);
  const compiler = obj('compiler');
  const reserve = obj('runtime_reserve');
  const counter = obj('cycle_counter');
  const kind = str(counter, 'kind', 'cycle_counter.kind') as CycleCounterKind;
  if (kind && !CYCLE_KINDS.includes(kind)) bad('cycle_counter.kind', `must be one of ${CYCLE_KINDS.join(', ')}`);
  const unit = str(counter, 'unit', 'cycle_counter.unit') as LatencyUnit;
  if (unit && !UNITS.includes(unit)) bad('cycle_counter.unit', `must be one of ${UNITS.join(', ')}`);
  let emulator: Board['emulator'];
  if (o.emulator !== undefined) {
    const e = obj('emulator');
    emulator = {
      command: str(e, 'command', 'emulator.command'),
      debianPackage: str(e, 'debian_package', 'emulator.debian_package'),
      machine: str(e, 'machine', 'emulator.machine'),
      cpu: str(e, 'cpu', 'emulator.cpu', true) || undefined,
      icountShift: num(e, 'icount_shift', 'emulator.icount_shift'),
    };
  }
  const board: Board = {
    id,
    name: str(o, 'name'),
    cpu: str(o, 'cpu'),
    arch: str(o, 'arch'),
    family: str(o, 'family'),
    compiler: {
      command: str(compiler, 'command', 'compiler.command'),
      debianPackage: str(compiler, 'debian_package', 'compiler.debian_package'),
      libcDebianPackage: str(compiler, 'libc_debian_package', 'compiler.libc_debian_package', true) || undefined,
    },
    cflags: strList('cflags'),
    ldflags: strList('ldflags'),
    linkerScript: str(o, 'linker_script', 'linker_script', true) || undefined,
    clockHz: num(o, 'clock_hz'),
    flashBytes: num(o, 'flash_bytes'),
    ramBytes: num(o, 'ram_bytes'),
    stackBytes: num(o, 'stack_bytes'),
    runtimeReserve: {
      flashBytes: num(reserve, 'flash_bytes', 'runtime_reserve.flash_bytes'),
      ramBytes: num(reserve, 'ram_bytes', 'runtime_reserve.ram_bytes'),
      stackBytes: num(reserve, 'stack_bytes', 'runtime_reserve.stack_bytes'),
    },
    emulator,
    cycleCounter: {
      kind,
      unit,
      note: str(counter, 'note', 'cycle_counter.note'),
      timedOn: str(counter, 'timed_on', 'cycle_counter.timed_on', true) || undefined,
    },
    kernels: str(o, 'kernels'),
    flasher: str(o, 'flasher'),
    file,
  };
  if (board.cycleCounter.kind === 'systick-icount' && !board.emulator)
    bad('cycle_counter.kind', '"systick-icount" needs an "emulator" with icount_shift');
  if (problems.length > 0) {
    throw new TinyforgeError('bad-board-file', `board file has ${problems.length} problem(s)`, {
      location: { file, field: firstField[0] },
      notes: problems,
      hint: 'compare with boards/mps2-an386.json; boards/README.md describes every field',
    });
  }
  return board;
}
