// Library mode: the CMakeLists.txt and Make fragment that let a firmware project build the generated model itself.
// The model's own C file is its library; the kernels go to one firmware-wide kernel library (KERNEL_LIBRARY) that
// every model folder of the same tinyforge version adds its kernel files to, each file once, so several models link
// into one program without a duplicate symbol and with one copy of a kernel they share.
// Also the renderer of every library format's templates (templates/lib/<format>/).
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { packagePath, TOOL_VERSION } from '../package.ts';
import { KERNEL_LIBRARY, type ModelNames } from './model-names.ts';

export interface LibView {
  names: ModelNames;
  /** The model's C file first, then the kernel and support files (as GeneratedModel.sources). */
  sources: string[];
  hash: string;
  arenaBytes: number;
}

/** templates/lib/<format>/<name> rendered with `view` (no HTML escaping; a missing field is an error). */
export function renderLibTemplate(format: string, name: string, view: object): string {
  return Handlebars.compile(readFileSync(packagePath('templates', 'lib', format, name), 'utf8'), { noEscape: true, strict: true })(view);
}

/** CMakeLists.txt (the model's static library and its share of tinyforge_kernels), the Make fragment (`<PREFIX>_SRCS`,
 *  `_CFLAGS`, and TINYFORGE_KERNELS_SRCS) and a README. */
export function libFiles(v: LibView): Record<string, string> {
  const [modelSource, ...kernelSources] = v.sources;
  const view = {
    names: v.names,
    target: v.names.cmakeTarget,
    make: v.names.makePrefix,
    kernels: KERNEL_LIBRARY,
    version: TOOL_VERSION,
    modelSource,
    // The Make fragment marks each kernel file added with a variable named after its path (one copy per firmware).
    kernelSources: kernelSources.map((path) => ({ path, key: path.replace(/[^A-Za-z0-9_]/g, '_') })),
    hash: v.hash,
    arenaBytes: v.arenaBytes,
  };
  return {
    'CMakeLists.txt': renderLibTemplate('cmake', 'CMakeLists.txt.hbs', view),
    [v.names.makeFragment]: renderLibTemplate('cmake', 'tinyforge_model.mk.hbs', view),
    'README.md': renderLibTemplate('cmake', 'README.md.hbs', view),
  };
}
