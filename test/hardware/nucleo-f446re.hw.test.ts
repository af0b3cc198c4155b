// On a real NUCLEO-F446RE only (`npm run test:hardware`, see docs/hardware.md): OpenOCD installed, the board's ST-LINK
// virtual COM port in TINYFORGE_HW_PORT and TINYFORGE_HW_BOARD=nucleo-f446re. Not part of `npm test`: CI has no board.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/build/boards.ts';
import { openHardwareSession } from '../../src/device/flash/hardware-session.ts';
import { flashWithOpenOcd } from '../../src/device/flash/openocd.ts';
import { buildReverseFirmware, sampleInput } from '../device/device-fixture.ts';
import { hardwarePort } from './hardware-env.ts';

const hwPort = hardwarePort('nucleo-f446re');
const board = loadBoard('nucleo-f446re');
let elf: string;
beforeAll(async () => {
  elf = await buildReverseFirmware('nucleo-f446re');
});

describe(`real NUCLEO-F446RE on ${hwPort}`, () => {
  it('flashes with OpenOCD, then answers on the ST-LINK virtual COM port with DWT cycle counts', async () => {
    await flashWithOpenOcd({ board, elfPath: elf });
    const s = await openHardwareSession(board, hwPort);
    try {
      expect(s.hello.boardId).toBe('nucleo-f446re');
      const r = await s.run(sampleInput(1));
      expect(Array.from(r.output)).toEqual(Array.from(sampleInput(1)).reverse());
      expect(r.latency.unit).toBe('cycles');
      expect(r.latency.value).toBeGreaterThan(16);
      const cal = await s.calibrate(1_000_000);
      // subs + bne: 2 instructions, 3-4 cycles per iteration on a Cortex-M4 (taken-branch refill).
      expect(cal.value).toBeGreaterThanOrEqual(2_000_000);
      expect(cal.value).toBeLessThanOrEqual(5_000_000);
    } finally {
      await s.close();
    }
  });
});
