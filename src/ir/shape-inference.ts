// inferShapes: computes every node output's shape (and dtype for new tensors) in graph order from the op table.
import type { Graph, Tensor } from './graph.ts';
import { opDef, opDefs, type InputInfo } from './ops/index.ts';
import { fmtShape } from './ops/op-def.ts';
import { throwProblems, type GraphProblem } from './problems.ts';

/** True for a dim a static graph can have: a positive integer. */
export function isStaticDim(d: number): boolean {
  return Number.isInteger(d) && d >= 1;
}

/**
 * Returns a new graph whose node outputs carry the shapes their op infers. Existing output tensors keep their
 * dtype, quant and storage; missing ones are created (dtype from the op, else input 0's). Constant data is shared,
 * not copied (graphs are immutable by convention). Throws one TinyforgeError listing every node it could not infer.
 */
export function inferShapes(g: Graph, file?: string): Graph {
  const tensors: Record<string, Tensor> = Object.assign(Object.create(null), g.tensors);
  const problems: GraphProblem[] = [];
  const ready = new Set<string>();
  const failed = new Set<string>(); // outputs of nodes that failed: downstream nodes are skipped, not reported twice
  const producedLater = new Set(g.nodes.flatMap((n) => n.outputs));

  for (const name of g.inputs) {
    const t = tensors[name];
    if (!t) problems.push({ code: 'dangling-tensor', tensor: name, reason: 'is listed as a graph input but has no tensor entry' });
    else if (!t.shape.every(isStaticDim))
      problems.push({
        code: 'dynamic-shape',
        tensor: name,
        reason: `graph input has shape ${fmtShape(t.shape)}; every dim must be a fixed positive integer`,
      });
    else ready.add(name);
  }
  for (const [name, t] of Object.entries(tensors)) if (t.data) ready.add(name);

  for (const node of g.nodes) {
    for (const o of node.outputs) producedLater.delete(o);
    const where = { node: node.name, op: node.op };
    if (!Object.hasOwn(opDefs, node.op)) {
      problems.push({ ...where, code: 'unknown-op', reason: `op "${node.op}" is not an IR op` });
      node.outputs.forEach((o) => failed.add(o));
      continue;
    }
    const def = opDef(node.op);
    const infos: (InputInfo | undefined)[] = [];
    let skip = false;
    for (const name of node.inputs) {
      if (name === '') {
        infos.push(undefined);
        continue;
      }
      if (failed.has(name)) {
        skip = true;
        continue;
      }
      if (!ready.has(name)) {
        skip = true;
        if (producedLater.has(name))
          problems.push({ ...where, code: 'not-topological', reason: `input "${name}" is produced by a later node` });
        else
          problems.push({
            ...where,
            code: 'dangling-tensor',
            reason: `input "${name}" is not a graph input, a constant or any node's output`,
          });
        continue;
      }
      infos.push(tensors[name]);
    }
    if (!skip) {
      const count = node.inputs.length;
      const msgs =
        count < def.inputs.min || count > def.inputs.max
          ? [`takes ${def.inputs.min === def.inputs.max ? def.inputs.min : `${def.inputs.min} to ${def.inputs.max}`} inputs, got ${count}`]
          : def.validate(infos, node.attrs);
      for (const reason of msgs) problems.push({ ...where, code: 'invalid-model', reason });
      skip = msgs.length > 0;
    }
    if (skip) {
      node.outputs.forEach((o) => failed.add(o));
      continue;
    }
    const shapes = def.inferShapes(infos, node.attrs);
    node.outputs.forEach((name, i) => {
      const old = tensors[name];
      const dtype = old?.dtype ?? def.outputDtype?.(infos) ?? infos.find((t) => t)?.dtype ?? 'f32';
      tensors[name] = { ...(old ?? { name, dtype }), name, dtype, shape: shapes[i] };
      ready.add(name);
    });
  }
  throwProblems(problems, g.name, file);
  return { ...g, inputs: [...g.inputs], outputs: [...g.outputs], tensors, nodes: [...g.nodes] };
}
