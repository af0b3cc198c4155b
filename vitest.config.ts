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
  },
});
