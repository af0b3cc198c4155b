// Every figure the bench measures, as the CLI commands that measure it. A row here is the only place a figure's
// settings live: the command printed beside it is the command that ran.
import { atLeast, atMost, fmtInt, fmtPct, fmtX, type BenchRow, type Check, type Figure } from './row.ts';
import { TFLM_CMSIS_NN } from './tflm.ts';

/** The parts of report.json (deploy --json) the rows read. */
interface DeployReport {
  board: string;
  model: { params: number; macs: number; quantization: string };
  compression: { ratio: number; compressed_bytes: number; original_bytes: number; macs_before?: number; params_before?: number };
  memory: { flash_bytes: number; ram_bytes: number; arena_bytes: number; stack_bytes: number | null; arena_lower_bound_bytes?: number };
  latency: { unit: string; median: number | null; per_layer?: { op: string; latency: number; macs: number }[] };
  accuracy: {
    samples: number;
    device_top1: number | null;
    reference_top1: number | null;
    float_top1?: number | null;
    agreement: number | null;
    agreement_kind: string;
    tflm_reference?: { samples: number; same_top1: number; identical: number };
  };
}

const report = (outputs: unknown[], i = outputs.length - 1) => outputs[i] as DeployReport;

const instructions = (r: DeployReport): Figure =>
  r.latency.unit === 'instructions' && r.latency.median !== null
    ? { label: 'instructions', value: r.latency.median, text: `${fmtInt(r.latency.median)} instructions/inference` }
    : { label: 'instructions', value: null, text: 'latency unavailable on this emulator' };

const memory = (r: DeployReport): Figure[] => [
  { label: 'flash', value: r.memory.flash_bytes, text: `${fmtInt(r.memory.flash_bytes)} B flash` },
  { label: 'arena', value: r.memory.arena_bytes, text: `${fmtInt(r.memory.arena_bytes)} B arena` },
];

const accuracy = (r: DeployReport): Figure[] => {
  const a = r.accuracy;
  const agreement = a.agreement_kind === 'identical-bytes' ? `${fmtPct(a.agreement, 1)} identical bytes` : `${fmtPct(a.agreement, 1)} same top-1`;
  const out: Figure[] = [
    { label: 'device_top1', value: a.device_top1, text: `device top-1 ${fmtPct(a.device_top1, 2)} on ${fmtInt(a.samples)}` },
    { label: 'agreement', value: a.agreement, text: `${agreement} with the reference` },
  ];
  if (a.float_top1 !== undefined && a.float_top1 !== null) out.push({ label: 'float_top1', value: a.float_top1, text: `float model ${fmtPct(a.float_top1, 2)}` });
  return out;
};

/** Σ instructions ÷ Σ MACs over the layers of one op type, from --profile-layers. */
function perMac(r: DeployReport, op: string): number | null {
  const layers = r.latency.per_layer?.filter((l) => l.op === op) ?? [];
  const macs = layers.reduce((s, l) => s + l.macs, 0);
  return macs > 0 ? layers.reduce((s, l) => s + l.latency, 0) / macs : null;
}

const agreementIsTotal = (name: string, r: DeployReport): Check => ({
  name,
  target: '100% identical bytes',
  measured: fmtPct(r.accuracy.agreement, 2),
  pass: r.accuracy.agreement === null ? null : r.accuracy.agreement === 1,
});

