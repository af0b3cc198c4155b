// Where tinyforge's own files are (boards/, templates/, firmware/, package.json) and which version this is. The
// root is one folder up from this module both from source (src/package.ts) and from the bundle (dist/<chunk>.js), so
// every path the code reads next to itself goes through here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json, boards/, templates/ and firmware/. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A path inside the package, e.g. `packagePath('templates', 'model')`. */
export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}

/** package.json's version: `tinyforge --version` and report.json's `tool.version`. */
export const TOOL_VERSION: string = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
