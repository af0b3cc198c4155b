// The library formats `compile --lib --format` writes (lib-package.ts lays each out); light enough for the CLI to
// check the flag before loading anything else.
import { TinyforgeError } from '../diagnostics.ts';

export const LIB_FORMATS = ['cmake', 'esp-idf', 'zephyr', 'platformio', 'arduino'] as const;
export type LibFormat = (typeof LIB_FORMATS)[number];

/** `--format` value → format; anything else is a 'bad-argument' listing the formats. */
export function parseLibFormat(value: string): LibFormat {
  const format = LIB_FORMATS.find((f) => f === value);
  if (format) return format;
  throw new TinyforgeError('bad-argument', `--format ${value} is not a library format`, {
    location: { field: '--format' },
    notes: [`library formats: ${LIB_FORMATS.join(', ')}`],
    hint: 'pass one of them with --lib, e.g. --lib --format platformio (cmake, the default, is a CMakeLists.txt and a Make fragment)',
  });
}
