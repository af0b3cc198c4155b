// Which attached board the hardware suite talks to. The suite runs only when asked (`npm run test:hardware`), so a
// missing or mismatched board is an error that says what to set, never a silent skip.

/** The serial port of the attached board of `family` (TINYFORGE_HW_PORT), checked against TINYFORGE_HW_BOARD. */
export function hardwarePort(family: 'esp32' | 'nucleo-f446re'): string {
  const port = process.env.TINYFORGE_HW_PORT;
  const board = process.env.TINYFORGE_HW_BOARD ?? 'esp32';
  if (!port) {
    throw new Error(
      `the hardware suite needs a board: set TINYFORGE_HW_PORT to its serial port (e.g. /dev/ttyUSB0) and TINYFORGE_HW_BOARD (esp32 | nucleo-f446re); see docs/hardware.md`,
    );
  }
  if (!board.startsWith(family)) {
    throw new Error(
      `TINYFORGE_HW_BOARD is ${board}, so this file (for ${family}) does not apply: run only the attached board's file, e.g. npm run test:hardware -- test/hardware/${board.startsWith('esp32') ? 'esp32' : board}.hw.test.ts`,
    );
  }
  return port;
}
