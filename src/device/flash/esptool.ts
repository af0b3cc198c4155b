// The "esptool" flasher named by boards/esp32*.json: flashes an ESP-IDF build (its flasher_args.json) onto the board's
// chip through flashEsp32, refusing a build made for another chip before touching the port.
import { TinyforgeError } from '../../diagnostics.ts';
import { ESP_CHIP_NAMES, flashEsp32, type EspChip, type FlashEsp32Options, type FlashEsp32Result } from './esp32.ts';
import { loadFlasherArgs } from './flasher-args.ts';

export interface FlashWithEsptoolOptions extends Omit<FlashEsp32Options, 'images' | 'chip'> {
  /** Board id, which is also the chip key: 'esp32', 'esp32s3', 'esp32c3'. */
  board: string;
  /** Path of the build's flasher_args.json (ESP-IDF writes it to build/). */
  flasherArgs: string;
}

export async function flashWithEsptool(options: FlashWithEsptoolOptions): Promise<FlashEsp32Result> {
  const { board, flasherArgs, ...rest } = options;
  if (!(board in ESP_CHIP_NAMES)) {
    throw new TinyforgeError('esp-unknown-chip', `board "${board}" is not an ESP chip the esptool flasher knows`, {
      location: { file: `boards/${board}.json`, field: 'flasher' },
      notes: [`known: ${Object.keys(ESP_CHIP_NAMES).join(', ')}`],
    });
  }
  const chip = board as EspChip;
  const args = await loadFlasherArgs(flasherArgs);
  if (args.chip && args.chip !== chip) {
    throw new TinyforgeError('esp-wrong-chip', `the build was made for ${args.chip}, the board is ${chip}`, {
      location: { file: flasherArgs, field: 'extra_esptool_args.chip' },
      hint: `rebuild for the board (idf.py set-target ${chip}) or pick --board ${args.chip}`,
    });
  }
  return flashEsp32({ ...rest, images: args.images, chip });
}
