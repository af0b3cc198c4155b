// The `models` group (`npm run bench -- --models`): what tinyforge can import and run as users' models need it — the
// ONNX node test suite per op on the reference, host C and mps2-an386, the supported ONNX op count, and the 1-D IMU
// CNN, ShuffleNetV2, MobileNetV2 and the GRU keyword model deployed int8 on mps2-an386.
import type { SuiteResult } from '../src/cli/conformance-suite.ts';
import { atLeast, fmtInt, type BenchRow, type Check, type Figure } from './row.ts';
import { arena, flash, identical, instructions, stack, type DeployReport } from './rows.ts';

const BOARD = 'mps2-an386';
const rate = (t: { passed: number; ran: number } | undefined) => (t && t.ran > 0 ? `${t.passed}/${t.ran}` : '—');
const ratio = (t: { passed: number; ran: number } | undefined) => (t && t.ran > 0 ? t.passed / t.ran : null);

const nodeSuite: BenchRow = {
  id: 'onnx-node-suite',
  group: 'models',
  what: `ONNX node tests (libonnx-testdata) per op: reference, host C, ${BOARD} (one test per op)`,
  commands: [`conformance --board host,${BOARD} --per-op 1`],
  figures: (o) => {
    const r = o[0] as SuiteResult;
    const figures: Figure[] = [
      { label: 'supported_onnx_ops', value: r.supported_ops.length, text: `${r.supported_ops.length} supported ONNX ops` },
      { label: 'reference', value: ratio(r.reference), text: `reference ${rate(r.reference)} node tests` },
      { label: 'host', value: ratio(r.boards.host), text: `host C ${rate(r.boards.host)} (${fmtInt(r.boards.host?.seconds)} s)` },
      { label: BOARD, value: ratio(r.boards[BOARD]), text: `${BOARD} ${rate(r.boards[BOARD])} (${fmtInt(r.boards[BOARD]?.seconds)} s)` },
    ];
    for (const op of r.per_op) {
      const text = `${op.op}: ${rate(op.reference)} · ${rate(op.boards.host)} · ${rate(op.boards[BOARD])}`;
      figures.push({ label: `op:${op.op}`, value: text, text });
    }
    return figures;
  },
  checks: (o) => {
    const r = o[0] as SuiteResult;
    const cOk = (where: string): Check => {
      const t = r.boards[where];
      return {
        name: `${where}: every test it ran matches output_0.pb`,
        target: '100%',
        measured: rate(t),
        pass: t ? t.passed === t.ran : null,
      };
    };
    return [atLeast('supported ONNX ops (issue 23)', r.supported_ops.length, 60, (v) => String(v)), cOk('host'), cOk(BOARD)];
  },
};

/** With --stream: one step's instructions and the state kept between steps. */
function streamFigures(r: DeployReport): Figure[] {
  const s = r.latency.stream;
  if (!s) return [];
  return [
    { label: 'step_instructions', value: s.step, text: `${fmtInt(s.step)} instructions/step (${s.steps} steps)` },
    { label: 'state', value: r.memory.state_bytes ?? null, text: `${fmtInt(r.memory.state_bytes)} B state` },
  ];
}

/** An example model deployed on the board from its committed inputs: instructions, arena, flash, stack; device =
 *  reference byte for byte. */
function exampleRow(id: string, what: string, model: string, inputs: string, samples: number, flags = ''): BenchRow {
  return {
    id,
    group: 'models',
    what: `${what}, ${BOARD}`,
    commands: [`deploy examples/${model}/model.onnx --board ${BOARD} --dataset examples/${model}/${inputs} --samples ${samples}${flags}`],
    figures: (o) => {
      const r = o[0] as DeployReport;
      return [instructions(r), ...streamFigures(r), arena(r), flash(r), stack(r)];
    },
    checks: (o) => [identical('device = reference', o[0] as DeployReport)],
  };
}

const EXAMPLE_ROWS: BenchRow[] = [
  exampleRow('imu-cnn-int8-an386', '1-D IMU CNN (examples/imu-cnn, PyTorch-style Conv1d export) int8', 'imu-cnn', 'windows', 24),
  exampleRow(
    'shufflenet-v2-int8-an386',
    'ShuffleNetV2-x0.5 64×64 (examples/shufflenet-v2, PyTorch opset-13 export form, untrained) int8',
    'shufflenet-v2',
    'inputs',
    8,
  ),
  exampleRow(
    'mobilenet-v2-int8-an386',
    'MobileNetV2-0.35 96×96 (examples/mobilenet-v2, PyTorch opset-13 export form, untrained) int8',
    'mobilenet-v2',
    'inputs',
    8,
  ),
  exampleRow(
    'gru-kws-int8-an386',
    'GRU keyword model (examples/gru-kws, PyTorch-style nn.GRU export, untrained) int8, the GRU with an int16 state',
    'gru-kws',
    'inputs',
    8,
  ),
  exampleRow(
    'gru-kws-stream-an386',
    'The GRU keyword model in the streaming form (one MFCC frame per step call; the GRU steps in float)',
    'gru-kws',
    'inputs',
    8,
    ' --stream',
  ),
];

export const MODELS: BenchRow[] = [nodeSuite, ...EXAMPLE_ROWS];
