// Plans the firmware's stack from measured frames: the serial firmware's C (serial main, model, kernels, runtime, port)
// is compiled with the board's cross compiler and -fstack-usage -fcallgraph-info=su, the deepest call chain is taken
// from gcc's call graph (each frame as gcc reports it; kernels keep their per-layer scratch in the arena, and a frame
// sized at run time is refused), library routines' frames are read from the board's own libraries, and an interrupt
// on top of it all. The linker script then reserves that much (plus the guard words the runtime checks after each
// inference).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import type { Board } from './boards.ts';
import { findFunction, parseCallGraph, type CallGraph, type CallGraphFunction } from './call-graph.ts';
import { elfSize } from './elf-size.ts';
import { FIRMWARE_DIR, firmwareFiles } from './firmware-files.ts';
import { libraryDepth, libraryRoutines, type LibraryRoutine } from './library-frames.ts';
import { renderSerialMain } from './render.ts';
import { modelNames, type ModelNames } from '../codegen/model-names.ts';

/** Guard words at the bottom of the stack region: TFG_STACK_GUARD_BYTES (firmware/runtime/tfg_stack.h;
 *  test/firmware/shared-constants.test.ts compares them). */
export const STACK_GUARD_BYTES = 16;

export interface StackPlan {
  planned: true;
  /** Deepest stack the firmware can use: the deepest call chain plus an interrupt taken at its bottom. */
  plannedBytes: number;
  /** The stack region the linker reserves: the plan rounded up to 8, plus the guard words (or what was asked). */
  limitBytes: number;
  /** The deepest chain, outermost first, each "function frame" in bytes. */
  chain: string[];
  /** Of plannedBytes: exception entry + the deepest interrupt handler. */
  interruptBytes: number;
  /** Deepest stack from the model's run function down (the model's layers, or a hook of the serial runtime). */
  modelBytes: number;
  /** .data + .bss of the compiled objects (the arena included), before the link drops unused ones. */
  staticRamBytes: number;
  /** The compiler whose frames these are. */
  compiler: string;
}

export interface UnplannedStack {
  planned: false;
  /** The board file's stack_bytes, reserved as it is. */
  limitBytes: number;
  reason: string;
}

export interface FirmwareModel {
  /** Generated files, relative path → text (model.c, model.h, tfg/…). */
  files: Record<string, string>;
  /** The .c files of `files`. */
  sources: string[];
  /** Its file and symbol names (`--name`); default: a model compiled without one. */
  names?: ModelNames;
}

export interface PlanOptions {
  /** Reserve exactly this much stack instead of the plan (rounded up to 8). */
  stackBytes?: number;
}

const roundUp8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Bytes a Cortex-M exception entry pushes on the interrupted stack: 8 words, 18 more with a live FP context, and
 *  4 for 8-byte alignment. RISC-V ports here take no interrupts (a trap parks the core). */
export function exceptionFrameBytes(board: Board): number {
  if (!board.arch.startsWith('armv')) return 0;
  const fp = board.cflags.some((f) => f === '-mfloat-abi=hard' || f === '-mfloat-abi=softfp');
  return (fp ? 26 * 4 : 8 * 4) + 4;
}

/** Interrupt handlers of the Cortex-M ports (vector table entries), never called from code. */
const isInterruptHandler = (f: CallGraphFunction): boolean => /_Handler$/.test(f.name) && f.name !== 'Reset_Handler';

/**
 * What each call through a function pointer in the firmware can reach, by the file that makes it: the port's
 * tfg_port_start runs the serial main's entry, tfg_serve runs the model descriptor's run, and the model calls the
 * layer hook tfg_serve passed it. A pointer call anywhere else cannot be planned.
 */
function pointerTargets(f: CallGraphFunction, board: Board, names: ModelNames): string[] {
  const file = basename(f.unit);
  if (file === 'tfg_serve.c') return [names.run];
  if (file === names.source) return ['profile_hook', 'debug_hook'];
  if (!relative(join(FIRMWARE_DIR, 'boards', board.family), f.unit).startsWith('..')) return ['serve'];
  throw planFailed(board, `${f.name} (${f.unit}) calls through a function pointer the stack plan does not know`);
}

const planFailed = (board: Board, why: string): TinyforgeError =>
  new TinyforgeError('stack-plan-failed', `cannot plan the stack for ${board.id}: ${why}`, {
    location: { file: board.file },
    hint: 'pass --stack-bytes <n> to reserve a stack of your choosing (the device still reports an overflow)',
  });

interface Depth {
  bytes: number;
  chain: string[];
}

/** Deepest stack below (and including) each function of the graph. */
class DepthWalker {
  private readonly memo = new Map<string, Depth>();
  constructor(
    private readonly g: CallGraph,
    private readonly board: Board,
    private readonly library: Map<string, LibraryRoutine>,
    private readonly names: ModelNames,
  ) {}

  of(id: string, path: string[] = []): Depth {
    const known = this.memo.get(id);
    if (known) return known;
    const f = this.g.defined.get(id);
    if (!f) return this.external(id);
    if (path.includes(id))
      throw planFailed(this.board, `${[...path, id].map((p) => this.g.defined.get(p)?.name ?? p).join(' → ')} is recursive`);
    if (f.kind === 'dynamic')
      throw planFailed(
        this.board,
        `${f.name} (${f.unit}) allocates stack sized at run time (a variable-length array or alloca), which no plan can bound`,
      );
    const frame = f.frameBytes;
    const note = `${f.name} ${f.frameBytes}`;
    const callees = [...f.callees];
    if (f.indirectCalls > 0) {
      for (const name of pointerTargets(f, this.board, this.names)) {
        const t = findFunction(this.g, name);
        if (t) callees.push(t.id);
      }
    }
    let deepest: Depth = { bytes: 0, chain: [] };
    for (const c of callees) {
      const d = this.of(c, [...path, id]);
      if (d.bytes > deepest.bytes) deepest = d;
    }
    const r = { bytes: frame + deepest.bytes, chain: [note, ...deepest.chain] };
    this.memo.set(id, r);
    return r;
  }

