// Model of the classic ESP32 DevKitC auto-reset circuit: DTR/RTS drive EN and IO0 through two cross-coupled
// transistors, and the chip latches its boot mode from IO0 once EN, slowed by its RC filter, has risen.

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

export interface CircuitTiming {
  /** EN must stay low this long to reset the chip; shorter dips are swallowed by the EN capacitor. */
  minResetMs: number;
  /**
   * Time from EN released to the chip leaving reset (RC charge to the threshold; ~1 ms for the 10 kΩ/0.1 µF on
   * DevKitC). IO0 is sampled then, not at the release: that is why esptool's D1 then R0 — which passes through
   * DTR=RTS=1 for a moment — still lands in download mode on real boards.
   */
  enRiseMs: number;
}

export class AutoResetCircuit {
  pins: Pins = pinsFor(false, false);
  /** Every boot the chip performed, in order, with the strap it latched. */
  readonly boots: BootMode[] = [];
  private lowSince: number | null = null;
  private rising: ReturnType<typeof setTimeout> | null = null;
  private readonly timing: CircuitTiming;

  constructor(
    private readonly onBoot: (mode: BootMode) => void,
    timing: Partial<CircuitTiming> = {},
  ) {
    this.timing = { minResetMs: 1, enRiseMs: 2, ...timing };
  }

  setLines(dtr: boolean, rts: boolean): void {
    const next = pinsFor(dtr, rts);
    const prev = this.pins;
    this.pins = next;
    if (prev.en && !next.en) {
      this.lowSince = performance.now();
      if (this.rising) clearTimeout(this.rising); // EN pulled low again before the chip came out of reset
      this.rising = null;
    }
    if (!prev.en && next.en) {
      const heldMs = this.lowSince === null ? Infinity : performance.now() - this.lowSince;
      this.lowSince = null;
      if (heldMs < this.timing.minResetMs) return;
      this.rising = setTimeout(() => {
        this.rising = null;
        const mode: BootMode = this.pins.io0 ? 'spi-flash' : 'download';
        this.boots.push(mode);
        this.onBoot(mode);
      }, this.timing.enRiseMs);
    }
  }

  /** EN low, or released but not yet past the threshold: the chip is not running. */
  get inReset(): boolean {
    return !this.pins.en || this.rising !== null;
  }

  /** Stops a pending boot (test teardown). */
  dispose(): void {
    if (this.rising) clearTimeout(this.rising);
    this.rising = null;
  }
}
