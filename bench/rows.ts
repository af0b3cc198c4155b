// Every figure the bench measures, as the CLI commands that measure it. A row here is the only place a figure's
// settings live: the command printed beside it is the command that ran, with the shipped models and presets.
import { atLeast, atMost, fmtInt, fmtPct, fmtX, type BenchRow, type Check, type Figure } from './row.ts';
import { MODELS } from './models.ts';
import { TFLM_CMSIS_NN, TFLM_CMSIS_NN_M3, TFLM_CMSIS_NN_OTHER_CORES, TFLM_CMSIS_NN_PER_OP, type OpKind } from './tflm.ts';

/** The parts of report.json (deploy --json) the rows read. */
export interface DeployReport {
  board: string;
  model: { params: number; macs: number; kept_weights?: number; quantization: string };
  compression: {
    ratio: number;
    compressed_bytes: number;
    original_bytes: number;
    macs_before?: number;
    params_before?: number;
    layers?: { node: string; op: string; format: string; bytes: number; params: number; kept_weights?: number }[];
  };
  memory: {
    flash_bytes: number;
    ram_bytes: number;
    arena_bytes: number;
    stack_bytes: number | null;
    stack_planned_bytes?: number | null;
    state_bytes?: number;
  };
  latency: {
    unit: string;
    median: number | null;
    per_layer?: { node: string; op: string; latency: number; macs: number; window?: number[] }[];
    stream?: { steps: number; step: number | null };
  };
  accuracy: {
    samples: number;
    device_top1: number | null;
    reference_top1: number | null;
    float_top1?: number | null;
    agreement: number | null;
    agreement_kind: string;
    tflm_reference?: { samples: number; same_top1: number; identical: number | null };
  };
}

/** The parts of `robustness --json` the rows read. */
interface RobustnessOutput {
  models: { model: string; where: string; clean_top1: number; samples: number }[];
  attacks: { name: string; eps: number; model: string; where: string; robust_top1: number; samples: number; transferred: boolean }[];
}

/** The parts of `experiment lottery --json` the rows read. */
interface LotteryOutput {
  test_samples: number;
  rows: { pruning: string; kept: number; top1: Record<string, { mean: number; std: number }> }[];
}

const deployed = (outputs: unknown[], i = outputs.length - 1) => outputs[i] as DeployReport;

export const instructions = (r: DeployReport): Figure =>
  r.latency.unit === 'instructions' && r.latency.median !== null
    ? { label: 'instructions', value: r.latency.median, text: `${fmtInt(r.latency.median)} instructions/inference` }
    : { label: 'instructions', value: null, text: 'no latency on this emulator' };

export const flash = (r: DeployReport): Figure => ({
  label: 'flash',
  value: r.memory.flash_bytes,
  text: `${fmtInt(r.memory.flash_bytes)} B flash`,
});
export const arena = (r: DeployReport): Figure => ({
  label: 'arena',
  value: r.memory.arena_bytes,
  text: `${fmtInt(r.memory.arena_bytes)} B arena`,
});
export const stack = (r: DeployReport): Figure => ({
  label: 'stack',
  value: r.memory.stack_bytes,
  text: `${fmtInt(r.memory.stack_bytes)} B stack`,
});
const ratio = (r: DeployReport): Figure => ({
  label: 'ratio',
  value: r.compression.ratio,
  text: `${fmtX(r.compression.ratio, 1)} smaller weights (${fmtInt(r.compression.compressed_bytes)} B in flash)`,
});

const agreementText = (r: DeployReport) =>
  r.accuracy.agreement_kind === 'identical-bytes'
    ? `${fmtPct(r.accuracy.agreement, 1)} identical bytes`
    : `${fmtPct(r.accuracy.agreement, 1)} same top-1`;