  private external(id: string): Depth {
    // gcc's call graph names a builtin it emits as a library call (a struct copy's memcpy) __builtin_<routine>.
    const name = (this.g.external.get(id) ?? id).replace(/^__builtin_/, '');
    const d = libraryDepth(this.library, name);
    if (!d) throw planFailed(this.board, `${name} is not in the board's libraries, or its frame has no bound`);
    return { bytes: d.bytes, chain: d.chain.map((c) => `${c} (library)`) };
  }
}

/** Compiles `sources` into `dir` with the frame and call-graph files; false when the compiler is not installed. */
function compile(board: Board, dir: string, sources: string[], includeDirs: string[]): Promise<boolean> {
  const fw = firmwareFiles(board);
  const args = [...fw.cflags, ...includeDirs.map((d) => `-I${d}`), '-c', '-fstack-usage', '-fcallgraph-info=su', ...sources];
  return new Promise((resolve, reject) => {
    execFile(board.compiler.command, args, { cwd: dir, timeout: 300_000, maxBuffer: 16 << 20 }, (err, _stdout, stderr) => {
      if (!err) return resolve(true);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return resolve(false);
      reject(
        new TinyforgeError('build-failed', `${board.compiler.command} failed compiling the firmware for its stack plan (${board.id})`, {
          location: { file: sources[0] },
          notes: [stderr.trimEnd() || err.message],
          hint: 'the compiler message above names the file and line',
        }),
      );
    });
  });
}

/** Plans the stack of `model`'s serial firmware on `board`, or says why it is not planned (no bare-metal link of
 *  ours, or no compiler here): then the board file's stack_bytes is reserved. */
export async function planStack(board: Board, model: FirmwareModel, opts: PlanOptions = {}): Promise<StackPlan | UnplannedStack> {
  const asked = opts.stackBytes !== undefined ? roundUp8(opts.stackBytes) : undefined;
  if (!board.linkerScript) {
    const why =
      board.family === 'esp-idf'
        ? "the ESP-IDF build links FreeRTOS and the IDF drivers, which are not compiled here: the serving task gets the board file's stack_bytes"
        : `${board.id} runs the firmware in a process with a stack of its own (no linker script of ours)`;
    return { planned: false, limitBytes: asked ?? board.stackBytes, reason: why };
  }
  const modelIds = model.names ?? modelNames();
  const dir = mkdtempSync(join(tmpdir(), 'tfg-stack-'));
  try {
    const src = join(dir, 'src');
    for (const [rel, text] of Object.entries(model.files)) {
      mkdirSync(dirname(join(src, rel)), { recursive: true });
      writeFileSync(join(src, rel), text);
    }
    writeFileSync(join(src, 'main.c'), renderSerialMain(board, modelIds));
    const fw = firmwareFiles(board);
    const sources = [join(src, 'main.c'), ...model.sources.map((s) => join(src, s)), ...fw.sources];
    const names = sources.map((s) => basename(s));
    const clash = names.find((n, i) => names.indexOf(n) !== i);
    if (clash) throw planFailed(board, `two sources are named ${clash}`);
    if (!(await compile(board, dir, sources, [src, join(src, 'tfg/include'), ...fw.includeDirs]))) {
      return {
        planned: false,
        limitBytes: asked ?? board.stackBytes,
        reason: `${board.compiler.command} is not installed here: the stack is not planned (install ${board.compiler.debianPackage})`,
      };
    }
    const out = readdirSync(dir);
    const graph = parseCallGraph(out.filter((f) => f.endsWith('.ci')).map((f) => ({ path: f, text: readFileSync(join(dir, f), 'utf8') })));
    const staticRamBytes = out.filter((f) => f.endsWith('.o')).reduce((s, f) => s + elfSize(join(dir, f)).ramBytes, 0);
    const library = graph.external.size > 0 ? await libraryRoutines(board) : new Map<string, LibraryRoutine>();
    const walker = new DepthWalker(graph, board, library, modelIds);
    let thread: Depth = { bytes: 0, chain: [] };
    let handler: Depth = { bytes: 0, chain: [] };
    let handlers = 0;
    for (const f of graph.defined.values()) {
      const d = walker.of(f.id);
      if (isInterruptHandler(f)) {
        handlers++;
        if (d.bytes > handler.bytes) handler = d;
      } else if (d.bytes > thread.bytes) thread = d;
    }
    const entry = handlers > 0 ? exceptionFrameBytes(board) : 0;
    const interruptBytes = handlers > 0 ? entry + handler.bytes : 0;
    const plannedBytes = thread.bytes + interruptBytes;
    const run = findFunction(graph, modelIds.run);
    return {
      planned: true,
      plannedBytes,
      limitBytes: asked ?? roundUp8(plannedBytes) + STACK_GUARD_BYTES,
      chain: [...thread.chain, ...(handlers > 0 ? [`exception entry ${entry}`, ...handler.chain] : [])],
      interruptBytes,
      modelBytes: run ? walker.of(run.id).bytes : 0,
      staticRamBytes,
      compiler: board.compiler.command,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
