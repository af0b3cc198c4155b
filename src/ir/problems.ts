// Collects graph problems (node, op, reason, code) and turns them into the one TinyforgeError that lists them all.
import { TinyforgeError, type ErrorCode } from '../diagnostics.ts';

export interface GraphProblem {
  /** Stable code: 'invalid-model' or a more specific one ('dangling-tensor', 'nan-weights', …). */
  code: GraphProblemCode;
  reason: string;
  node?: string;
  op?: string;
  tensor?: string;
}

/** The codes graph validation gives; each has its hint below. */
export type GraphProblemCode = Extract<
  ErrorCode,
  | 'dynamic-shape'
  | 'nan-weights'
  | 'unknown-op'
  | 'dangling-tensor'
  | 'not-topological'
  | 'tensor-too-large'
  | 'bad-model-metadata'
  | 'invalid-model'
>;

const HINTS: Record<GraphProblemCode, string> = {
  'dynamic-shape': 'export the model with a fixed input shape (batch 1, fixed height/width); microcontroller code needs static shapes',
  'nan-weights': 'the model file holds NaN or Inf weights; retrain or re-export it (a diverged training run is the usual cause)',
  'unknown-op': 'tinyforge cannot run these ops; export the model without them (`tinyforge inspect <model>` shows where they sit)',
  'dangling-tensor': 'the model refers to tensors nothing produces; re-export it, or check that every graph output is computed by a node',
  'not-topological': 'nodes must come after the nodes that produce their inputs; re-export the model or sort its nodes',
  'tensor-too-large': 'the tensor cannot fit any microcontroller; use a smaller input resolution or fewer channels',
  'bad-model-metadata':
    'fix the preprocessing the model file records ({"scale": 0.00392, "mean": [0.1307], "std": [0.3081]}), or remove it and pass --input-scale/--mean/--std',
  'invalid-model': 'fix the listed nodes in the exporter (or the pass that produced them) and try again',
};

/** One line per problem, naming the node and op (or the tensor) in the user's terms. */
export function formatProblem(p: GraphProblem): string {
  const where = p.node !== undefined ? `node "${p.node}" (${p.op ?? '?'})` : p.tensor !== undefined ? `tensor "${p.tensor}"` : 'graph';
  return `${where}: ${p.reason}`;
}

/** Throws one error listing every problem; does nothing when the list is empty. The code is the shared one, or 'invalid-model' when mixed. */
export function throwProblems(problems: GraphProblem[], graphName: string, file?: string): void {
  if (problems.length === 0) return;
  const codes = [...new Set(problems.map((p) => p.code))];
  const code = codes.length === 1 ? codes[0] : 'invalid-model';
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const first = problems[0];
  const hint = codes.length === 1 ? HINTS[code] : `${HINTS['invalid-model']} (codes: ${codes.join(', ')})`;
  // One problem reads best as the message itself; several get a count and one note each.
  const message = problems.length === 1 ? `model "${graphName}": ${formatProblem(first)}` : `${count} in model "${graphName}"`;
  throw new TinyforgeError(code, message, {
    location: { file, node: first.node, op: first.op },
    notes: problems.map((p) => (codes.length > 1 ? `[${p.code}] ` : '') + formatProblem(p)),
    hint,
  });
}
