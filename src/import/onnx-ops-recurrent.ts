// ONNX GRU and LSTM → IR GRU / LSTM (one direction, layout 0, default activations). Y (every step) and Y_h (the last)
// come from one IR node: Y is its output seen as [T,1,B,H], Y_h a Slice of it, or the node's own output when Y is unused.
import { GATES } from '../ir/ops/recurrent.ts';
import { ImportProblem } from './onnx-context.ts';
import { OpCall } from './onnx-op-call.ts';

/** ONNX's default activations per op (f, g[, h]); any other list is refused. */
const DEFAULT_ACTIVATIONS = { GRU: ['sigmoid', 'tanh'], LSTM: ['sigmoid', 'tanh', 'tanh'] } as const;

/** Attributes that change the math and that the kernels do not implement; refused when present. */
function refuseUnsupported(n: OpCall, op: 'GRU' | 'LSTM'): void {
  const direction = n.a.str('direction', 'forward');
  if (direction === 'bidirectional')
    throw new ImportProblem('direction "bidirectional" is not supported; export two one-direction layers (forward and reverse) instead');
  if (direction !== 'forward' && direction !== 'reverse') throw new ImportProblem(`direction "${direction}" is not an ONNX value`);
  if (n.a.int('layout', 0) !== 0) throw new ImportProblem('layout=1 (batch first) is not supported; export with layout 0 ([T,B,I])');
  const acts = n.a.map.get('activations');
  const want = DEFAULT_ACTIVATIONS[op];
  if (acts !== undefined) {
    const given = (Array.isArray(acts) ? acts : [acts]).map((s) => String(s).toLowerCase());
    if (given.length !== want.length || given.some((s, i) => s !== want[i]))
      throw new ImportProblem(`activations [${given.join(', ')}] are not supported; only the default [${want.join(', ')}]`);
  }
  for (const attr of ['activation_alpha', 'activation_beta', 'clip'])
    if (n.a.has(attr)) throw new ImportProblem(`attribute ${attr} is not supported; export without it`);
  if (op === 'LSTM' && n.a.int('input_forget', 0) !== 0) throw new ImportProblem('input_forget=1 (coupled gates) is not supported');
}

/** A constant [1, rows, cols] weight (or [1, n] bias) without its num_directions axis. */
function weight(n: OpCall, i: number, what: string, dims: number[]): string {
  const c = n.constIn(i, what);
  if (c.dims.length !== dims.length + 1 || c.dims[0] !== 1 || c.dims.slice(1).some((d, k) => d !== dims[k]))
    throw new ImportProblem(`${what} (input ${i}) must be [1,${dims.join(',')}], got [${c.dims.join(',')}]`);
  return n.ctx.constant(n.inputName(i), dims, c.data);
}

/** initial_h / initial_c: absent, a constant (all zeros: left absent), or a runtime tensor, each [1,B,H]. */
function state(n: OpCall, i: number, what: string, batch: number, hidden: number): string {
  const v = n.ins[i];
  if (!v) return '';
  const dims = v.kind === 'const' ? v.c.dims : n.act(i).shape;
  if (dims.length !== 3 || dims[0] !== 1 || dims[1] !== batch || dims[2] !== hidden)
    throw new ImportProblem(`${what} (input ${i}) must be [1,${batch},${hidden}], got [${dims.join(',')}]`);
  if (v.kind !== 'const') return n.act(i).ir;
  // Zeros (PyTorch's default state) are what the kernels start from anyway: no constant in flash.
  return v.c.data.every((d) => d === 0) ? '' : n.ctx.constant(n.inputName(i), dims, v.c.data);
}

export function recurrent(n: OpCall, used: Set<string>): void {
  const op = n.op === 'LSTM' ? 'LSTM' : 'GRU';
  refuseUnsupported(n, op);
  const x = n.act(0);
  if (x.shape.length !== 3) throw new ImportProblem(`input X must be [T,B,I] (rank 3), got [${x.shape.join(',')}]`);
  const [steps, batch, inSize] = x.shape;
  const w = n.constIn(1, 'weights W');
  const hidden = n.a.int('hidden_size', (w.dims[1] ?? 0) / GATES[op]);
  if (!Number.isInteger(hidden) || hidden < 1) throw new ImportProblem(`hidden_size ${hidden} is not a positive integer`);
  const g = GATES[op] * hidden;
  const inputs = [x.ir, weight(n, 1, 'weights W', [g, inSize]), weight(n, 2, 'recurrence weights R', [g, hidden])];
  inputs.push(n.ins[3] ? weight(n, 3, 'bias B', [2 * g]) : '');
  const lens = n.optConst(4, 'sequence_lens');
  if (lens && Array.from(lens.data).some((l) => l !== steps))
    throw new ImportProblem(
      `sequence_lens [${Array.from(lens.data).join(',')}] differ from the ${steps} steps of X; only full sequences are supported`,
    );
  inputs.push(state(n, 5, 'initial_h', batch, hidden));
  if (op === 'LSTM') {
    inputs.push(state(n, 6, 'initial_c', batch, hidden));
    const peepholes = n.optConst(7, 'peepholes P');
    if (peepholes && peepholes.data.some((v) => v !== 0)) throw new ImportProblem('peephole weights P are not supported');
  }
  while (inputs[inputs.length - 1] === '') inputs.pop();

  const [yName, yhName, ycName] = n.outs;
  if (ycName && used.has(ycName))
    throw new ImportProblem(`output Y_c ("${ycName}", the last cell state) is used; tinyforge computes Y and Y_h`);
  const wantY = !!yName && used.has(yName);
  const wantYh = !!yhName && used.has(yhName);
  const reverse = n.a.str('direction', 'forward') === 'reverse';
  const attrs = { hiddenSize: hidden, reverse, sequenceOutput: wantY };
  const add = (out: string) =>
    op === 'GRU'
      ? n.ctx.addNode('GRU', n.name, inputs, [out], { ...attrs, linearBeforeReset: n.a.int('linear_before_reset', 0) !== 0 })
      : n.ctx.addNode('LSTM', n.name, inputs, [out], attrs);
  if (!wantY) {
    if (wantYh) add(n.ctx.defineAct(yhName, [1, batch, hidden]).ir);
    return;
  }
  // Y is [T, num_directions = 1, B, H]: its IR (NHWC) form [T, B, H, 1] has the bytes of the node's [T, B, H].
  const seq = n.ctx.scratch(`${yName}__steps`, [steps, batch, hidden]);
  add(seq);
  const y = n.ctx.defineAct(yName, [steps, 1, batch, hidden]);
  n.ctx.addNode('Reshape', `${n.name}/Y`, [seq], [y.ir], { shape: n.ctx.tensors[y.ir].shape });
  if (wantYh) {
    const last = reverse ? 0 : steps - 1;
    const yh = n.ctx.defineAct(yhName, [1, batch, hidden]);
    n.ctx.addNode('Slice', `${n.name}/Y_h`, [seq], [yh.ir], { starts: [last, 0, 0], ends: [last + 1, batch, hidden], steps: [1, 1, 1] });
  }
}
