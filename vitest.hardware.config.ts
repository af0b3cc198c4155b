import { defineConfig } from 'vitest/config';

// The tests that need a board on a serial port (docs/hardware.md): TINYFORGE_HW_PORT and TINYFORGE_HW_BOARD say which.
export default defineConfig({
  test: {
    include: ['test/hardware/**/*.hw.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
