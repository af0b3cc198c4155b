// Finds the C source of each kernel function under firmware/kernels/<family>/<function>.c (one public function per file).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../package.ts';

/** Absolute path of the package's firmware/ folder. */
export const FIRMWARE_DIR = packagePath('firmware');
/** Must equal TFG_MAX_DIMS in firmware/include/tfg_kernels.h. */
export const TFG_MAX_DIMS = 6;
export const KERNEL_HEADERS = ['tfg_kernels.h', 'tfg_support.h'] as const;

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

export function hasKernel(fn: string): boolean {
  return kernelCatalog().has(fn);
}

export function kernelSourcePath(fn: string): string {
  const p = kernelCatalog().get(fn);
  if (!p) throw new Error(`no C source for kernel ${fn} under firmware/kernels/ (codegen and firmware disagree)`);
  return p;
}

export function readFirmwareFile(relative: string): string {
  const p = join(FIRMWARE_DIR, relative);
  if (!existsSync(p)) throw new Error(`missing firmware file ${p}`);
  return readFileSync(p, 'utf8');
}
