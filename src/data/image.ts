// PNG and JPEG decoding (pngjs, jpeg-js: pure JS), gray/RGB conversion and resizing to a model's input size.
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { TinyforgeError } from '../diagnostics.ts';

/** 8-bit pixels, row-major, `channels` values a pixel (1 = gray, 3 = RGB). */
export interface Image {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** Larger images are refused before they are decoded (an MCU model's input is far smaller). */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function imageError(file: string, message: string): TinyforgeError {
  return new TinyforgeError('bad-image', message, { location: { file }, hint: 'replace or remove the file; images must be PNG or JPEG' });
}

/** Decodes PNG or JPEG bytes (told apart by their magic, not the file name) to gray or RGB: gray when the file
 *  stores no colour. Alpha is dropped. */
export function decodeImage(bytes: Uint8Array, file: string): Image {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (PNG_MAGIC.every((b, i) => bytes[i] === b)) return decodePng(buf, file);
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return decodeJpeg(buf, file);
  throw imageError(file, `${file} is neither a PNG nor a JPEG file`);
}

function decodePng(buf: Buffer, file: string): Image {
  // IHDR follows the 8-byte signature and its 8-byte chunk header: width and height, big-endian.
  if (buf.length < 24) throw imageError(file, `${file} is a truncated PNG file`);
  const [w, h] = [buf.readUInt32BE(16), buf.readUInt32BE(20)];
  if (w * h > MAX_IMAGE_PIXELS) throw imageError(file, `${file} is ${w}×${h}, over the ${MAX_IMAGE_PIXELS} pixels an image may have here`);
  let png;
  try {
    png = PNG.sync.read(buf);
  } catch (e) {
    throw imageError(file, `${file} is not a readable PNG: ${(e as Error).message}`);
  }
  return fromRgba(png.width, png.height, png.data, !png.color);
}

function decodeJpeg(buf: Buffer, file: string): Image {
  let img;
  try {
    img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 256 });
  } catch (e) {
    throw imageError(file, `${file} is not a readable JPEG: ${(e as Error).message}`);
  }
  const rgba = img.data;
  let gray = true;
  for (let i = 0; i < rgba.length && gray; i += 4) gray = rgba[i] === rgba[i + 1] && rgba[i] === rgba[i + 2];
  return fromRgba(img.width, img.height, rgba, gray);
}

function fromRgba(width: number, height: number, rgba: Uint8Array, gray: boolean): Image {
  const n = width * height;
  if (gray) {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = rgba[4 * i];
    return { width, height, channels: 1, data };
  }
  const data = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) {
    data[3 * i] = rgba[4 * i];
    data[3 * i + 1] = rgba[4 * i + 1];
    data[3 * i + 2] = rgba[4 * i + 2];
  }
  return { width, height, channels: 3, data };
}

/** Gray ↔ RGB: RGB to gray with ITU-R 601 luma (as PIL's convert('L')), gray to RGB by repeating the value. */
export function toChannels(img: Image, channels: 1 | 3): Image {
  if (img.channels === channels) return img;
  const n = img.width * img.height;
  const data = new Uint8Array(n * channels);
  if (channels === 3) {
    for (let i = 0; i < n; i++) data[3 * i] = data[3 * i + 1] = data[3 * i + 2] = img.data[i];
  } else {
    const s = img.data;
    for (let i = 0; i < n; i++) data[i] = Math.round((s[3 * i] * 299 + s[3 * i + 1] * 587 + s[3 * i + 2] * 114) / 1000);
  }
  return { ...img, channels, data };
}

/** Per output index along one axis: the first input index it reads and the normalised triangle weights. */
function axisWeights(inSize: number, outSize: number): { first: number[]; weights: Float64Array[] } {
  const scale = inSize / outSize;
  // Widening the triangle by the scale when shrinking averages every input pixel (no aliasing), as PIL's BILINEAR.
  const width = Math.max(scale, 1);
  const first: number[] = [];
  const weights: Float64Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - width));
    const hi = Math.min(inSize, Math.ceil(center + width));
    const w = new Float64Array(hi - lo);
    let sum = 0;
    for (let x = lo; x < hi; x++) sum += w[x - lo] = Math.max(0, 1 - Math.abs((x + 0.5 - center) / width));
    for (let k = 0; k < w.length; k++) w[k] /= sum;
    first.push(lo);
    weights.push(w);
  }
  return { first, weights };
}

/** Bilinear resize (antialiased when shrinking), rows then columns, rounded back to 8 bits. Same size = same pixels. */
export function resizeImage(img: Image, width: number, height: number): Image {
  if (img.width === width && img.height === height) return img;
  const c = img.channels;
  const cols = axisWeights(img.width, width);
  const rows = axisWeights(img.height, height);
  const tmp = new Float64Array(img.height * width * c);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < width; x++) {
      const w = cols.weights[x];
      for (let ch = 0; ch < c; ch++) {
        let v = 0;
        for (let k = 0; k < w.length; k++) v += w[k] * img.data[(y * img.width + cols.first[x] + k) * c + ch];
        tmp[(y * width + x) * c + ch] = v;
      }
    }
  }
  const data = new Uint8Array(height * width * c);
  for (let y = 0; y < height; y++) {
    const w = rows.weights[y];
    for (let x = 0; x < width; x++) {
      for (let ch = 0; ch < c; ch++) {
        let v = 0;
        for (let k = 0; k < w.length; k++) v += w[k] * tmp[((rows.first[y] + k) * width + x) * c + ch];
        data[(y * width + x) * c + ch] = Math.min(255, Math.max(0, Math.round(v)));
      }
    }
  }
  return { width, height, channels: c, data };
}

/** Encodes 8-bit gray or RGB pixels as PNG (fixtures and tests write image datasets with it). */
export function encodePng(img: Image): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height });
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const [r, g, b] =
      img.channels === 1 ? [img.data[i], img.data[i], img.data[i]] : [img.data[3 * i], img.data[3 * i + 1], img.data[3 * i + 2]];
    png.data[4 * i] = r;
    png.data[4 * i + 1] = g;
    png.data[4 * i + 2] = b;
    png.data[4 * i + 3] = 255;
  }
  return new Uint8Array(PNG.sync.write(png, { colorType: img.channels === 1 ? 0 : 2 }));
}

/** Encodes 8-bit gray or RGB pixels as JPEG at the given quality (1–100). */
export function encodeJpeg(img: Image, quality = 90): Uint8Array {
  const rgba = Buffer.alloc(img.width * img.height * 4);
  for (let i = 0; i < img.width * img.height; i++) {
    for (let ch = 0; ch < 3; ch++) rgba[4 * i + ch] = img.data[img.channels === 1 ? i : 3 * i + ch];
    rgba[4 * i + 3] = 255;
  }
  return new Uint8Array(jpeg.encode({ width: img.width, height: img.height, data: rgba }, quality).data);
}
