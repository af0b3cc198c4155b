// Small datasets in every format the loader reads, written from MNIST digits: class subfolders of PNG/JPEG images,
// x.npy + y.npy, and a CSV file. Tests build them in a temporary folder so no fixture is committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '../../src/data/mnist.ts';
import { encodeJpeg, encodePng, resizeImage, type Image } from '../../src/data/image.ts';
import { writeNpy } from '../../src/data/npy.ts';

export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
/** Subfolder names that sort in digit order, so class index = digit, as a model trained on MNIST outputs it. */
export const DIGIT_FOLDERS = DIGIT_WORDS.map((w, d) => `${d}-${w}`);

/** The first n MNIST digits of a split as 28×28 gray images with their labels. */
export function mnistDigits(split: 'train' | 'test', n: number, offset = 0): { image: Image; label: number }[] {
  const ds = loadMnist({ split });
  return Array.from({ length: n }, (_, k) => {
    const s = ds.get(offset + k);
    return { image: { width: 28, height: 28, channels: 1, data: Uint8Array.from(s.x) }, label: s.label };
  });
}

/** Writes digits as `<dir>/<class name>/<i>.<png|jpg>`, optionally scaled to `size`×`size` first. */
export function writeImageFolder(
  dir: string,
  digits: { image: Image; label: number }[],
  opts: { format: 'png' | 'jpeg'; size?: number; names?: string[] },
): void {
  const names = opts.names ?? DIGIT_FOLDERS;
  for (const name of names) mkdirSync(join(dir, name), { recursive: true });
  digits.forEach(({ image, label }, i) => {
    const img = opts.size ? resizeImage(image, opts.size, opts.size) : image;
    const bytes = opts.format === 'png' ? encodePng(img) : encodeJpeg(img, 95);
    writeFileSync(join(dir, names[label], `${String(i).padStart(5, '0')}.${opts.format === 'png' ? 'png' : 'jpg'}`), bytes);
  });
}

/** x.npy [N, 28, 28] uint8 and y.npy [N] int64 (numpy's default integer type). */
export function writeNpyDataset(dir: string, digits: { image: Image; label: number }[]): void {
  mkdirSync(dir, { recursive: true });
  const x = new Uint8Array(digits.length * 784);
  digits.forEach((d, i) => x.set(d.image.data, i * 784));
  writeFileSync(join(dir, 'x.npy'), writeNpy(x, [digits.length, 28, 28]));
  writeFileSync(
    join(dir, 'y.npy'),
    writeNpy(
      BigInt64Array.from(digits, (d) => BigInt(d.label)),
      [digits.length],
    ),
  );
}

/** A CSV with a header: the label first (`labels`: the digit, or its word), then p0 … p783. */
export function writeCsvDataset(file: string, digits: { image: Image; label: number }[], labels: 'digit' | 'word' = 'digit'): void {
  const header = ['digit', ...Array.from({ length: 784 }, (_, k) => `p${k}`)].join(',');
  const rows = digits.map((d) => [labels === 'digit' ? d.label : DIGIT_WORDS[d.label], ...d.image.data].join(','));
  writeFileSync(file, [header, ...rows].join('\n') + '\n');
}
