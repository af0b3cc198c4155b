// Model of the classic ESP32 DevKitC auto-reset circuit: DTR/RTS drive EN and IO0 through two cross-coupled
// transistors, and the chip latches its boot mode from IO0 at the rising edge of EN.

export type BootMode = 'download' | 'spi-flash';

/** Pin levels: true = high. */
export interface Pins {
  en: boolean;
  io0: boolean;
}

/**
 * Truth table of the circuit (lines: true = asserted, as esptool sets them):
 *   DTR RTS | EN  IO0
 *    0   0  | hi  hi     idle
 *    0   1  | lo  hi     chip held in reset
 *    1   0  | hi  lo     IO0 pulled low (boot strap)
 *    1   1  | hi  hi     both transistors off: a terminal that asserts both does not reset the chip
 */
export function pinsFor(dtr: boolean, rts: boolean): Pins {
  return { en: !(rts && !dtr), io0: !(dtr && !rts) };
}

export class AutoResetCircuit {
  pins: Pins = pinsFor(false, false);
  /** Every boot the chip performed, in order, with the strap it latched. */
  readonly boots: BootMode[] = [];
  private lowSince: number | null = null;
  /**
   * @param onBoot called at each EN rising edge with the latched boot mode.
   * @param minResetMs EN must stay low this long to count as a reset (the EN pin's RC filter swallows glitches).
   */
  constructor(
    private readonly onBoot: (mode: BootMode) => void,
    private readonly minResetMs = 1,
    private readonly now: () => number = () => performance.now(),
  ) {}

  setLines(dtr: boolean, rts: boolean): void {
    const next = pinsFor(dtr, rts);
    const prev = this.pins;
    this.pins = next;
    if (prev.en && !next.en) this.lowSince = this.now();
    if (!prev.en && next.en) {
      const heldMs = this.lowSince === null ? Infinity : this.now() - this.lowSince;
      this.lowSince = null;
      if (heldMs < this.minResetMs) return;
      const mode: BootMode = next.io0 ? 'spi-flash' : 'download';
      this.boots.push(mode);
      this.onBoot(mode);
    }
  }

  get inReset(): boolean {
    return !this.pins.en;
  }
}
