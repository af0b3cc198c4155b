// Which boards `--tune` can measure on: it times every layer on the board's emulator, so a board that needs hardware,
// or one whose emulator has no timer, is refused with the board to tune on instead.
import { isHardwareFlasher, type Board } from '../build/boards.ts';
import { TinyforgeError, type Diagnostic } from '../diagnostics.ts';

/** Throws 'bad-argument' when --tune cannot time layers on `board`. */
export function assertTunable(board: Board, location: Diagnostic['location'] = { field: '--tune' }): void {
  if (isHardwareFlasher(board)) {
    throw new TinyforgeError('bad-argument', `--tune times layers on an emulated board, and ${board.id} is real hardware`, {
      location,
      hint: 'tune on the emulated board with the same core (`tinyforge boards`), then pass --kernels-from <that folder> here',
    });
  }
  if (board.cycleCounter.unit === 'unavailable') {
    const on = board.cycleCounter.timedOn;
    throw new TinyforgeError('bad-argument', `--tune times layers, and ${board.id}'s emulator has no timer`, {
      location,
      hint: on
        ? `tune on ${on}, which builds the same code and times it, then pass --kernels-from <that folder> here`
        : 'tune on an emulated board with the same core (`tinyforge boards`), then pass --kernels-from <that folder> here',
    });
  }
}
