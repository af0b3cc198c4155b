// A Dataset over a CSV file for time-series and tabular models: one row a sample, one column the label, every other
// column a value of the model's input in order (row-major NHWC). A first row with names instead of numbers is a header.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { TinyforgeError } from '../diagnostics.ts';
import { badDataset, checkSampleFits, sampleShapeOf, type Dataset, type LoadOptions } from './dataset.ts';

/** Header names taken as the label column when --label-column is not given. */
const LABEL_NAMES = ['label', 'labels', 'class', 'target', 'y'];

const isNumber = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

interface Row {
  fields: string[];
  /** Line in the file where the row starts (1-based), for errors. */
  line: number;
}

function readRows(file: string): Row[] {
  try {
    const records = parse(readFileSync(file), { bom: true, trim: true, skip_empty_lines: true, info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    return records.map((r) => ({ fields: r.record, line: r.info.lines }));
  } catch (e) {
    throw badDataset(
      file,
      `${file} is not a readable CSV file: ${(e as Error).message}`,
      'every row needs the same number of comma-separated fields',
    );
  }
}

/** The header is the first row when one of its columns holds a name where the next row holds a number. */
function hasHeader(rows: Row[]): boolean {
  const [first, second] = rows;
  if (!first) return false;
  if (!second) return first.fields.some((f) => !isNumber(f));
  return first.fields.some((f, c) => !isNumber(f) && isNumber(second.fields[c] ?? ''));
}

function labelColumnOf(
  file: string,
  header: string[] | undefined,
  columns: number,
  flag: string | undefined,
): { column: number; note?: string } {
  if (flag !== undefined) {
    const byName = header?.indexOf(flag) ?? -1;
    if (byName >= 0) return { column: byName };
    const index = /^\d+$/.test(flag.trim()) ? Number(flag) : NaN;
    if (Number.isInteger(index) && index < columns) return { column: index };
    throw new TinyforgeError(
      'bad-argument',
      `--label-column ${flag}: ${file} has ${header ? `no column named "${flag}" (columns: ${header.join(', ')})` : 'no header row'}${Number.isInteger(index) ? ` and only ${columns} columns (0..${columns - 1})` : ''}`,
      {
        location: { file },
        hint: header ? `name one of the columns, or give its 0-based index` : `give the label column's 0-based index (0..${columns - 1})`,
      },
    );
  }
  const named = header?.findIndex((h) => LABEL_NAMES.includes(h.toLowerCase())) ?? -1;
  if (named >= 0) return { column: named, note: `labels are column "${header![named]}"` };
  return {
    column: columns - 1,
    note: `labels are the last column (${header ? `"${header[columns - 1]}"` : `index ${columns - 1}`}); --label-column picks another`,
  };
}

export function loadCsvDataset(file: string, opts: Partial<LoadOptions> = {}): Dataset {
  const all = readRows(file);
  const header = hasHeader(all) ? all[0].fields : undefined;
  const rows = header ? all.slice(1) : all;
  if (rows.length === 0) throw badDataset(file, `${file} has no data rows`, 'one row a sample: the input values and a label column');
  const columns = rows[0].fields.length;
  if (columns < 2)
    throw badDataset(
      file,
      `${file} has ${columns} column; a sample needs values and a label`,
      'one row a sample: the input values and a label column',
    );
  const { column, note } = labelColumnOf(file, header, columns, opts.labelColumn);
  const chosen = opts.limit === undefined ? rows : rows.slice(0, opts.limit);
  if (opts.input)
    checkSampleFits([columns - 1], opts.input, { file, row: chosen[0].line, what: `a row of ${columns - 1} values (label column aside)` });

  const values = chosen.map((r) => {
    const x = new Float32Array(columns - 1);
    let k = 0;
    r.fields.forEach((f, c) => {
      if (c === column) return;
      if (!isNumber(f)) {
        throw badDataset(
          file,
          `${file} line ${r.line}, column ${header ? `"${header[c]}"` : c}: "${f}" is not a number`,
          'every column but the label holds numbers',
        );
      }
      x[k++] = Number(f);
    });
    return x;
  });
  const text = chosen.map((r) => r.fields[column]);
  const isIndex = (t: string) => isNumber(t) && Number.isInteger(Number(t)) && Number(t) >= 0;
  const numeric = rows.every((r) => isIndex(r.fields[column]));
  // Text labels become class indices in sorted order, as image subfolders do.
  const classNames = numeric ? undefined : [...new Set(rows.map((r) => r.fields[column]))].sort();
  const labels = numeric ? text.map(Number) : text.map((t) => classNames!.indexOf(t));
  const notes = [
    ...(note ? [note] : []),
    ...(classNames ? [`classes (index: label): ${classNames.map((c, i) => `${i}: ${c}`).join(', ')}`] : []),
  ];
  return {
    name: `csv:${basename(file)}`,
    size: values.length,
    inputShape: opts.input ? sampleShapeOf(opts.input) : [columns - 1],
    numClasses: classNames ? classNames.length : Math.max(...labels) + 1,
    classNames,
    notes,
    get(i: number) {
      if (!Number.isInteger(i) || i < 0 || i >= values.length) throw new RangeError(`sample ${i} outside 0..${values.length - 1}`);
      return { x: values[i].slice(), label: labels[i] };
    },
  };
}
