// Turns names from a model file into safe, unique C identifiers; the original name only ever reaches C inside a comment.

/** Lower-cases and maps every character outside [a-z0-9_] to '_', collapsing runs; never empty, never starts with a digit. */
export function sanitizeCName(name: string): string {
  let s = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (s === '') s = 'unnamed';
  if (/^[0-9]/.test(s)) s = `n${s}`;
  // Long model names make unreadable C; identifiers stay well under C99's 63 significant characters.
  return s.slice(0, 40);
}

/** Text safe inside a C block comment under -Wall -Werror: no comment opener (a warning inside a comment) or closer
 *  (it would end the comment), and no control, format (bidi overrides such as U+202E), unassigned or private-use character,
 *  which gcc refuses (-Wbidi-chars) or a reader cannot see; each of these is written as <U+XXXX>. */
export function cComment(text: string): string {
  return text
    .replace(/\/\*/g, '/\\*')
    .replace(/\*\//g, '*\\/')
    .replace(
      /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu,
      (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`,
    );
}

/** Allocates unique identifiers under one naming scope: `name('conv 1', 'w_')` → `w_conv_1`, then `w_conv_1_2` on collision. */
export class CNames {
  private readonly used = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.used.add(r);
  }

  name(original: string, prefix = ''): string {
    const base = prefix + sanitizeCName(original);
    let id = base;
    for (let k = 2; this.used.has(id); k++) id = `${base}_${k}`;
    this.used.add(id);
    return id;
  }
}
