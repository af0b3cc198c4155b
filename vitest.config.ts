import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real boards only: `npm run test:hardware` (vitest.hardware.config.ts); CI has none attached.
    exclude: ['test/hardware/**', '**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // QEMU and training tests are CPU-heavy; the machine has 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
    // Compressions are cached per user; a run starts from an empty cache of its own, so no test reads another run's.
    env: { TINYFORGE_CACHE: mkdtempSync(join(tmpdir(), 'tfg-test-cache-')) },
  },
});