/** Device top-1 on n samples, its agreement with the reference interpreter, and the float model on the same samples. */
function accuracy(r: DeployReport): Figure[] {
  const a = r.accuracy;
  const out: Figure[] = [];
  if (a.device_top1 !== null)
    out.push({ label: 'device_top1', value: a.device_top1, text: `device top-1 ${fmtPct(a.device_top1, 2)} on ${fmtInt(a.samples)}` });
  out.push({ label: 'agreement', value: a.agreement, text: `${agreementText(r)} with the reference` });
  if (a.float_top1 !== undefined && a.float_top1 !== null)
    out.push({ label: 'float_top1', value: a.float_top1, text: `float model ${fmtPct(a.float_top1, 2)}` });
  return out;
}

/** Points of top-1 the deployed model loses against the original float model on the same samples. */
const lossPt = (r: DeployReport): number | null =>
  r.accuracy.float_top1 === null || r.accuracy.float_top1 === undefined || r.accuracy.device_top1 === null
    ? null
    : (r.accuracy.float_top1 - r.accuracy.device_top1) * 100;

type Layer = NonNullable<DeployReport['latency']['per_layer']>[number];

/** Instructions and MACs of the layers `is` picks, from a --profile-layers report. */
function opTotals(r: DeployReport, is: (l: Layer) => boolean): { instructions: number; macs: number } {
  const layers = (r.latency.per_layer ?? []).filter(is);
  return { instructions: layers.reduce((s, l) => s + l.latency, 0), macs: layers.reduce((s, l) => s + l.macs, 0) };
}
/** Σ instructions ÷ Σ MACs of those layers. */
const totalPerMac = (t: { instructions: number; macs: number }) => (t.macs > 0 ? t.instructions / t.macs : null);

/** Σ instructions ÷ Σ MACs over the profiled layers of one op type. */
const perMac = (r: DeployReport, op: string): number | null => totalPerMac(opTotals(r, (l) => l.op === op));

/**
 * The Huffman decoder's instructions per kept weight: each packed Dense layer's profiled instructions minus what its
 * kept MACs cost in the same layer of the dense int8 build (`dense`, same board), over all kept weights. A layer's
 * kept_weights counts every non-zero constant it reads, its biases included: the biases (params − MACs of a batch-1
 * Dense) are taken off, as they are neither coded in the stream nor MACs. Null for other layers (their MACs are not
 * their weights). The streams' CRC-32 is not in these figures: the model checks it once, before its first inference.
 */
function decodePerKeptWeight(packed: DeployReport, dense: DeployReport): number | null {
  let decode = 0;
  let kept = 0;
  for (const l of packed.compression.layers ?? []) {
    if (!l.format.startsWith('huffman') || !l.kept_weights) continue;
    const p = packed.latency.per_layer?.find((x) => x.node === l.node);
    const d = dense.latency.per_layer?.find((x) => x.node === l.node);
    if (!p || !d || d.macs === 0 || l.op !== 'Dense') return null;
    const keptWeights = l.kept_weights - (l.params - d.macs);
    decode += p.latency - keptWeights * (d.latency / d.macs);
    kept += keptWeights;
  }
  return kept > 0 ? decode / kept : null;
}

/** Device = reference: identical output bytes for an int8 model, the same top-1 for a float one. */
export const identical = (name: string, r: DeployReport): Check => ({
  name,
  target: r.accuracy.agreement_kind === 'identical-bytes' ? '100% identical bytes' : '100% same top-1',
  measured: fmtPct(r.accuracy.agreement, 2),
  pass: r.accuracy.agreement === null ? null : r.accuracy.agreement === 1,
});

const lossCheck = (r: DeployReport, bound: number): Check =>
  atMost('top-1 loss vs the float model (pt)', lossPt(r), bound, (v) => v.toFixed(2));

// ---------------------------------------------------------------------------------------------------------------
// The example models as they ship, int8 by default.

const LENET = 'examples/mnist-lenet300/model.onnx';
const CNN = 'examples/mnist-cnn/model.onnx';

