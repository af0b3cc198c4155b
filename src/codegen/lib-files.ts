// Library mode: the CMakeLists.txt and Make fragment that let a firmware project build the generated model itself.
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { packagePath } from '../package.ts';
import { sanitizeCName } from './c-names.ts';

export interface LibView {
  modelName: string;
  sources: string[];
  hash: string;
  arenaBytes: number;
}

/** CMakeLists.txt (a static library target) and tinyforge_model.mk (TINYFORGE_MODEL_SRCS / _INC for Make users). */
export function libFiles(v: LibView): Record<string, string> {
  const view = { target: `tinyforge_${sanitizeCName(v.modelName)}`, sources: v.sources, hash: v.hash, arenaBytes: v.arenaBytes };
  const render = (name: string) =>
    Handlebars.compile(readFileSync(packagePath('templates', 'lib', name), 'utf8'), { noEscape: true, strict: true })(view);
  return {
    'CMakeLists.txt': render('CMakeLists.txt.hbs'),
    'tinyforge_model.mk': render('tinyforge_model.mk.hbs'),
    'README.md': render('README.md.hbs'),
  };
}
