// Library mode: the CMakeLists.txt and Make fragment that let a firmware project build the generated model itself.
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
  const render = (name: string) =>
    Handlebars.compile(readFileSync(packagePath('templates', 'lib', name), 'utf8'), { noEscape: true, strict: true })(view);
  return {
    'CMakeLists.txt': render('CMakeLists.txt.hbs'),
    [v.names.makeFragment]: render('tinyforge_model.mk.hbs'),
    'README.md': render('README.md.hbs'),
  };
}
