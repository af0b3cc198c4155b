// Finds the C source of each kernel function under firmware/kernels/<family>/<function>.c (one public kernel per file),
// and the support code it needs: firmware/support/<name>.c for each internal header <name>.h it includes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../package.ts';

/** Absolute path of the package's firmware/ folder. */
export const FIRMWARE_DIR = packagePath('firmware');
/** TFG_MAX_DIMS (firmware/include/tfg_kernels.h; test/firmware/shared-constants.test.ts compares them). */
export const TFG_MAX_DIMS = 6;

let catalog: Map<string, string> | undefined;

/** kernel function name → path relative to firmware/, e.g. 'tfg_dense_s8' → 'kernels/dense/tfg_dense_s8.c'. */
export function kernelCatalog(): Map<string, string> {
  if (catalog) return catalog;
  const found = new Map<string, string>();
  const root = join(FIRMWARE_DIR, 'kernels');
  for (const family of readdirSync(root).sort()) {
    for (const file of readdirSync(join(root, family)).sort()) {
      if (file.endsWith('.c')) found.set(file.slice(0, -2), `kernels/${family}/${file}`);
    }
  }
  catalog = found;
  return found;
}

export function kernelSourcePath(fn: string): string {
  const p = kernelCatalog().get(fn);
  if (!p) throw new Error(`no C source for kernel ${fn} under firmware/kernels/ (codegen and firmware disagree)`);
  return p;
}

const INCLUDE = /^\s*#\s*include\s+"([^"]+)"/gm;

export interface KernelDependencies {
  /** firmware/include/ headers, e.g. 'include/tfg_kernels.h' (always: model.c includes it). */
  headers: string[];
  /** Support sources, e.g. 'support/tfg_huff.c': support/<name>.c for every header <name>.h included. */
  sources: string[];
}

/** What kernel sources `files` (paths relative to firmware/) need besides themselves: the headers they include, directly
 *  or through another header or support source, and the support sources of those headers. Sorted. */
export function kernelDependencies(files: string[]): KernelDependencies {
  const headers = new Set<string>(['include/tfg_kernels.h']);
  const sources = new Set<string>();
  const seen = new Set<string>();
  const visit = (rel: string): void => {
    if (seen.has(rel)) return;
    seen.add(rel);
    for (const [, name] of readFirmwareFile(rel).matchAll(INCLUDE)) {
      const header = `include/${name}`;
      if (!existsSync(join(FIRMWARE_DIR, header))) continue; // a system header or model.h
      headers.add(header);
      visit(header);
      const support = `support/${name.replace(/\.h$/, '.c')}`;
      if (existsSync(join(FIRMWARE_DIR, support))) {
        sources.add(support);
        visit(support);
      }
    }
  };
  files.forEach(visit);
  return { headers: [...headers].sort(), sources: [...sources].sort() };
}

export function readFirmwareFile(relative: string): string {
  const p = join(FIRMWARE_DIR, relative);
  if (!existsSync(p)) throw new Error(`missing firmware file ${p}`);
  return readFileSync(p, 'utf8');
}