function exampleRow(id: string, what: string, command: string, opts: { timed: boolean; dense?: boolean }): BenchRow {
  return {
    id,
    group: 'examples',
    what,
    commands: [command],
    figures: (o) => {
      const r = deployed(o);
      const dense = opts.dense ? perMac(r, 'Dense') : null;
      return [
        ...(opts.timed ? [instructions(r)] : []),
        ...(opts.dense
          ? [{ label: 'dense_instr_per_mac', value: dense, text: `${dense?.toFixed(2) ?? '—'} instructions per Dense MAC` }]
          : []),
        flash(r),
        arena(r),
        stack(r),
        ...accuracy(r),
      ];
    },
    checks: (o) => {
      const r = deployed(o);
      return [
        identical('device = reference', r),
        lossCheck(r, 0.5),
        ...(opts.dense ? [atMost('instructions per Dense MAC', perMac(r, 'Dense'), 3, (v) => v.toFixed(2))] : []),
      ];
    },
  };
}

const EXAMPLES: BenchRow[] = [
  exampleRow(
    'lenet-int8-an386',
    'LeNet-300-100 int8, mps2-an386 (Cortex-M4)',
    `deploy ${LENET} --board mps2-an386 --dataset mnist --samples 1000 --profile-layers`,
    { timed: true, dense: true },
  ),
  exampleRow(
    'cnn-int8-an386',
    'MNIST CNN int8, mps2-an386 (Cortex-M4)',
    `deploy ${CNN} --board mps2-an386 --dataset mnist --samples 1000`,
    { timed: true },
  ),
  exampleRow('cnn-int8-an500', 'MNIST CNN int8, mps2-an500 (Cortex-M7)', `deploy ${CNN} --board mps2-an500 --dataset mnist --samples 200`, {
    timed: true,
  }),
  exampleRow('cnn-int8-an385', 'MNIST CNN int8, mps2-an385 (Cortex-M3)', `deploy ${CNN} --board mps2-an385 --dataset mnist --samples 200`, {
    timed: true,
  }),
  exampleRow(
    'cnn-int8-microbit',
    'MNIST CNN int8, microbit (Cortex-M0, nRF51: no timer under QEMU)',
    `deploy ${CNN} --board microbit --dataset mnist --samples 1000`,
    { timed: false },
  ),
  exampleRow(
    'cnn-int8-armv6m',
    "MNIST CNN int8, the micro:bit's Cortex-M0 code timed on mps2-an385",
    `deploy ${CNN} --board mps2-an385-armv6m --dataset mnist --samples 200`,
    { timed: true },
  ),
  exampleRow(
    'cnn-float-an386',
    'MNIST CNN float32, mps2-an386',
    `deploy ${CNN} --board mps2-an386 --quantize none --dataset mnist --samples 200`,
    { timed: true },
  ),
];

// ---------------------------------------------------------------------------------------------------------------
// MLPerf Tiny int8 reference models against TFLM + CMSIS-NN on the same emulated boards.

const MLPERF_DIR = 'examples/mlperf-tiny';
const MLPERF_MODELS = {
  kws: {
    file: `${MLPERF_DIR}/kws01/models/kws_ref_model.tflite`,
    name: 'KWS DS-CNN',
    data: `--dataset ${MLPERF_DIR}/kws01/samples --samples 1000`,
  },
  ic: { file: `${MLPERF_DIR}/ic01/models/pretrainedResnet_quant.tflite`, name: 'IC ResNet-8', data: '--dataset synthetic --samples 3' },
  vww: { file: `${MLPERF_DIR}/vww01/models/vww_96_int8.tflite`, name: 'VWW MobileNetV1-0.25', data: '--dataset synthetic --samples 3' },
  ad: { file: `${MLPERF_DIR}/ad01/models/ad01_int8.tflite`, name: 'AD autoencoder', data: '--dataset synthetic --samples 3' },
} as const;

