// Renders the per-board serial main and the Makefile from templates/main and templates/build (Handlebars).
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Handlebars from 'handlebars';
import type { Board } from './boards.ts';
import { firmwareFiles, TEMPLATES_DIR } from './firmware-files.ts';
import { modelNames, type ModelNames } from '../codegen/model-names.ts';

function template(path: string): Handlebars.TemplateDelegate {
  const hb = Handlebars.create();
  hb.registerHelper('join', (xs: string[]) => xs.join(' '));
  return hb.compile(readFileSync(join(TEMPLATES_DIR, path), 'utf8'), { noEscape: true });
}

/** main.c for the serial runtime: `templates/main/<family>.c.hbs` when a family needs its own, else serial-main; it
 *  serves the model with these names (default: a model compiled without --name). */
export function renderSerialMain(board: Board, names: ModelNames = modelNames()): string {
  if (!/^[a-z0-9-]+$/.test(board.id)) throw new Error(`board id "${board.id}" is not kebab-case`);
  let path = `main/${board.family}.c.hbs`;
  try {
    readFileSync(join(TEMPLATES_DIR, path));
  } catch {
    path = 'main/serial-main.c.hbs';
  }
  return template(path)({ boardId: board.id, names });
}

/** A Makefile in `dir` that builds `sources` (paths made relative to `dir`) with the board's runtime and flags. */
export function renderMakefile(board: Board, dir: string, sources: string[], includeDirs: string[] = []): string {
  const fw = firmwareFiles(board);
  const rel = (p: string): string => relative(dir, p) || '.';
  const relFlag = (f: string): string => f.replace(/^(-T|-L)(\/.*)$/, (_m, flag: string, p: string) => flag + rel(p));
  return template('build/Makefile.hbs')({
    board,
    cflags: fw.cflags,
    ldflags: fw.ldflags.map(relFlag),
    includeDirs: [...includeDirs, ...fw.includeDirs].map(rel),
    sources: [...sources, ...fw.sources].map(rel),
    sizeCommand: board.compiler.command.replace(/gcc$/, 'size'),
  });
}
