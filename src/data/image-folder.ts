// A Dataset over a folder of class subfolders of PNG/JPEG images (as Keras' image_dataset_from_directory and
// torchvision's ImageFolder read them): class index = position of the subfolder name in sorted order. Each image is
// decoded, converted to gray or RGB and resized to the model's input.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Tensor } from '../ir/graph.ts';
import { product } from '../ir/graph.ts';
import { decodeImage, MAX_IMAGE_PIXELS, resizeImage, toChannels, type Image } from './image.ts';
import { badDataset, checkSampleFits, isDir, isImageName, sampleShapeOf, type Dataset, type LoadOptions } from './dataset.ts';

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The class names: this folder's subfolders, or for a train/ or test/ split the union of both splits' subfolders, so
 *  a class missing from one split keeps every other class's index. */
function classNamesOf(folder: string): string[] {
  const subdirs = (dir: string) => readdirSync(dir).filter((e) => !e.startsWith('.') && isDir(join(dir, e)));
  const split = basename(folder);
  const parent = dirname(folder);
  const other = split === 'train' ? 'test' : split === 'test' ? 'train' : undefined;
  const names = new Set(subdirs(folder));
  if (other && isDir(join(parent, other))) for (const n of subdirs(join(parent, other))) names.add(n);
  return [...names].sort(byName);
}

/** What every image becomes: [H, W, C] for an image input; for a flat input, the image's own size when its gray or
 *  RGB pixels are exactly the input's values. */
function targetOf(input: Tensor | undefined, first: Image, file: string): { width: number; height: number; channels: 1 | 3 } {
  if (!input) return { width: first.width, height: first.height, channels: first.channels };
  const shape = sampleShapeOf(input);
  if (shape.length === 3 && (shape[2] === 1 || shape[2] === 3)) return { height: shape[0], width: shape[1], channels: shape[2] as 1 | 3 };
  if (shape.length === 2) return { height: shape[0], width: shape[1], channels: 1 };
  const n = product(shape);
  const pixels = first.width * first.height;
  if (pixels === n) return { width: first.width, height: first.height, channels: 1 };
  if (pixels * 3 === n) return { width: first.width, height: first.height, channels: 3 };
  checkSampleFits([first.height, first.width, first.channels], input, { file, what: 'an image' });
  return { width: first.width, height: first.height, channels: first.channels };
}

export function loadImageFolder(folder: string, opts: Partial<LoadOptions> = {}): Dataset {
  const classes = classNamesOf(folder);
  let ignored = 0;
  const perClass = classes.map((name) => {
    const dir = join(folder, name);
    if (!isDir(dir)) return [];
    const entries = readdirSync(dir)
      .filter((e) => !e.startsWith('.'))
      .sort(byName);
    const images = entries.filter((e) => isImageName(e) && !isDir(join(dir, e)));
    ignored += entries.length - images.length;
    return images.map((f) => join(dir, f));
  });
  // Taken in turn from each class, so the first N samples (--samples N) cover every class.
  const order: { file: string; label: number }[] = [];
  for (let k = 0; order.length < perClass.reduce((a, c) => a + c.length, 0); k++) {
    perClass.forEach((files, label) => {
      if (k < files.length) order.push({ file: files[k], label });
    });
  }
  if (order.length === 0)
    throw badDataset(
      folder,
      `${folder} has class subfolders but no PNG or JPEG images in them`,
      'put the images of class "name" in <folder>/name/',
    );
  const chosen = opts.limit === undefined ? order : order.slice(0, opts.limit);

  const read = (file: string): Image => {
    if (statSync(file).size > MAX_IMAGE_PIXELS * 4)
      throw badDataset(file, `${file} is larger than any image tinyforge reads`, 'downscale the image');
    return decodeImage(new Uint8Array(readFileSync(file)), file);
  };
  const first = read(chosen[0].file);
  const target = targetOf(opts.input, first, chosen[0].file);
  let resized = 0;
  const pixels = chosen.map(({ file }, i) => {
    const img = i === 0 ? first : read(file);
    if (img.width !== target.width || img.height !== target.height) resized++;
    return resizeImage(toChannels(img, target.channels), target.width, target.height).data;
  });
  const inputShape = opts.input ? sampleShapeOf(opts.input) : [target.height, target.width, target.channels];
  const labels = chosen.map((c) => c.label);
  const notes = [
    `classes (index: subfolder): ${classes.map((c, i) => `${i}: ${c}`).join(', ')}`,
    ...(ignored > 0 ? [`${ignored} files in the class subfolders are not PNG/JPEG images and were skipped`] : []),
    ...(resized > 0 ? [`${resized} of ${chosen.length} images resized to ${target.width}×${target.height} (bilinear, antialiased)`] : []),
  ];
  return {
    name: `images:${basename(folder)}`,
    size: pixels.length,
    inputShape,
    numClasses: classes.length,
    classNames: classes,
    files: chosen.map((c) => c.file),
    notes,
    get(i: number) {
      if (!Number.isInteger(i) || i < 0 || i >= pixels.length) throw new RangeError(`sample ${i} outside 0..${pixels.length - 1}`);
      return { x: Float32Array.from(pixels[i]), label: labels[i] };
    },
  };
}
