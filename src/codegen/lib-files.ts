// Library mode: the CMakeLists.txt and Make fragment that let a firmware project build the generated model itself, and
// the renderer of every library format's templates (templates/lib/<format>/).
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { packagePath } from '../package.ts';
import type { ModelNames } from './model-names.ts';

export interface LibView {
  names: ModelNames;
  sources: string[];
  hash: string;
  arenaBytes: number;
}

/** templates/lib/<format>/<name> rendered with `view` (no HTML escaping; a missing field is an error). */
export function renderLibTemplate(format: string, name: string, view: object): string {
  return Handlebars.compile(readFileSync(packagePath('templates', 'lib', format, name), 'utf8'), { noEscape: true, strict: true })(view);
}

/** CMakeLists.txt (a static library target), the Make fragment (`<PREFIX>_SRCS` / `_CFLAGS`) and a README. */
export function libFiles(v: LibView): Record<string, string> {
  const view = {
    names: v.names,
    target: v.names.cmakeTarget,
    make: v.names.makePrefix,
    sources: v.sources,
    hash: v.hash,
    arenaBytes: v.arenaBytes,
  };
  return {
    'CMakeLists.txt': renderLibTemplate('cmake', 'CMakeLists.txt.hbs', view),
    [v.names.makeFragment]: renderLibTemplate('cmake', 'tinyforge_model.mk.hbs', view),
    'README.md': renderLibTemplate('cmake', 'README.md.hbs', view),
  };
}
