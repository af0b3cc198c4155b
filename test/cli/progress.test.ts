// The progress printer long commands share: elapsed time, rate and ETA, formatted against an injected clock; whole
// lines every 10% or every few seconds without a terminal, one redrawn line on a terminal; phases of messages with
// fractions (compression passes, training, attacks) each with their own ETA.
import { describe, expect, it } from 'vitest';
import { etaText, formatDuration, phaseProgress, progress, progressLine } from '../../src/cli/output.ts';

function clock(startMs = 1000) {
  let t = startMs;
  return { now: () => t, tick: (ms: number) => void (t += ms) };
}

function capture() {
  const out: string[] = [];
  return { out, write: (s: string) => void out.push(s) };
}

describe('ETA formatting', () => {
  it('formats durations from tenths of a second to hours', () => {
    expect(formatDuration(0)).toBe('0.0 s');
    expect(formatDuration(4_260)).toBe('4.3 s');
    expect(formatDuration(42_400)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(3_725_000)).toBe('1 h 02 min');
  });

  it('gives elapsed time, rate and time left, and the total once done', () => {
    expect(etaText(0, 200, 1500)).toBe('1.5 s elapsed');
    expect(etaText(40, 200, 12_000)).toBe('12 s elapsed, 3.3/s, about 48 s left');
    expect(etaText(3, 9, 90_000)).toBe('1 min 30 s elapsed, 30 s each, about 3 min 00 s left');
    expect(etaText(0.25, 1, 20_000, { rate: false })).toBe('20 s elapsed, about 1 min 00 s left');
    expect(etaText(200, 200, 61_000)).toBe('done in 1 min 01 s');
    expect(progressLine('on device', 40, 200, 12_000)).toBe('on device 40/200 (20%), 12 s elapsed, 3.3/s, about 48 s left');
  });
});

describe('progress of a counted loop', () => {
  it('without a terminal: a line at every 10% and the last one, with the ETA from the injected clock', () => {
    const c = clock();
    const w = capture();
    const bar = progress('on device', { now: c.now, write: w.write, tty: false });
    for (let i = 1; i <= 20; i++) {
      c.tick(500);
      bar(i, 20);
    }
    expect(w.out).toHaveLength(11); // 1/20 (decile 0), then 2, 4, … 20
    expect(w.out[0]).toBe('on device 1/20 (5%), 0.5 s elapsed, 2.0/s, about 9.5 s left\n');
    expect(w.out[1]).toBe('on device 2/20 (10%), 1.0 s elapsed, 2.0/s, about 9.0 s left\n');
    expect(w.out[10]).toBe('on device 20/20 (100%), done in 10 s\n');
  });

  it('without a terminal: also a line every few seconds when 10% takes longer', () => {
    const c = clock();
    const w = capture();
    const bar = progress('attack', { now: c.now, write: w.write, tty: false, everyMs: 5000 });
    for (let i = 1; i <= 5; i++) {
      c.tick(3000);
      bar(i, 1000); // 0.5% in 15 s: never a new decile
    }
    expect(w.out).toEqual([
      'attack 1/1000 (0%), 3.0 s elapsed, 3.0 s each, about 49 min 57 s left\n',
      'attack 3/1000 (0%), 9.0 s elapsed, 3.0 s each, about 49 min 51 s left\n',
      'attack 5/1000 (0%), 15 s elapsed, 3.0 s each, about 49 min 45 s left\n',
    ]);
  });

  it('on a terminal: one line redrawn in place at most every 100 ms, ended by a newline', () => {
    const c = clock();
    const w = capture();
    const bar = progress('eval', { now: c.now, write: w.write, tty: true });
    for (let i = 1; i <= 10; i++) {
      c.tick(40);
      bar(i, 10);
    }
    expect(w.out.every((s) => s.startsWith('\r') && s.includes('\x1b[K'))).toBe(true);
    expect(w.out.length).toBeLessThan(10);
    expect(w.out.at(-1)).toBe('\reval 10/10 (100%), done in 0.4 s\x1b[K\n');
    expect(w.out.slice(0, -1).every((s) => !s.endsWith('\n'))).toBe(true);
  });
});

describe('progress of phases (messages with fractions)', () => {
  it('prints a bare message once, then its fraction with an ETA from when the phase began', () => {
    const c = clock();
    const w = capture();
    const p = phaseProgress({ now: c.now, write: w.write, tty: false, indent: '  ' });
    p('prune-weights (1/3)');
    p('prune-weights (1/3)'); // repeated: not printed again
    c.tick(10_000);
    p('prune-weights: step 1/4, sparsity 53.77%', 0.25);
    c.tick(10_000);
    p('prune-weights: step 2/4, sparsity 81.38%', 0.5);
    expect(w.out).toEqual([
      '  prune-weights (1/3)\n',
      '  prune-weights: step 1/4, sparsity 53.77% (25%, 10 s elapsed, about 30 s left)\n',
      '  prune-weights: step 2/4, sparsity 81.38% (50%, 20 s elapsed, about 20 s left)\n',
    ]);
  });

  it('a fraction that goes back starts a new phase whose ETA counts from there', () => {
    const c = clock();
    const w = capture();
    const p = phaseProgress({ now: c.now, write: w.write, tty: false });
    p('crafting', 0.5);
    c.tick(4000);
    p('crafting', 1);
    c.tick(1000);
    p('training', 0.1); // went back: a new phase beginning at 10% now
    c.tick(6000);
    p('training', 0.4);
    expect(w.out).toEqual([
      'crafting (50%, 0.0 s elapsed)\n',
      'crafting (100%, done in 4.0 s)\n',
      'training (10%, 0.0 s elapsed)\n',
      'training (40%, 6.0 s elapsed, about 12 s left)\n',
    ]);
  });

  it('on a terminal: the fraction lines share one live line, and a bare message ends it first', () => {
    const c = clock();
    const w = capture();
    const p = phaseProgress({ now: c.now, write: w.write, tty: true });
    p('calibrating', 0);
    c.tick(200);
    p('calibrating', 0.5);
    p('quantize-int8 (2/2)');
    expect(w.out).toEqual([
      '\rcalibrating (0%, 0.0 s elapsed)\x1b[K',
      '\rcalibrating (50%, 0.2 s elapsed, about 0.2 s left)\x1b[K',
      '\n',
      'quantize-int8 (2/2)\n',
    ]);
  });
});
