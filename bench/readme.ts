// The README's figures table, between two markers: each row is what was measured, the figures, and the command that
// measures them. The bench compares what it measured with this table, and `--write-readme` rewrites it.

export const BEGIN = '<!-- bench:figures:begin (written by `npm run bench -- --write-readme`) -->';
export const END = '<!-- bench:figures:end -->';
const HEADER = ['| measured | figures | command |', '|---|---|---|'];

export interface ReadmeRow {
  what: string;
  figures: string;
  /** The commands, joined by ' && ', each as a user types it. */
  command: string;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');
const uncell = (s: string) => s.trim().replace(/\\\|/g, '|');

export function renderRow(r: ReadmeRow): string {
  return `| ${cell(r.what)} | ${cell(r.figures)} | \`${r.command}\` |`;
}

/** The rows of the figures table in `readme`, or undefined when it has no such table. */
export function readReadmeRows(readme: string): ReadmeRow[] | undefined {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) return undefined;
  const lines = readme
    .slice(start + BEGIN.length, end)
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('|---'));
  return lines.slice(1).map((l) => {
    const parts = l.slice(1, -1).split(/(?<!\\)\|/);
    return { what: uncell(parts[0] ?? ''), figures: uncell(parts[1] ?? ''), command: uncell(parts[2] ?? '').replace(/^`|`$/g, '') };
  });
}

/** `readme` with its figures table replaced by `rows` (appended at the end when it has none). */
export function writeReadmeRows(readme: string, rows: ReadmeRow[]): string {
  const block = [BEGIN, '', ...HEADER, ...rows.map(renderRow), '', END].join('\n');
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) return `${readme.trimEnd()}\n\n${block}\n`;
  return readme.slice(0, start) + block + readme.slice(end + END.length);
}

export type Comparison = 'same' | 'differs' | 'not-in-readme';

/** How a measured row compares with the README's row for the same command. */
export function compareWithReadme(measured: ReadmeRow, readme: ReadmeRow[] | undefined): { status: Comparison; readme?: string } {
  const r = readme?.find((x) => x.command === measured.command);
  if (!r) return { status: 'not-in-readme' };
  return r.figures === measured.figures ? { status: 'same' } : { status: 'differs', readme: r.figures };
}
