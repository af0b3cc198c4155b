// DTR/RTS reset sequences for the classic ESP32 auto-reset circuit (two cross-coupled transistors on EN and IO0).
// Written in esptool's sequence language: D<0|1> sets DTR, R<0|1> sets RTS, W<ms> waits.
import { TinyforgeError } from '../../diagnostics.ts';

/**
 * Into the ROM serial bootloader: D0|R1 holds EN low (reset); W100; D1|R0 releases EN while DTR holds IO0 low, so
 * the ROM samples IO0=0 at the EN rising edge and waits for download; W50; D0 releases IO0. (esptool's ClassicReset.)
 */
export const BOOTLOADER_RESET = 'D0|R1|W100|D1|R0|W50|D0';

/**
 * Out of the bootloader into the flashed app: D0|R1 holds EN low; W100; R0 releases EN with IO0 high, so the chip
 * boots from SPI flash. esptool-js's hard_reset only drops RTS, which does not pulse EN on this circuit.
 */
export const HARD_RESET = 'D0|R1|W100|R0';

/** What a sequence drives: esptool-js's Transport has exactly these. */
export interface SignalDriver {
  setDTR(state: boolean): Promise<void>;
  setRTS(state: boolean): Promise<void>;
  /** Both lines in one call (one TIOCMSET), when the driver can. */
  setSignals?(dtr: boolean, rts: boolean): Promise<void>;
}

export type ResetStep = { line: 'D' | 'R'; value: boolean } | { wait: number };

/** Parses "D0|R1|W100|R0"; a malformed step names itself. */
export function parseResetSequence(sequence: string): ResetStep[] {
  return sequence.split('|').map((step) => {
    const m = /^(?:([DR])([01])|W(\d+))$/.exec(step.trim());
    if (!m) {
      throw new TinyforgeError('esp-bad-reset-sequence', `reset sequence "${sequence}": step "${step}" is not D0/D1/R0/R1/W<ms>`, {
        hint: 'write the sequence like "D0|R1|W100|R0"',
      });
    }
    if (m[3] !== undefined) return { wait: Number(m[3]) };
    return { line: m[1] as 'D' | 'R', value: m[2] === '1' };
  });
}

/**
 * Runs a sequence. Line steps with no wait between them ("D1|R0") are applied in one call once both lines are known,
 * so the wire never passes through the in-between state (D1 then R0 would briefly be DTR=RTS=1, which releases EN
 * while IO0 is still high; a slow host could then boot the app instead of the bootloader).
 */
export async function runResetSequence(driver: SignalDriver, sequence: string): Promise<void> {
  const known: { dtr?: boolean; rts?: boolean } = {};
  let group: ResetStep[] = [];
  const flush = async () => {
    const next = { ...known };
    for (const s of group) if ('line' in s) next[s.line === 'D' ? 'dtr' : 'rts'] = s.value;
    if (group.length > 0 && driver.setSignals && next.dtr !== undefined && next.rts !== undefined) {
      await driver.setSignals(next.dtr, next.rts);
    } else {
      for (const s of group) {
        if (!('line' in s)) continue;
        if (s.line === 'D') await driver.setDTR(s.value);
        else await driver.setRTS(s.value);
      }
    }
    Object.assign(known, next);
    group = [];
  };
  for (const step of parseResetSequence(sequence)) {
    if ('wait' in step) {
      await flush();
      await new Promise((r) => setTimeout(r, step.wait));
    } else {
      group.push(step);
    }
  }
  await flush();
}
