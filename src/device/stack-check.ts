// The stack figures a device reports, checked against what the firmware was built with: a stack that reached the
// guard words at its bottom (it overflowed into whatever lies below) fails with the measured, planned and reserved
// sizes and what to do about it.
import type { Board } from '../build/boards.ts';
import { STACK_GUARD_BYTES } from '../build/stack-plan.ts';
import type { ProjectManifest } from '../codegen/project.ts';
import { TinyforgeError } from '../diagnostics.ts';
import type { StackReport } from './protocol.ts';

/** What the firmware was built with (the project manifest's stack). */
export interface StackBudget {
  /** Planned at compile time from the compiler's frames; null when not planned. */
  plannedBytes: number | null;
  /** The region the linker script reserves. */
  limitBytes: number;
}

/** The budget a compiled project's firmware is built with (undefined for projects without a stack record). */
export function stackBudget(manifest: ProjectManifest): StackBudget | undefined {
  return manifest.stack ? { plannedBytes: manifest.stack.planned_bytes, limitBytes: manifest.stack.limit_bytes } : undefined;
}

const b = (n: number): string => `${n.toLocaleString('en-US')} B`;

/** 'stack-overflow': the device found its stack guard overwritten. `report` is the device's STACK reply, if it gave one. */
export function stackOverflowError(
  board: Board,
  report: StackReport | null,
  budget: StackBudget | undefined,
  port: string,
): TinyforgeError {
  const limit = report?.stackBytes ?? budget?.limitBytes;
  const planned = budget?.plannedBytes ?? null;
  const notes = [
    `measured: the stack reached the bottom of its ${limit === undefined ? 'region' : b(limit)} (the ${STACK_GUARD_BYTES}-byte guard there was overwritten), so static RAM below it may have been too`,
    planned !== null
      ? `planned: ${b(planned)} (the deepest call chain, from the compiler's frames)`
      : budget
        ? "planned: none (this firmware's stack was not planned)"
        : 'planned: see "stack" in the compiled folder\'s tinyforge.json',
  ];
  let hint: string;
  if (planned !== null && limit !== undefined && limit < planned + STACK_GUARD_BYTES) {
    hint = `the firmware reserves less than the plan: compile without --stack-bytes (it then reserves ${b(Math.ceil(planned / 8) * 8 + STACK_GUARD_BYTES)})`;
  } else if (planned === null) {
    hint = `reserve more with --stack-bytes <n> (now ${limit === undefined ? "the board file's stack_bytes" : b(limit)})`;
  } else {
    hint = `the plan fell short of what the device used: compile with --stack-bytes ${(limit ?? planned) * 2} and report the model (the chain the plan took is in tinyforge.json "stack")`;
  }
  return new TinyforgeError('stack-overflow', `the stack on ${board.id} overflowed during an inference`, {
    location: { port },
    notes,
    hint,
  });
}

/** Throws 'stack-overflow' when the device's STACK reply says the guard was reached. */
export function checkStack(board: Board, report: StackReport, budget: StackBudget | undefined, port: string): void {
  if (report.overflowed) throw stackOverflowError(board, report, budget, port);
}
