// The auto-reset circuit model, and why tinyforge resets with its own sequence: esptool-js's hard_reset only drops
// RTS, which on this circuit never pulses EN, while D0|R1|W100|R0 reboots the chip from SPI flash.
import { afterEach, describe, expect, it } from 'vitest';
import { HardReset, Transport } from 'esptool-js';
import { BOOTLOADER_RESET, HARD_RESET, parseResetSequence, runResetSequence } from '../../src/device/flash/reset-sequences.ts';
import { SerialportWebSerial } from '../../src/device/flash/serialport-webserial.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { AutoResetCircuit, pinsFor, type BootMode } from './auto-reset-circuit.ts';
import { openPtyPair, type PtyPair } from './pty-pair.ts';

let pair: PtyPair | null = null;
afterEach(async () => {
  await pair?.close();
  pair = null;
});

describe('AutoResetCircuit', () => {
  it('follows the two-transistor truth table', () => {
    expect(pinsFor(false, false)).toEqual({ en: true, io0: true });
    expect(pinsFor(false, true)).toEqual({ en: false, io0: true });
    expect(pinsFor(true, false)).toEqual({ en: true, io0: false });
    expect(pinsFor(true, true)).toEqual({ en: true, io0: true });
  });

  it('samples IO0 when EN has risen past its threshold, and ignores dips shorter than the RC filter', async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const boots: BootMode[] = [];
    const c = new AutoResetCircuit((m) => boots.push(m), { minResetMs: 5, enRiseMs: 10 });
    c.setLines(false, true); // EN low
    c.setLines(false, false); // released at once: swallowed
    await sleep(20);
    expect(boots).toEqual([]);
    c.setLines(false, true);
    await sleep(10);
    c.setLines(true, true); // esptool's D1: EN released while IO0 is still high...
    c.setLines(true, false); // ...then R0 pulls IO0 low before EN crosses the threshold
    expect(c.inReset).toBe(true);
    await sleep(20);
    c.setLines(false, false);
    c.setLines(false, true);
    await sleep(10);
    c.setLines(false, false);
    await sleep(20);
    expect(boots).toEqual(['download', 'spi-flash']);
  });
});

describe('reset sequences through esptool-js Transport and our adapter', () => {
  async function rig() {
    pair = await openPtyPair();
    const circuit = new AutoResetCircuit(() => {});
    const adapter = new SerialportWebSerial({ path: pair.hostPath, onSignals: (l) => circuit.setLines(l.dtr, l.rts) });
    const transport = new Transport(adapter as unknown as ConstructorParameters<typeof Transport>[0]);
    await transport.connect(115200);
    return { circuit, adapter, transport };
  }

  it('BOOTLOADER_RESET enters download mode and HARD_RESET boots from flash', async () => {
    const { circuit, adapter, transport } = await rig();
    await runResetSequence(transport, BOOTLOADER_RESET);
    await runResetSequence(transport, HARD_RESET);
    await new Promise((r) => setTimeout(r, 20));
    expect(circuit.boots).toEqual(['download', 'spi-flash']);
    await adapter.close();
  });

  it("esptool-js's HardReset does not reset a chip sitting in the bootloader (the trap our sequence avoids)", async () => {
    const { circuit, adapter, transport } = await rig();
    await runResetSequence(transport, BOOTLOADER_RESET);
    await new Promise((r) => setTimeout(r, 20));
    await new HardReset(transport, false).reset();
    await new Promise((r) => setTimeout(r, 20));
    expect(circuit.boots).toEqual(['download']);
    await adapter.close();
  });

  it('applies line steps without a wait between them in one call, so the wire skips the in-between state', async () => {
    const calls: string[] = [];
    const both = {
      setDTR: async (v: boolean) => void calls.push(`D${+v}`),
      setRTS: async (v: boolean) => void calls.push(`R${+v}`),
      setSignals: async (d: boolean, r: boolean) => void calls.push(`D${+d}R${+r}`),
    };
    await runResetSequence(both, 'D0|R1|W1|D1|R0|W1|D0');
    expect(calls).toEqual(['D0R1', 'D1R0', 'D0R0']);
    calls.length = 0;
    await runResetSequence(both, 'R1|W1|R0'); // DTR unknown: one line at a time
    expect(calls).toEqual(['R1', 'R0']);
    calls.length = 0;
    await runResetSequence({ setDTR: both.setDTR, setRTS: both.setRTS }, 'D1|R0');
    expect(calls).toEqual(['D1', 'R0']);
  });

  it('rejects a malformed sequence with a code', () => {
    expect(parseResetSequence('D0|R1|W100|R0')).toEqual([
      { line: 'D', value: false },
      { line: 'R', value: true },
      { wait: 100 },
      { line: 'R', value: false },
    ]);
    expect(() => parseResetSequence('D0|X1')).toThrow(TinyforgeError);
  });
});
