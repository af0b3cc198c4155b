// Refuses a model that cannot fit the board before anything is built, with the figures (e.g.
// "needs 212 KB flash; microbit has 256 KB, the runtime uses 40 KB").
import { TinyforgeError } from '../diagnostics.ts';
import type { Board } from './boards.ts';

export interface Footprint {
  /** Weights, code and constants of the model (bytes of flash). */
  flashBytes: number;
  /** Static RAM of the model: the arena plus any other mutable data. */
  ramBytes: number;
  /** The stack the firmware reserves (src/build/stack-plan.ts); the board's stack_bytes when not given. */
  stack?: { limitBytes: number; plannedBytes: number | null; chain?: string[] };
}

const kb = (n: number): string => (n >= 10240 ? `${Math.round(n / 1024)} KB` : `${n.toLocaleString('en-US')} bytes`);

/** Throws 'model-too-big' listing every budget the model exceeds on `board`. */
export function checkFits(board: Board, model: Footprint, modelName = 'the model'): void {
  const r = board.runtimeReserve;
  const problems: string[] = [];
  const flashNeed = model.flashBytes + r.flashBytes;
  if (flashNeed > board.flashBytes) {
    problems.push(
      `needs ${kb(flashNeed)} flash (model ${kb(model.flashBytes)} + runtime ${kb(r.flashBytes)}); ${board.id} has ${kb(board.flashBytes)}`,
    );
  }
  // RAM holds the model's static data, the runtime's, and the whole stack the linker script reserves.
  const stack = model.stack?.limitBytes ?? board.stackBytes;
  const planned = model.stack?.plannedBytes;
  const ramNeed = model.ramBytes + r.ramBytes + stack;
  if (ramNeed > board.ramBytes) {
    const how =
      planned !== null && planned !== undefined ? `, planned from the deepest call chain (${planned.toLocaleString('en-US')} bytes)` : '';
    problems.push(
      `needs ${kb(ramNeed)} RAM (model ${kb(model.ramBytes)} + runtime ${kb(r.ramBytes)} + stack ${kb(stack)}${how}); ${board.id} has ${kb(board.ramBytes)}`,
    );
    if (planned && model.stack?.chain) problems.push(`deepest stack: ${model.stack.chain.join(' → ')}`);
  }
  if (problems.length > 0) {
    // Weight compression shrinks flash; RAM holds activations (the arena), which only fewer or smaller layers shrink.
    const fixes: string[] = [];
    if (flashNeed > board.flashBytes)
      fixes.push('for flash, compress the weights (--compress int4, binary or deep-compression; int8 if the model is float)');
    if (ramNeed > board.ramBytes) {
      fixes.push(
        'for RAM, shrink the activations: int8 if the model is float, or fewer channels and neurons (--compress prune-structured)',
      );
      if (planned) fixes.push("the stack holds the serial receive buffer (the input, 4× smaller in int8) and the deepest layer's scratch");
    }
    throw new TinyforgeError('model-too-big', `${modelName} does not fit ${board.id}`, {
      location: { file: board.file },
      notes: problems,
      hint: `${fixes.join('; ')}; or choose a board with more memory (\`tinyforge boards\`)`,
    });
  }
}
