#!/usr/bin/env node
// Entry point. In a checkout (src/ beside bin/) it runs the TypeScript sources through tsx, so there is no build step
// to forget and never a stale build; the npm package ships no src/ and runs dist/, which `npm pack` builds (prepack).
import { existsSync } from 'node:fs';

let main;
if (existsSync(new URL('../src/cli/main.ts', import.meta.url))) {
  const tsx = await import('tsx/esm/api').catch(() => {
    process.stderr.write(
      'error[setup]: this checkout runs its TypeScript sources through tsx, which is not installed\n  hint: run `npm ci` (or `bash setup.sh`) in the repository first\n',
    );
    process.exit(2);
  });
  tsx.register();
  ({ main } = await import('../src/cli/main.ts'));
} else {
  ({ main } = await import('../dist/cli.js'));
}
process.exitCode = await main(process.argv.slice(2));
