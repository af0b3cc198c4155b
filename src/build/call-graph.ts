// The call graph and stack frames gcc reports with -fcallgraph-info=su (one VCG file per translation unit, `.ci`):
// each defined function's frame in bytes and its qualifier (as -fstack-usage's .su files give them), its direct
// callees, and where it calls through a pointer. Global functions are merged across files by name.

/** gcc's qualifier: 'static' (fixed frame), 'dynamic' (adds stack sized at run time: a variable-length array),
 *  'bounded' (dynamic, but the figure is an upper bound). */
export type FrameKind = 'static' | 'dynamic' | 'bounded';

export interface CallGraphFunction {
  /** Unique key: the name for global functions, `<file>:<name>` for static ones (gcc's node title). */
  id: string;
  name: string;
  /** The translation unit the function was compiled in. */
  unit: string;
  frameBytes: number;
  kind: FrameKind;
  /** Ids of the functions it calls directly (defined here or not). */
  callees: Set<string>;
  /** Calls through a function pointer. */
  indirectCalls: number;
}

export interface CallGraph {
  /** Functions with a body in one of the files. */
  defined: Map<string, CallGraphFunction>;
  /** Callee ids without a body in any file (library routines, compiler helpers), with their names. */
  external: Map<string, string>;
}

const NODE = /^node: \{ title: "([^"]*)" label: "([^"]*)"/;
const EDGE = /^edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)"/;
const GRAPH = /^graph: \{ title: "([^"]*)"/;
const FRAME = /^(\d+) bytes \((static|dynamic|dynamic,bounded)\)$/;
export const INDIRECT_CALL = '__indirect_call';

/** Reads the .ci files of one program into a call graph. Throws when a global function has two bodies. */
export function parseCallGraph(files: { path: string; text: string }[]): CallGraph {
  const defined = new Map<string, CallGraphFunction>();
  const names = new Map<string, string>();
  const edges: [string, string][] = [];
  for (const { path, text } of files) {
    let unit = path;
    for (const line of text.split('\n')) {
      const g = GRAPH.exec(line);
      if (g) {
        unit = g[1];
        continue;
      }
      const n = NODE.exec(line);
      if (n) {
        const [title, label] = [n[1], n[2]];
        const parts = label.split('\\n');
        names.set(title, parts[0]);
        const frame = FRAME.exec(parts[parts.length - 1] ?? '');
        if (!frame) continue;
        if (defined.has(title)) throw new Error(`${title} is defined in both ${defined.get(title)!.unit} and ${unit}`);
        const kind: FrameKind = frame[2] === 'static' ? 'static' : frame[2] === 'dynamic' ? 'dynamic' : 'bounded';
        defined.set(title, { id: title, name: parts[0], unit, frameBytes: Number(frame[1]), kind, callees: new Set(), indirectCalls: 0 });
        continue;
      }
      const e = EDGE.exec(line);
      if (e) edges.push([e[1], e[2]]);
    }
  }
  const external = new Map<string, string>();
  for (const [from, to] of edges) {
    const f = defined.get(from);
    if (!f) continue; // an edge from a declaration: gcc only draws edges from bodies, so this does not happen
    if (to === INDIRECT_CALL) {
      f.indirectCalls++;
      continue;
    }
    f.callees.add(to);
    if (!defined.has(to)) external.set(to, names.get(to) ?? to);
  }
  return { defined, external };
}

/** The defined function called `name` (global, or the one static function of that name), if any. */
export function findFunction(g: CallGraph, name: string): CallGraphFunction | undefined {
  const global = g.defined.get(name);
  if (global) return global;
  const statics = [...g.defined.values()].filter((f) => f.name === name);
  return statics.length === 1 ? statics[0] : undefined;
}
