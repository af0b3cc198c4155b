// Every name a generated model puts into a firmware: its files, C symbols, macros and build targets, derived from one
// id, so several models (`--name kws`, `--name imu`) link into one program without a clash. Templates, the library
// build files, the serial main and the ESP-IDF project all take their names from here.
import { TinyforgeError } from '../diagnostics.ts';

/** The id of a model compiled without --name: today's `tfg_model_run`, `TFG_MODEL_*` and model.c/model.h. */
export const DEFAULT_MODEL_ID = 'tfg_model';

export interface ModelNames {
  /** Lower-case C prefix of every function and static: `kws` → `kws_run`. */
  id: string;
  /** Upper-case prefix of every macro: `KWS` → `KWS_INPUT_BYTES`. */
  macro: string;
  /** The model's C file and header (model.c/model.h for the default id, else `<id>.c`/`<id>.h`). */
  source: string;
  header: string;
  /** Include guard of the header. */
  guard: string;
  /** `int32_t <id>_init(void *arena, size_t size)` and `int32_t <id>_run(input, output, hook, ctx)`. */
  init: string;
  run: string;
  /** The streaming form (`compile --stream`): `void <id>_reset(void)`, `int32_t <id>_step(frame, output)`, the static
   *  state buffer they keep and the static function running one step's layers with the hook. */
  reset: string;
  step: string;
  state: string;
  stepLayers: string;
  /** A model with Huffman weight streams: the static function CRC-checking them all (tfg_huff_verify) and the static
   *  result it keeps (0 before the first check, 1 when intact, TFG_ERR_CORRUPT). */
  checkStreams: string;
  streamsChecked: string;
  /** The static default arena and the pointer init sets (both `static` in the model's C file). */
  defaultArena: string;
  arenaBase: string;
  /** Define this to compile the static default arena out (the caller then always passes one to init). */
  noStaticArena: string;
  /** `static inline` helpers of an int8 input/output: `<id>_quantize_input<k>` / `<id>_dequantize_output<k>`. */
  quantizeInput: string;
  dequantizeOutput: string;
  /** The CMake library target and the Make fragment with its variable prefix (`TINYFORGE_KWS_SRCS`). */
  cmakeTarget: string;
  makeFragment: string;
  makePrefix: string;
}

/** Targets and variables of the firmware-wide kernel library every model library shares. */
export const KERNEL_LIBRARY = { cmakeTarget: 'tinyforge_kernels', makePrefix: 'TINYFORGE_KERNELS' } as const;

// A model's header sits on the include path: a standard header's name would shadow it (`<stdint.h>` is searched in -I too).
const C_HEADERS = new Set(
  'assert complex ctype errno fenv float inttypes iso646 limits locale math setjmp signal stdalign stdarg stdatomic stdbool stddef stdint stdio stdlib stdnoreturn string tgmath threads time uchar wchar wctype'.split(
    ' ',
  ),
);
const C_KEYWORDS = new Set(
  'auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while bool true false alignas alignof noreturn static_assert thread_local asm typeof'.split(
    ' ',
  ),
);
const MAX_ID_LENGTH = 32;

/** Why `id` cannot name a model, or undefined when it can. */
function idProblem(id: string): string | undefined {
  if (!/^[a-z][a-z0-9_]*$/.test(id)) return 'it is not a lower-case C identifier ([a-z][a-z0-9_]*)';
  if (id.length > MAX_ID_LENGTH) return `it is longer than ${MAX_ID_LENGTH} characters`;
  if (C_KEYWORDS.has(id)) return 'it is a C keyword';
  if (id.startsWith('tfg_') || id === 'tfg') return 'the tfg_ prefix belongs to tinyforge (kernels, runtime, the default model)';
  if (id === 'kernels') return `tinyforge_kernels is the shared kernel library's target`;
  if (C_HEADERS.has(id)) return `its header ${id}.h would hide the standard C header <${id}.h>`;
  if (id.endsWith('_')) return 'it ends with "_" (its symbols would read "<id>__run")';
  return undefined;
}

/** The names of a model compiled with `--name id` (default: DEFAULT_MODEL_ID). A bad id is a TinyforgeError
 *  'bad-argument' naming the flag. */
export function modelNames(id: string = DEFAULT_MODEL_ID): ModelNames {
  const isDefault = id === DEFAULT_MODEL_ID;
  const problem = isDefault ? undefined : idProblem(id);
  if (problem) {
    throw new TinyforgeError('bad-argument', `--name "${id}" cannot name a model: ${problem}`, {
      location: { field: '--name' },
      hint: 'give a short lower-case C identifier such as kws or imu_anomaly; it prefixes every file, function and macro of the model',
    });
  }
  const macro = id.toUpperCase();
  const file = isDefault ? 'model' : id;
  const build = isDefault ? 'model' : id;
  return {
    id,
    macro,
    source: `${file}.c`,
    header: `${file}.h`,
    guard: `${macro}_H`,
    init: `${id}_init`,
    run: `${id}_run`,
    reset: `${id}_reset`,
    step: `${id}_step`,
    state: `${id}_state`,
    stepLayers: `${id}_step_layers`,
    checkStreams: `${id}_check_streams`,
    streamsChecked: `${id}_streams_checked`,
    defaultArena: `${id}_default_arena`,
    arenaBase: `${id}_arena`,
    noStaticArena: `${macro}_NO_STATIC_ARENA`,
    quantizeInput: `${id}_quantize_input`,
    dequantizeOutput: `${id}_dequantize_output`,
    cmakeTarget: `tinyforge_${build}`,
    makeFragment: `tinyforge_${build}.mk`,
    makePrefix: `TINYFORGE_${build.toUpperCase()}`,
  };
}