function mlperfRow(key: keyof typeof MLPERF_MODELS): BenchRow {
  const m = MLPERF_MODELS[key];
  const tflm = TFLM_CMSIS_NN[key];
  return {
    id: `${key}-an386`,
    group: 'mlperf',
    what: `MLPerf Tiny ${m.name} int8, mps2-an386${key === 'kws' ? ' (the 1,000 official samples)' : ' (synthetic inputs: its samples were withdrawn upstream)'}`,
    commands: [`deploy ${m.file} --board mps2-an386 ${m.data}`],
    figures: (o) => {
      const r = deployed(o);
      const vs = r.latency.median === null ? null : r.latency.median / tflm.instructions;
      const out: Figure[] = [
        instructions(r),
        { label: 'instructions_vs_tflm', value: vs, text: `${fmtX(vs)} TFLM+CMSIS-NN's ${fmtInt(tflm.instructions)}` },
        { label: 'flash', value: r.memory.flash_bytes, text: `${fmtInt(r.memory.flash_bytes)} B flash (TFLM ${fmtInt(tflm.flash)})` },
        { label: 'arena', value: r.memory.arena_bytes, text: `${fmtInt(r.memory.arena_bytes)} B arena (TFLM ${fmtInt(tflm.arena)})` },
        ...accuracy(r),
      ];
      const t = r.accuracy.tflm_reference;
      if (t)
        out.push({
          label: 'tflm_identical',
          value: t.identical,
          text: `${fmtInt(t.identical)}/${fmtInt(t.samples)} outputs identical to TFLM's on its device`,
        });
      return out;
    },
    checks: (o) => {
      const r = deployed(o);
      const checks = [
        atMost(
          'instructions ÷ TFLM+CMSIS-NN',
          r.latency.median === null ? null : r.latency.median / tflm.instructions,
          0.6,
          (v) => `${v.toFixed(3)}×`,
        ),
        atMost('flash ÷ TFLM', r.memory.flash_bytes / tflm.flash, 0.6, (v) => `${v.toFixed(3)}×`),
        atMost('arena ÷ TFLM', r.memory.arena_bytes / tflm.arena, 0.6, (v) => `${v.toFixed(3)}×`),
        identical('device = reference', r),
      ];
      if (key === 'kws') {
        checks.push(atLeast('KWS top-1 on 1000', r.accuracy.device_top1, 0.9, (v) => fmtPct(v, 1)));
        const t = r.accuracy.tflm_reference;
        checks.push({
          name: "outputs identical to TFLM's",
          target: '1000/1000',
          measured: t ? `${t.identical}/${t.samples}` : '—',
          pass: t ? t.identical === 1000 && t.samples === 1000 : null,
        });
      }
      return checks;
    },
  };
}

const OP_KINDS: Record<OpKind, { name: string; is: (l: Layer) => boolean }> = {
  conv: { name: 'conv', is: (l) => l.op === 'Conv2D' },
  depthwise: { name: 'depthwise', is: (l) => l.op === 'DepthwiseConv2D' },
  avgpool: { name: 'average pool', is: (l) => l.op === 'AveragePool' },
  add: { name: 'add', is: (l) => l.op === 'Add' },
  dense: { name: 'fully connected', is: (l) => l.op === 'Dense' },
};
const isPointwise = (l: Layer) => l.op === 'Conv2D' && l.window?.[0] === 1 && l.window?.[1] === 1;

const fmtM = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : `${Math.round(v / 1e3)} k`);

const PER_OP_MODELS = ['kws', 'ic', 'vww', 'ad'] as const;

