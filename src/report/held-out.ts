// Whether the test samples a figure was measured on were also the samples a compression step checked its accuracy
// on (the CLI validates fine-tuning passes on the end of the test split): such a figure is not held out, and says so.
interface HeldOut {
  dataset: string;
  start: number;
  end: number;
}

/** One note per step whose validation samples overlap the first `samples` test samples of `testName`. */
export function heldOutNotes(steps: readonly { name: string; held_out?: HeldOut }[], testName: string, samples: number): string[] {
  const notes: string[] = [];
  for (const step of steps) {
    const h = step.held_out;
    if (!h || h.dataset !== testName) continue;
    const end = Math.min(h.end, samples);
    if (end <= h.start) continue;
    notes.push(
      `test samples [${h.start}, ${end}) are among those the ${step.name} step checked its accuracy on while compressing: ` +
        `figures on them are not held out (use --samples ${h.start} or fewer for held-out figures)`,
    );
  }
  return notes;
}
