// Refuses a model that cannot fit the board before anything is built, with the figures (e.g.
// "needs 212 KB flash; microbit has 256 KB, the runtime uses 40 KB").
import { TinyforgeError } from '../diagnostics.ts';
import type { Board } from './boards.ts';

export interface Footprint {
  /** Weights, code and constants of the model (bytes of flash). */
  flashBytes: number;
  /** Static RAM of the model: the arena plus any other mutable data. */
  ramBytes: number;
  /** Deepest stack the model needs, when known. */
  stackBytes?: number;
}

const kb = (n: number): string => (n >= 10240 ? `${Math.round(n / 1024)} KB` : `${n} bytes`);

/** Throws 'model-too-big' listing every budget the model exceeds on `board`. */
export function checkFits(board: Board, model: Footprint, modelName = 'the model'): void {
  const r = board.runtimeReserve;
  const problems: string[] = [];
  const flashNeed = model.flashBytes + r.flashBytes;
  if (flashNeed > board.flashBytes) {
    problems.push(`needs ${kb(flashNeed)} flash (model ${kb(model.flashBytes)} + runtime ${kb(r.flashBytes)}); ${board.id} has ${kb(board.flashBytes)}`);
  }
  // RAM holds the model's static data, the runtime's, and the whole stack the linker script reserves.
  const ramNeed = model.ramBytes + r.ramBytes + board.stackBytes;
  if (ramNeed > board.ramBytes) {
    problems.push(
      `needs ${kb(ramNeed)} RAM (model ${kb(model.ramBytes)} + runtime ${kb(r.ramBytes)} + stack ${kb(board.stackBytes)}); ${board.id} has ${kb(board.ramBytes)}`,
    );
  }
  if (model.stackBytes !== undefined && model.stackBytes + r.stackBytes > board.stackBytes) {
    problems.push(`needs ${kb(model.stackBytes + r.stackBytes)} stack; ${board.id} reserves ${kb(board.stackBytes)}`);
  }
  if (problems.length > 0) {
    throw new TinyforgeError('model-too-big', `${modelName} does not fit ${board.id}`, {
      location: { file: board.file },
      notes: problems,
      hint: 'compress it further (int8, pruning) or choose a board with more memory (`tinyforge boards`)',
    });
  }
}