/** Where the instructions go, per kind of op, on the four MLPerf Tiny models, beside TFLM + CMSIS-NN's own split. */
function mlperfPerOpRow(): BenchRow {
  return {
    id: 'mlperf-per-op-an386',
    group: 'mlperf',
    // --no-fuse: a banded chain's time lands on its last layer, so per-op figures time each layer alone.
    what: "MLPerf Tiny per op, mps2-an386: instructions per inference (one sample, --profile-layers, layers unfused so each op is timed alone) beside TFLM+CMSIS-NN's",
    commands: PER_OP_MODELS.map((k) => {
      const m = MLPERF_MODELS[k];
      return `deploy ${m.file} --board mps2-an386 ${m.data.replace(/--samples \d+/, '--samples 1')} --profile-layers --no-fuse`;
    }),
    figures: (o) =>
      PER_OP_MODELS.flatMap((key, i) => {
        const r = deployed(o, i);
        const tflm: Partial<Record<OpKind, number>> = TFLM_CMSIS_NN_PER_OP[key];
        return (Object.keys(tflm) as OpKind[]).map((kind): Figure => {
          const t = opTotals(r, OP_KINDS[kind].is);
          const them = tflm[kind]!;
          const pm = totalPerMac(t);
          const pw = kind === 'conv' ? totalPerMac(opTotals(r, isPointwise)) : null;
          const detail = [pm === null ? '' : `${pm.toFixed(2)}/MAC`, pw === null ? '' : `pointwise ${pw.toFixed(2)}/MAC`].filter(Boolean);
          return {
            label: `${key}_${kind}`,
            value: t.instructions,
            text: `${key.toUpperCase()} ${OP_KINDS[kind].name} ${fmtM(t.instructions)}${detail.length ? ` (${detail.join(', ')})` : ''} vs ${fmtM(them)} (${fmtX(t.instructions / them)})`,
          };
        });
      }),
    checks: (o) => {
      const kws = deployed(o, 0);
      return [
        atMost('KWS pointwise instructions per MAC', totalPerMac(opTotals(kws, isPointwise)), 1.2, (v) => v.toFixed(2)),
        atMost('KWS depthwise instructions per MAC', totalPerMac(opTotals(kws, OP_KINDS.depthwise.is)), 2.5, (v) => v.toFixed(2)),
      ];
    },
  };
}

/** KWS on another core TFLM + CMSIS-NN was measured on. */
function kwsOtherCore(board: keyof typeof TFLM_CMSIS_NN_OTHER_CORES, core: string, id = `kws-${board}`): BenchRow {
  const tflm = TFLM_CMSIS_NN_OTHER_CORES[board];
  return {
    id,
    group: 'mlperf',
    what: `MLPerf Tiny KWS int8, ${board} (${core})`,
    commands: [`deploy ${MLPERF_MODELS.kws.file} --board ${board} --dataset ${MLPERF_DIR}/kws01/samples --samples 100`],
    figures: (o) => {
      const r = deployed(o);
      const vs = r.latency.median === null ? null : r.latency.median / tflm;
      return [
        instructions(r),
        { label: 'instructions_vs_tflm', value: vs, text: `${fmtX(vs)} TFLM+CMSIS-NN's ${fmtInt(tflm)}` },
        flash(r),
        { label: 'arena', value: r.memory.arena_bytes, text: `${fmtInt(r.memory.arena_bytes)} B arena` },
        ...accuracy(r),
      ];
    },
    checks: (o) => {
      const r = deployed(o);
      return [
        atMost('instructions ÷ TFLM+CMSIS-NN', r.latency.median === null ? null : r.latency.median / tflm, 0.7, (v) => `${v.toFixed(3)}×`),
        identical('device = reference', r),
      ];
    },
  };
}

/** IC, VWW or AD on mps2-an385 (Cortex-M3, no DSP extension: the MLA kernels), the an386 rows' model and inputs. */
function mlperfM3Row(key: keyof typeof TFLM_CMSIS_NN_M3): BenchRow {
  const m = MLPERF_MODELS[key];
  const tflm = TFLM_CMSIS_NN_M3[key];
  return {
    id: `${key}-mps2-an385`,
    group: 'mlperf',
    what: `MLPerf Tiny ${m.name} int8, mps2-an385 (Cortex-M3, no DSP extension; synthetic inputs)`,
    commands: [`deploy ${m.file} --board mps2-an385 ${m.data}`],
    figures: (o) => {
      const r = deployed(o);
      const vs = r.latency.median === null ? null : r.latency.median / tflm;
      return [
        instructions(r),
        { label: 'instructions_vs_tflm', value: vs, text: `${fmtX(vs)} TFLM+CMSIS-NN's ${fmtInt(tflm)}` },
        flash(r),
        { label: 'arena', value: r.memory.arena_bytes, text: `${fmtInt(r.memory.arena_bytes)} B arena` },
        ...accuracy(r),
      ];
    },
    checks: (o) => {
      const r = deployed(o);
      return [
        atMost('instructions ÷ TFLM+CMSIS-NN', r.latency.median === null ? null : r.latency.median / tflm, 0.7, (v) => `${v.toFixed(3)}×`),
        identical('device = reference', r),
      ];
    },
  };
}

