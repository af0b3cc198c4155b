// What eval and deploy say instead of a bare "unavailable" latency: why the board gives none, and the board that runs
// the same code with a timer, with the command that measures it there.
import type { Board } from '../build/boards.ts';
import type { ProjectManifest } from '../codegen/project.ts';

export interface NoLatency {
  /** Why there is no figure (the board file's cycle_counter.note). */
  reason: string;
  /** A board that runs the same code and is timed, if there is one. */
  timed_on: string | null;
  /** The command that measures it there. */
  command: string | null;
}

export function noLatency(board: Board, manifest: ProjectManifest, dataset: string, samples: number): NoLatency {
  const on = board.cycleCounter.timedOn ?? null;
  const quantize = manifest.quantization === 'int8' ? '' : ' --quantize none';
  return {
    reason: board.cycleCounter.note,
    timed_on: on,
    command: on ? `tinyforge deploy ${manifest.model.path} --board ${on}${quantize} --dataset ${dataset} --samples ${samples}` : null,
  };
}

/** Two lines for the terminal. */
export function formatNoLatency(board: Board, n: NoLatency): string {
  const why = `latency: unavailable on ${board.id}: ${n.reason}`;
  return n.timed_on ? `${why}\n  ${n.timed_on} runs the same code and is timed: ${n.command}` : why;
}