const EXAMPLES: BenchRow[] = [
  {
    id: 'lenet-int8-an386',
    group: 'examples',
    what: 'LeNet-300-100 int8, mps2-an386 (Cortex-M4)',
    commands: ['deploy examples/mnist-lenet300/model.onnx --board mps2-an386 --dataset mnist --samples 500 --profile-layers'],
    figures: (o) => {
      const r = report(o);
      const dense = perMac(r, 'Dense');
      return [instructions(r), { label: 'dense_instr_per_mac', value: dense, text: `${dense?.toFixed(2) ?? '—'} instructions per Dense MAC` }, ...memory(r), ...accuracy(r)];
    },
    checks: (o) => {
      const r = report(o);
      return [
        atMost('instructions per Dense MAC', perMac(r, 'Dense'), 3, (v) => v.toFixed(2)),
        agreementIsTotal('device = reference', r),
        atMost('int8 top-1 loss vs float (pt)', r.accuracy.float_top1 != null && r.accuracy.device_top1 != null ? (r.accuracy.float_top1 - r.accuracy.device_top1) * 100 : null, 0.5, (v) => v.toFixed(2)),
      ];
    },
  },
  {
    id: 'cnn-int8-an386',
    group: 'examples',
    what: 'MNIST CNN int8, mps2-an386 (Cortex-M4)',
    commands: ['deploy examples/mnist-cnn/model.onnx --board mps2-an386 --dataset mnist --samples 500'],
    figures: (o) => [instructions(report(o)), ...memory(report(o)), ...accuracy(report(o))],
    checks: (o) => [agreementIsTotal('device = reference', report(o))],
  },
  {
    id: 'cnn-int8-microbit',
    group: 'examples',
    what: 'MNIST CNN int8, microbit (Cortex-M0, nRF51)',
    commands: ['deploy examples/mnist-cnn/model.onnx --board microbit --dataset mnist --samples 500'],
    figures: (o) => [...memory(report(o)), ...accuracy(report(o))],
    checks: (o) => [agreementIsTotal('device = reference', report(o))],
  },
  {
    id: 'cnn-int8-an385-armv6m',
    group: 'examples',
    what: "MNIST CNN int8, the micro:bit's Cortex-M0 code timed on mps2-an385",
    commands: ['deploy examples/mnist-cnn/model.onnx --board mps2-an385-armv6m --dataset mnist --samples 100'],
    figures: (o) => [instructions(report(o)), ...memory(report(o)), ...accuracy(report(o))],
    checks: (o) => [agreementIsTotal('device = reference', report(o))],
  },
];

/** An MLPerf Tiny model against TFLM + CMSIS-NN on the same emulated board. */
function mlperfRow(key: keyof typeof TFLM_CMSIS_NN, what: string, command: string): BenchRow {
  const tflm = TFLM_CMSIS_NN[key];
  return {
    id: `${key}-an386`,
    group: 'mlperf',
    what,
    commands: [command],
    figures: (o) => {
      const r = report(o);
      const ratio = r.latency.median === null ? null : r.latency.median / tflm.instructions;
      const out: Figure[] = [
        instructions(r),
        { label: 'instructions_vs_tflm', value: ratio, text: `${fmtX(ratio)} TFLM+CMSIS-NN's ${fmtInt(tflm.instructions)}` },
        { label: 'flash', value: r.memory.flash_bytes, text: `${fmtInt(r.memory.flash_bytes)} B flash (TFLM ${fmtInt(tflm.flash)})` },
        { label: 'arena', value: r.memory.arena_bytes, text: `${fmtInt(r.memory.arena_bytes)} B arena (TFLM ${fmtInt(tflm.arena)})` },
      ];
      if (r.accuracy.samples > 0 && r.accuracy.device_top1 !== null) out.push(...accuracy(r));
      const t = r.accuracy.tflm_reference;
      if (t) out.push({ label: 'tflm_identical', value: t.identical, text: `${fmtInt(t.identical)}/${fmtInt(t.samples)} outputs identical to TFLM's on the device` });
      return out;
    },
    checks: (o) => {
      const r = report(o);
      const checks = [
        atMost('instructions ÷ TFLM+CMSIS-NN', r.latency.median === null ? null : r.latency.median / tflm.instructions, 0.6, (v) => `${v.toFixed(3)}×`),
        atMost('flash ÷ TFLM', r.memory.flash_bytes / tflm.flash, 0.6, (v) => `${v.toFixed(3)}×`),
      ];
      if (key === 'kws') {
        checks.push(atLeast('KWS top-1 on 1000', r.accuracy.device_top1, 0.9, (v) => fmtPct(v, 1)));
        const t = r.accuracy.tflm_reference;
        checks.push({ name: "outputs identical to TFLM's", target: '1000/1000', measured: t ? `${t.identical}/${t.samples}` : '—', pass: t ? t.identical === t.samples && t.samples === 1000 : null });
      }
      return checks;
    },
  };
}

const MLPERF: BenchRow[] = [
  mlperfRow('kws', 'MLPerf Tiny KWS DS-CNN int8, mps2-an386',
    'deploy examples/mlperf-tiny/kws01/models/kws_ref_model.tflite --board mps2-an386 --dataset examples/mlperf-tiny/kws01/samples --samples 1000'),
];

export const ROWS: BenchRow[] = [...EXAMPLES, ...MLPERF];
