// Issue 4's figures as PASS/FAIL lines, from the rows bench/bits.ts measured (accuracy on the full MNIST test set,
// weight bytes as codegen packs them, device rows from bench/bits-device.ts).
import type { DeviceBitsRow } from './bits-device.ts';
import type { Figure } from './format.ts';

/** The accuracy/size rows bench/bits.ts produces (one per model × technique). */
export interface BitsRow {
  model: string;
  technique: string;
  top1_float: number;
  top1: number;
  delta_pt: number;
  float32_bytes: number;
  deployed_bytes: number;
  ratio: number;
  seconds: number;
  detail: string;
}

/** A device row tagged with the model and technique it ran. */
export interface BitsDeviceRow extends DeviceBitsRow {
  model: string;
  technique: string;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/** Compute vs decode instructions of a packed (sparse, Huffman) build: the dense build of the same weights runs every
 *  MAC, so its instructions per MAC × the packed build's MACs on kept weights is the compute; the rest is decoding. */
export function decodeSplit(packed: DeviceBitsRowLike | undefined, dense: DeviceBitsRowLike | undefined) {
  if (!packed || !dense || packed.latency_unit !== 'instructions' || dense.latency_unit !== 'instructions') return undefined;
  if (packed.latency_median === null || dense.latency_median === null || dense.macs === 0) return undefined;
  const perMac = dense.latency_median / dense.macs;
  const compute = packed.kept_macs * perMac;
  const decode = packed.latency_median - compute;
  return { perMac, compute: Math.round(compute), decode: Math.round(decode), perWeight: decode / Math.max(1, packed.kept_macs) };
}
type DeviceBitsRowLike = Pick<DeviceBitsRow, 'latency_unit' | 'latency_median' | 'macs' | 'kept_macs'>;

const p2 = (x: number) => `${(100 * x).toFixed(2)}%`;
const pt = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)} pt`;

export function bitsFigures(rows: BitsRow[], device: BitsDeviceRow[], testImages: number): Figure[] {
  const figures: Figure[] = [];
  const find = (model: string, technique: string) => rows.find((r) => r.model === model && r.technique === technique);
  const dev = (model: string, technique: string, board: string, variant = 'packed') =>
    device.find((d) => d.model === model && d.technique === technique && d.board === board && d.variant === variant);
  const full = testImages >= 10000 ? '' : ` (only ${testImages} test images)`;
  const compressed = (model: string, label: string, minRatio: number) => {
    const r = find(model, 'deep-compression');
    figures.push({
      name: `${label} deep-compression${full}`,
      target: `≥ ${minRatio}×, top-1 ≥ float − 0.3 pt`,
      measured: r ? `${r.ratio}× (${r.deployed_bytes} B), ${p2(r.top1)} vs float ${p2(r.top1_float)} (${pt(r.delta_pt)})` : '—',
      pass: r ? r.ratio >= minRatio && r.delta_pt >= -0.3 : null,
    });
  };
  const onDevice = (model: string, technique: string, board: string, label: string) => {
    const d = dev(model, technique, board);
    figures.push({
      name: `${label} on ${board}`,
      target: 'device top-1 = reference interpreter',
      measured: d ? `device ${p2(d.device_top1)} vs reference ${p2(d.reference_top1)} on ${d.samples} images, agreement ${p2(d.agreement)}` : '—',
      pass: d ? d.device_top1 === d.reference_top1 && d.samples > 0 : null,
    });
  };
  compressed('lenet300', 'LeNet-300-100', 40);
  onDevice('lenet300', 'deep-compression', 'microbit', 'LeNet-300-100 deep-compression');
  const packed = dev('lenet300', 'deep-compression', 'mps2-an385');
  const dense = dev('lenet300', 'deep-compression', 'mps2-an385', 'dense-weights');
  const ip = packed?.latency_median ?? null;
  const id = dense?.latency_median ?? null;
  const split = decodeSplit(packed, dense);
  figures.push({
    name: 'LeNet-300-100 deep-compression instructions/inference on mps2-an385',
    target: 'reported, decode separated from compute',
    measured: split && ip !== null && id !== null
      ? `${n(ip)} packed = ${n(split.compute)} compute (${n(packed!.kept_macs)} kept MACs × ${split.perMac.toFixed(1)} instr/MAC of the dense build, ${n(id)} for all ${n(dense!.macs)} MACs) + ${n(split.decode)} decode (${split.perWeight.toFixed(0)} per kept weight)`
      : '—',
    pass: split ? true : null,
  });
  compressed('cnn', 'mnist CNN', 30);
  const b = find('lenet300', 'binary');
  figures.push({
    name: `BinaryConnect LeNet-300-100${full}`,
    target: 'top-1 ≥ 97.0%, ≥ 25× smaller',
    measured: b ? `${p2(b.top1)}, ${b.ratio}× (${b.deployed_bytes} B)` : '—',
    pass: b ? b.top1 >= 0.97 && b.ratio >= 25 : null,
  });
  onDevice('lenet300', 'binary', 'mps2-an386', 'BinaryConnect LeNet-300-100');
  for (const [model, label] of [['lenet300', 'LeNet-300-100'], ['cnn', 'mnist CNN']] as const) {
    const ptq = find(model, 'ptq-int8');
    const q = find(model, 'qat-int8');
    figures.push({
      name: `${label} QAT int8 ≥ PTQ int8${full}`,
      target: 'QAT top-1 ≥ PTQ top-1',
      measured: ptq && q ? `QAT ${p2(q.top1)} vs PTQ ${p2(ptq.top1)}` : '—',
      pass: ptq && q ? q.top1 >= ptq.top1 : null,
    });
  }
  for (const [model, label] of [['lenet300', 'LeNet-300-100'], ['cnn', 'mnist CNN']] as const) {
    const r = find(model, 'int4');
    figures.push({
      name: `${label} int4 weights${full}`,
      target: 'top-1 within 1 pt of float',
      measured: r ? `${p2(r.top1)} vs float ${p2(r.top1_float)} (${pt(r.delta_pt)})` : '—',
      pass: r ? r.delta_pt >= -1 : null,
    });
  }
  return figures;
}