const MLPERF: BenchRow[] = [
  mlperfRow('kws'),
  mlperfRow('ic'),
  mlperfRow('vww'),
  mlperfRow('ad'),
  mlperfPerOpRow(),
  kwsOtherCore('mps2-an385', 'Cortex-M3, no DSP extension'),
  kwsOtherCore('mps2-an385-armv6m', "Cortex-M0 code with the micro:bit's 256 KB flash and 16 KB RAM, timed on mps2-an385"),
  mlperfM3Row('ic'),
  mlperfM3Row('vww'),
  mlperfM3Row('ad'),
];

// ---------------------------------------------------------------------------------------------------------------
// Compression presets on the shipped examples, deployed with the default int8 quantization. The test samples stop
// where the presets' validation samples (the end of the test split) begin, so every figure is held out.

function presetRow(id: string, what: string, command: string, targets: (r: DeployReport) => Check[] = () => []): BenchRow {
  return {
    id,
    group: 'compression',
    what,
    commands: [command],
    figures: (o) => {
      const r = deployed(o);
      const loss = lossPt(r);
      return [
        ratio(r),
        { label: 'params', value: r.model.params, text: `${fmtInt(r.model.params)} params (${fmtInt(r.model.kept_weights)} non-zero)` },
        ...accuracy(r),
        { label: 'loss_pt', value: loss, text: `${loss === null ? '—' : loss.toFixed(2)} pt below float` },
        flash(r),
        instructions(r),
      ];
    },
    checks: (o) => [identical('device = reference', deployed(o)), ...targets(deployed(o))],
  };
}

const COMPRESSION: BenchRow[] = [
  {
    id: 'lenet-deep-compression-microbit',
    group: 'compression',
    what: 'LeNet-300-100 deep-compression (prune → cluster → Huffman, int8), microbit',
    commands: [`deploy ${LENET} --board microbit --compress deep-compression --dataset mnist --samples 2000`],
    figures: (o) => {
      const r = deployed(o);
      const loss = lossPt(r);
      return [
        ratio(r),
        ...accuracy(r),
        { label: 'loss_pt', value: loss, text: `${loss === null ? '—' : loss.toFixed(2)} pt below float` },
        flash(r),
        stack(r),
      ];
    },
    checks: (o) => {
      const r = deployed(o);
      return [
        atLeast('weights smaller than float32', r.compression.ratio, 40, (v) => `${v.toFixed(1)}×`),
        lossCheck(r, 0.3),
        identical('device = reference', r),
      ];
    },
  },
  {
    id: 'lenet-deep-compression-an385',
    group: 'compression',
    what: "LeNet-300-100 deep-compression on mps2-an385 (Cortex-M3): the Huffman decoder's cost beside the dense int8 build",
    commands: [
      `deploy ${LENET} --board mps2-an385 --dataset mnist --samples 20 --profile-layers`,
      `deploy ${LENET} --board mps2-an385 --compress deep-compression --dataset mnist --samples 20 --profile-layers`,
    ],
    figures: (o) => {
      const [dense, packed] = [deployed(o, 0), deployed(o, 1)];
      const decode = decodePerKeptWeight(packed, dense);
      return [
        instructions(packed),
        { label: 'dense_instructions', value: dense.latency.median, text: `dense int8 ${fmtInt(dense.latency.median)}` },
        { label: 'decode_per_kept_weight', value: decode, text: `${decode?.toFixed(1) ?? '—'} decode instructions per kept weight` },
      ];
    },
    checks: (o) => [
      atMost('decode instructions per kept weight', decodePerKeptWeight(deployed(o, 1), deployed(o, 0)), 40, (v) => v.toFixed(1)),
    ],
  },
  {
    id: 'lenet-prune-structured-an386',
    group: 'compression',
    what: 'LeNet-300-100 prune-structured (whole neurons removed, int8), mps2-an386, next to the unpruned int8 build',
    commands: [
      `deploy ${LENET} --board mps2-an386 --dataset mnist --samples 20`,
      `deploy ${LENET} --board mps2-an386 --compress prune-structured --dataset mnist --samples 10000`,
    ],
    figures: (o) => {
      const [base, r] = [deployed(o, 0), deployed(o, 1)];
      const macs = r.compression.macs_before ? r.compression.macs_before / r.model.macs : null;
      const instr = base.latency.median && r.latency.median ? base.latency.median / r.latency.median : null;
      const loss = lossPt(r);
      return [
        { label: 'macs_ratio', value: macs, text: `${fmtX(macs)} fewer MACs (${fmtInt(r.model.macs)})` },
        { label: 'instructions_ratio', value: instr, text: `${fmtX(instr)} fewer instructions (${fmtInt(r.latency.median)})` },
        ...accuracy(r),
        { label: 'loss_pt', value: loss, text: `${loss === null ? '—' : loss.toFixed(2)} pt below float` },
      ];
    },
    checks: (o) => {
      const [base, r] = [deployed(o, 0), deployed(o, 1)];
      const macs = r.compression.macs_before ? r.compression.macs_before / r.model.macs : null;
      const instr = base.latency.median && r.latency.median ? base.latency.median / r.latency.median : null;
      return [
        atLeast('fewer MACs', macs, 5, (v) => `${v.toFixed(2)}×`),
        lossCheck(r, 0.5),
        atLeast('instruction fall ÷ MAC fall', instr !== null && macs !== null ? instr / macs : null, 0.8, (v) => v.toFixed(2)),
        identical('device = reference', r),
      ];
    },
  },
  presetRow(
    'cnn-deep-compression-microbit',
    'MNIST CNN deep-compression (its convolutional settings, int8), microbit',
    `deploy ${CNN} --board microbit --compress deep-compression --dataset mnist --samples 2000`,
    (r) => [atLeast('weights smaller than float32', r.compression.ratio, 30, (v) => `${v.toFixed(1)}×`), lossCheck(r, 0.3)],
  ),
  presetRow(
    'lenet-int4-an386',
    'LeNet-300-100 int4 weights, int8 activations, mps2-an386',
    `deploy ${LENET} --board mps2-an386 --compress int4 --dataset mnist --samples 2000`,
    (r) => [lossCheck(r, 0.5)],
  ),
  presetRow(
    'cnn-int4-an386',
    'MNIST CNN int4 weights, int8 activations, mps2-an386',
    `deploy ${CNN} --board mps2-an386 --compress int4 --dataset mnist --samples 2000`,
    (r) => [lossCheck(r, 0.5)],
  ),
  presetRow(
    'lenet-binary-an386',
    'LeNet-300-100 BinaryConnect (1-bit weights, int8 activations), mps2-an386',
    `deploy ${LENET} --board mps2-an386 --compress binary --dataset mnist --samples 2000`,
  ),
  presetRow(
    'lenet-qat-an386',
    'LeNet-300-100 quantization-aware int8, mps2-an386',
    `deploy ${LENET} --board mps2-an386 --compress qat-int8 --dataset mnist --samples 2000`,
    (r) => [lossCheck(r, 0.3)],
  ),
  presetRow(
    'cnn-depthwise-an386',
    'MNIST CNN with depthwise-separable convolutions, mps2-an386',
    `deploy ${CNN} --board mps2-an386 --compress depthwise --dataset mnist --samples 2000`,
    (r) => [lossCheck(r, 0.5)],
  ),
  presetRow(
    'lenet-lowrank-an386',
    'LeNet-300-100 low-rank factorised layers, mps2-an386',
    `deploy ${LENET} --board mps2-an386 --compress lowrank --dataset mnist --samples 2000`,
  ),
  presetRow(
    'lenet-distill-an386',
    'LeNet-300-100 distilled into a quarter-width student, mps2-an386',
    `deploy ${LENET} --board mps2-an386 --compress distill --dataset mnist --samples 2000`,
  ),
  {
    id: 'lenet-lottery',
    group: 'compression',
    what: 'Lottery ticket vs Scratch-E / Scratch-B on LeNet-300-100 (mean ± std over 3 seeds)',
    commands: [`experiment lottery ${LENET} --dataset mnist --seeds 3`],
    figures: (o) => {
      const r = o[0] as LotteryOutput;
      return r.rows.map((row) => {
        const cells = Object.entries(row.top1).map(([k, v]) => `${k} ${fmtPct(v.mean, 2)}±${(v.std * 100).toFixed(2)}`);
        return {
          label: `lottery_${row.pruning}`,
          value: row.top1[Object.keys(row.top1)[0]!]?.mean ?? null,
          text: `${row.pruning} ${fmtPct(row.kept, 1)} kept: ${cells.join(', ')}`,
        };
      });
    },
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Adversarial training and robustness of the shipped CNN.

const DEFENDED = 'out/mnist-cnn-pgd.onnx';

const DEFEND: BenchRow[] = [
  {
    id: 'cnn-pgd-defend',
    group: 'defend',
    what: 'MNIST CNN after PGD adversarial training: clean and PGD ε=0.1 top-1 (float, host)',
    commands: [
      `defend ${CNN} --attack pgd --eps 0.1 --iterations 3 --dataset mnist -o ${DEFENDED} --force`,
      `robustness ${DEFENDED} --attack pgd --eps 0.1 --samples 1000 --dataset mnist`,
    ],
    figures: (o) => {
      const r = o[1] as RobustnessOutput;
      const clean = r.models.find((m) => m.where === 'host' && m.model === 'float') ?? r.models[0];
      const pgd = r.attacks.find((a) => a.name === 'pgd' && a.model === clean?.model);
      return [
        { label: 'clean_top1', value: clean?.clean_top1 ?? null, text: `clean ${fmtPct(clean?.clean_top1, 2)}` },
        {
          label: 'robust_top1',
          value: pgd?.robust_top1 ?? null,
          text: `PGD ε=0.1 robust ${fmtPct(pgd?.robust_top1, 2)} on ${fmtInt(pgd?.samples)}`,
        },
      ];
    },
    checks: (o) => {
      const r = o[1] as RobustnessOutput;
      const clean = r.models.find((m) => m.where === 'host' && m.model === 'float') ?? r.models[0];
      const pgd = r.attacks.find((a) => a.name === 'pgd' && a.model === clean?.model);
      return [
        atLeast('clean top-1', clean?.clean_top1, 0.98, (v) => fmtPct(v, 2)),
        atLeast('PGD ε=0.1 robust top-1', pgd?.robust_top1, 0.8, (v) => fmtPct(v, 2)),
      ];
    },
  },
  {
    id: 'cnn-pgd-device',
    group: 'defend',
    what: 'The defended CNN in int8 on mps2-an386: transferred attacks streamed to the device, and a query attack against it',
    commands: [`robustness ${DEFENDED} --board mps2-an386 --samples 200 --dataset mnist`],
    figures: (o) => {
      const r = o[0] as RobustnessOutput;
      return r.attacks
        .filter((a) => a.where === 'device')
        .map((a) => ({
          label: `device_${a.name}_${a.eps}`,
          value: a.robust_top1,
          text: `${a.name} ε=${a.eps} ${fmtPct(a.robust_top1, 1)} on ${a.samples}`,
        }));
    },
  },
];

export const ROWS: BenchRow[] = [...EXAMPLES, ...MLPERF, ...COMPRESSION, ...DEFEND, ...MODELS];
