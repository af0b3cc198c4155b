// generateModel: IR graph → model.c / model.h (or <name>.c/.h, model-names.ts) + the kernel sources it calls, through
// the Handlebars templates. Weights become const arrays; activations live in one arena planned from tensor lifetimes,
// addressed from the base <name>_init sets (a static default unless the caller gives one).
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { TinyforgeError } from '../diagnostics.ts';
import { packagePath, TOOL_VERSION } from '../package.ts';
import type { Graph, Node } from '../ir/graph.ts';
import { cComment, CNames } from './c-names.ts';
import { cInts, cList } from './c-literals.ts';
import { kernelDependencies, kernelSourcePath, readFirmwareFile } from './kernel-catalog.ts';
import { ioHelpers, ioLayout, ioMacros, type IoLayout } from './io-layout.ts';
import { ARENA_ALIGN, planMemory, tensorBytes, type MemoryPlan } from './memory-planner.ts';
import { modelHash } from './model-hash.ts';
import { boardKernelSet, type EmitContext, type KernelSet, type LayerKernel, type NodeContext, type OpEmission } from './op-emitter.ts';
import { convPoolFusions, emitConvPool, fusedScratchBytes } from './conv-pool.ts';
import { bandScratchRule, chainRuns, chainScratchBytes, chooseChains, emitBandChain, type BandChain } from './band-chain.ts';
import { emitterFor, kernelChoicesFor, kernelInPlaceRuleFor, scratchRuleFor, streamEmitterFor } from './ops/index.ts';
import { streamForm, type StreamForm } from './stream-form.ts';
import { C_TYPE, WeightTable } from './weights.ts';
import { storageProblems } from '../packing/storage.ts';
import type { WeightFlash } from '../packing/flash-bytes.ts';
import { libFiles } from './lib-files.ts';
import { modelNames, type ModelNames } from './model-names.ts';

export interface GenerateOptions {
  /** The board's kernel choice (`boards/<id>.json` field "kernels"): 'cortex-m-dsp' picks SMLAD variants,
   *  'cortex-m-mla' the MLA ones of cores without the DSP extension. */
  board?: { kernels?: string };
  /** Per layer (node name), the kernel set and kernel to use instead of the board's: what `--tune` measured fastest. */
  layerKernels?: Record<string, LayerKernel>;
  /** Emit a self-contained C library folder (CMakeLists.txt, tinyforge_model.mk) instead of sources for our main. */
  lib?: boolean;
  /** `--name`: the id every file, symbol and macro of the model carries (model-names.ts); default DEFAULT_MODEL_ID. */
  name?: string;
  /** `--stream`: emit the streaming form (stream-form.ts): `<id>_reset()`, `<id>_step(frame, output)` with the recurrent
   *  state in its own static buffer, and `<id>_run` = reset + one step per frame of the whole sequence. */
  stream?: boolean;
  /** Fuse each int8 Conv2D into the MaxPool reading it where conv-pool.ts can, and band the chains of int8 convs
   *  band-chain.ts picks (default true; `--no-fuse` turns both off). The streaming form never fuses or bands. */
  fuse?: boolean;
}

/** The streaming form of a generated model: what `<id>_run` loops over and the state it keeps. */
export interface GeneratedStream {
  steps: number;
  /** Bytes of one frame: `<id>_step`'s input. */
  stepInputBytes: number;
  /** Bytes of the static state buffer (`<ID>_STATE_BYTES`), apart from the arena. */
  stateBytes: number;
}

export interface GeneratedModel {
  /** Relative path → content: model.c, model.h, tfg/kernels/<family>/*.c for the kernels the model calls, the
   *  tfg/include/*.h and tfg/support/*.c they need (and the build files in lib mode). */
  files: Record<string, string>;
  /** The .c files of `files` to compile (model.c first). */
  sources: string[];
  arenaBytes: number;
  naiveBytes: number;
  lowerBound: number;
  /** Flash bytes of every constant array (alignment included): Σ weightArrays' bytes. */
  weightBytes: number;
  /** Each constant in flash: bytes, deployed format, and what a kernel's own layout adds (DSP re-laid rows). */
  weightArrays: WeightFlash[];
  /** Kernel functions the model calls, sorted. */
  kernels: string[];
  /** Per node, in graph order, the kernel function its call runs (null: no call, e.g. an aliased Reshape). */
  nodeKernels: (string | null)[];
  hash: number;
  plan: MemoryPlan;
  /** Where each graph input/output sits in the packed input/output buffer. */
  io: IoLayout;
  /** The model's file, symbol and macro names. */
  names: ModelNames;
  /** Layers run inside another: convs fused into the MaxPool reading them (conv-pool.ts), conv node name → pool node
   *  name, and banded chains' layers (band-chain.ts), node name → the chain's last node name. */
  fused: Record<string, string>;
  /** The banded chains (band-chain.ts): their nodes in order, the last one's output rows per step and the most rows
   *  each layer makes a call. */
  bands: { nodes: string[]; rowsPerStep: number; caps: number[] }[];
  /** With `stream`: the streaming form's figures (the plan, kernels and layers are then those of one step). */
  stream?: GeneratedStream;
}

/** Pointer to a slot of the caller's packed input or output buffer. */
function ioPtr(ctype: string, buffer: 'input' | 'output', offset: number): string {
  if (offset === 0) return `(${ctype} *)${buffer}`;
  return `(${ctype} *)((${buffer === 'input' ? 'const ' : ''}uint8_t *)${buffer} + ${offset})`;
}

const template = (name: string) =>
  Handlebars.compile(readFileSync(packagePath('templates', 'model', name), 'utf8'), { noEscape: true, strict: true });

/** The context a node's kernel choice reads under a kernel set, with the kernel --tune chose for it, if any. */
function choiceContext<N extends Node>(g: Graph, node: N, kernels: KernelSet, variant?: string): NodeContext<N> {
  return {
    g,
    node,
    kernels,
    ...(variant !== undefined ? { variant } : {}),
    input: (i) => (node.inputs[i] ? g.tensors[node.inputs[i]] : undefined),
    output: (i = 0) => g.tensors[node.outputs[i]],
  };
}

/** The kernels a node can run on under `set`, its op's own first, or [] when its op has nothing to choose there. */
export function kernelChoices(g: Graph, node: Node, set: KernelSet): string[] {
  const rule = kernelChoicesFor(node.op);
  if (!rule) return [];
  try {
    const choices = rule(choiceContext(g, node, set));
    return choices.length > 1 ? choices : [];
  } catch (err) {
    if (err instanceof TinyforgeError) return []; // a node no kernel can run: its emitter says why
    throw err;
  }
}

interface Layer {
  index: number;
  comment: string;
  call: string;
  /** A fused layer's C statements, in place of `call`. */
  block?: string;
  outPtr: string;
  outBytes: number;
}

export function generateModel(full: Graph, opts: GenerateOptions = {}): GeneratedModel {
  const form: StreamForm | undefined = opts.stream ? streamForm(full) : undefined;
  // What the layers compute: the whole graph, or in the streaming form one time step of it.
  const g = form?.step ?? full;
  const where = { file: g.metadata.source?.path };
  if (g.inputs.length === 0 || g.outputs.length === 0) {
    throw new TinyforgeError(
      'unsupported-model',
      `model "${g.name}" has ${g.inputs.length} inputs and ${g.outputs.length} outputs; generated C needs at least one of each`,
      {
        location: where,
        hint: 'export the model with its input and output tensors marked as graph inputs/outputs',
      },
    );
  }
  // A storage a recipe step chose is deployed as such or not at all: never emitted dense behind the report's back.
  const storage = storageProblems(g);
  if (storage.length > 0) {
    const first = storage[0];
    throw new TinyforgeError(
      'storage-not-deployable',
      `${storage.length} layer${storage.length > 1 ? 's' : ''} of "${g.name}" cannot be deployed with the weight storage the recipe chose`,
      {
        location: { ...where, node: first.node, op: first.op },
        notes: storage.map((p) => `layer "${p.node}" (${p.op}), weights "${p.tensor}": ${p.combination}`),
        hint: 'change the recipe step that set this storage, or give that step "on_unsupported": "skip" so such layers stay as they are (with a warning)',
      },
    );
  }
  const unknown = Object.keys(opts.layerKernels ?? {}).filter((name) => !g.nodes.some((n) => n.name === name));
  if (unknown.length > 0) {
    throw new TinyforgeError(
      'bad-argument',
      `kernel choices name ${unknown.length} layer(s) "${g.name}" does not have: ${unknown.slice(0, 3).join(', ')}`,
      {
        location: { field: '--kernels-from' },
        hint: 'the choices were tuned for another model or recipe: tune this one with `deploy --tune`',
      },
    );
  }
  const names = modelNames(opts.name);
  const io = ioLayout(g);
  const kernelSet: KernelSet = boardKernelSet(opts.board?.kernels);
  // The model's own symbols are reserved, so no weight or layer parameter can take one of them.
  const cNames = new CNames([
    names.run,
    names.init,
    names.defaultArena,
    names.arenaBase,
    names.checkStreams,
    names.streamsChecked,
    ...(form ? [names.reset, names.step, names.state, names.stepLayers] : []),
  ]);
  const weightTable = new WeightTable(g, cNames);
  for (const node of g.nodes) {
    const chosen = opts.layerKernels?.[node.name];
    if (chosen?.kernel === undefined) continue;
    const choices = kernelChoices(g, node, chosen.set);
    if (!choices.includes(chosen.kernel)) {
      throw new TinyforgeError(
        'bad-argument',
        `layer "${node.name}" (${node.op}) cannot run on ${chosen.kernel} under the ${chosen.set} kernels` +
          (choices.length > 0 ? `: its choices there are ${choices.join(', ')}` : ': it has one kernel there'),
        {
          location: { field: '--kernels-from', node: node.name, op: node.op },
          hint: 'the choices were tuned for another model, recipe or tinyforge version: tune this one with `deploy --tune`',
        },
      );
    }
  }
  const nodeContext = <N extends Node>(node: N): NodeContext<N> => {
    const chosen = opts.layerKernels?.[node.name];
    return choiceContext(g, node, chosen?.set ?? kernelSet, chosen?.kernel);
  };
  // Each layer's kernel scratch, sized by its op's scratch rule, is placed by the planner like a tensor that lives
  // during that layer only; the in-place rules say which layers may write over their input. A node a rule cannot
  // judge gets the answer `otherwise` here (no scratch, not in place): its emitter reports the problem below.
  const askRule = <T>(answer: () => T, otherwise: T): T => {
    try {
      return answer();
    } catch (err) {
      if (err instanceof TinyforgeError) return otherwise;
      throw err;
    }
  };
  const scratch = g.nodes.map((node) => {
    const rule = form ? streamEmitterFor(node.op).scratch : scratchRuleFor(node.op);
    return rule ? askRule(() => rule({ ...nodeContext(node), stream: (name) => weightTable.stream(name) }), 0) : 0;
  });
  const kernelInPlace = g.nodes.map((node) => {
    const rule = kernelInPlaceRuleFor(node.op);
    return rule ? askRule(() => rule(nodeContext(node)), false) : false;
  });
  // A fused conv's scratch becomes its pool's, after the band of conv rows the pool reads; its output is not stored.
  const fusions = form || opts.fuse === false ? [] : convPoolFusions(g, nodeContext, (i) => scratch[i]);
  for (const f of fusions) {
    scratch[f.pool] = fusedScratchBytes(f);
    scratch[f.conv] = 0;
    kernelInPlace[f.conv] = false;
  }
  // Banded chains (band-chain.ts) where they shrink the arena: a chain's layers take no scratch or output of their
  // own; its last layer's scratch holds the windows of rows and the kernels' scratch.
  const ruleScratch = [...scratch];
  const planFor = (chains: readonly BandChain[]): MemoryPlan => {
    const s = [...scratch];
    const inPlace = [...kernelInPlace];
    const pairs = fusions.map((f) => ({ node: f.conv, into: f.pool }));
    for (const c of chains) {
      const last = c.nodes[c.nodes.length - 1];
      for (const i of c.nodes) {
        s[i] = 0;
        inPlace[i] = false;
        if (i !== last) pairs.push({ node: i, into: last });
      }
      s[last] = chainScratchBytes(c);
    }
    return planMemory(g, { scratch: s, kernelInPlace: inPlace, fused: pairs });
  };
  const chains =
    form || opts.fuse === false
      ? []
      : chooseChains(
          g,
          chainRuns(g, new Set(fusions.flatMap((f) => [f.conv, f.pool]))),
          bandScratchRule(g, nodeContext, ruleScratch),
          (cs) => planFor(cs).arenaBytes,
        );
  const plan = planFor(chains);

  const ptr = (name: string): string => {
    if (!name) return 'NULL';
    if (weightTable.isWeight(name)) return weightTable.ref(name);
    const t = g.tensors[name];
    const buf = plan.buffers[plan.bufferOf[name]];
    if (!buf) throw new Error(`tensor ${name} has no buffer`);
    const ctype = C_TYPE[t.dtype];
    if (buf.home === 'input') return ioPtr(`const ${ctype}`, 'input', io.inputs[buf.ioIndex].offset);
    if (buf.home === 'output') return ioPtr(ctype, 'output', io.outputs[buf.ioIndex].offset);
    return `(${ctype} *)(arena + ${plan.offsets[name]})`;
  };

  const params: string[] = [];
  // The streaming form's persistent state: each layer's block in the static state buffer, and how <id>_reset fills it.
  let stateBytes = 0;
  const resets: string[] = [];
  const persistent = (rows: { bytes: number; initial?: string }[]): string => {
    const offset = stateBytes;
    for (const row of rows) {
      const at = `${names.state} + ${stateBytes}`;
      const init = row.initial ? g.tensors[row.initial] : undefined;
      if (init && !init.data) throw new Error(`initial state "${row.initial}" is not a constant`);
      if (init && tensorBytes(g, init.name) !== row.bytes)
        throw new Error(`initial state "${row.initial}" has ${tensorBytes(g, init.name)} B, its state row ${row.bytes} B`);
      resets.push(init ? `memcpy(${at}, ${weightTable.ref(init.name)}, ${row.bytes}u);` : `memset(${at}, 0, ${row.bytes}u);`);
      stateBytes += row.bytes;
    }
    stateBytes = Math.ceil(stateBytes / 8) * 8;
    return `(${names.state} + ${offset})`;
  };
  const layers: Layer[] = [];
  const kernels = new Set<string>();
  const nodeKernels: (string | null)[] = g.nodes.map(() => null);
  const problems: { node: Node; err: TinyforgeError }[] = [];
  const layerIds = new Map<number, string>();
  const layerId = (index: number): string => {
    if (!layerIds.has(index)) layerIds.set(index, cNames.name(g.nodes[index].name, `l${index}_`));
    return layerIds.get(index)!;
  };
  const emitContext = <N extends Node>(node: N, index: number): EmitContext<N> => ({
    ...nodeContext(node),
    ptr,
    scratch: (bytes) => {
      if (bytes !== scratch[index])
        throw new Error(
          `node "${node.name}": its kernel takes ${bytes} B of scratch, its op's scratch rule gave ${scratch[index]} B (codegen disagrees with itself)`,
        );
      const s = plan.scratch[index];
      return s ? `arena + ${s.offset}, ${s.bytes}` : 'NULL, 0';
    },
    weight: (name, relaid) => weightTable.ref(name, relaid),
    aliased: (a, b) => plan.bufferOf[a] !== undefined && plan.bufferOf[a] === plan.bufferOf[b],
    packed: (name) => weightTable.packed(name),
    ...(form ? { persistent } : {}),
    declare: (suffix, ctype, init) => {
      const id = `${layerId(index)}_${suffix}`;
      const isArray = ctype.endsWith('[]');
      params.push(`static const ${isArray ? ctype.slice(0, -2) : ctype} ${id}${isArray ? '[]' : ''} = ${init};`);
      return id;
    },
    int32Array: (suffix, values) => {
      const id = `${layerId(index)}_${suffix}`;
      params.push(`static const int32_t ${id}[${Math.max(1, values.length)}] = {\n${cList(cInts(values), 12)}\n};`);
      return id;
    },
  });
  const fused: Record<string, string> = {};
  for (const f of fusions) fused[g.nodes[f.conv].name] = g.nodes[f.pool].name;
  for (const c of chains) for (const i of c.nodes.slice(0, -1)) fused[g.nodes[i].name] = g.nodes[c.nodes[c.nodes.length - 1]].name;
  // A chain layer's emit context: its scratch checked against its op's scratch rule (the chain places it).
  const chainContext = (i: number): EmitContext => ({
    ...emitContext(g.nodes[i], i),
    scratch: (bytes) => {
      if (bytes !== ruleScratch[i])
        throw new Error(
          `node "${g.nodes[i].name}": its kernel takes ${bytes} B of scratch, its op's scratch rule gave ${ruleScratch[i]} B`,
        );
      return '';
    },
  });
  g.nodes.forEach((node: Node, index) => {
    layerId(index);
    const out = node.outputs[0];
    const comment = cComment(`${node.name} (${node.op}) → ${out} [${g.tensors[out].shape.join(', ')}] ${g.tensors[out].dtype}`);
    const chain = chains.find((c) => c.nodes.includes(index));
    const into = Object.hasOwn(fused, node.name) ? fused[node.name] : undefined; // a node may be named "constructor"
    if (into !== undefined) {
      // Computed a band of rows at a time inside a later layer: no output of its own for the hook to show.
      layers.push({
        index,
        comment: `${comment}, ${chain ? 'banded' : 'fused'} into ${cComment(into)}`,
        call: '',
        outPtr: 'NULL',
        outBytes: 0,
      });
      return;
    }
    const fusion = fusions.find((f) => f.pool === index);
    try {
      const ctx = emitContext(node, index);
      let e: OpEmission & { block?: string };
      if (fusion) {
        const conv = g.nodes[fusion.conv] as Node<'Conv2D'>;
        const f = emitConvPool(
          fusion,
          emitContext(conv, fusion.conv),
          ctx as EmitContext<Node<'MaxPool'>>,
          emitterFor('Conv2D'),
          emitterFor('MaxPool'),
          plan.scratch[index].offset,
        );
        for (const k of f.kernels) kernels.add(k);
        nodeKernels[fusion.conv] = f.kernels[0];
        e = { kernel: f.kernels[1], call: '', block: f.block };
      } else if (chain) {
        const b = emitBandChain(
          chain,
          chain.nodes.map(chainContext),
          chain.nodes.map((i) => emitterFor(g.nodes[i].op) as (ctx: EmitContext) => OpEmission),
          plan.scratch[index].offset,
        );
        chain.nodes.slice(0, -1).forEach((i, k) => (nodeKernels[i] = b.kernels[k]));
        for (const k of b.kernels) kernels.add(k);
        e = { kernel: b.kernels[b.kernels.length - 1], call: '', block: b.block };
      } else e = (form ? streamEmitterFor(node.op).emit : emitterFor(node.op))(ctx);
      if (e.kernel) kernels.add(e.kernel);
      nodeKernels[index] = e.kernel;
      layers.push({
        index,
        comment: fusion
          ? `${comment}, with ${cComment(g.nodes[fusion.conv].name)} fused in`
          : chain
            ? `${comment}, with ${chain.nodes
                .slice(0, -1)
                .map((i) => cComment(g.nodes[i].name))
                .join(', ')} banded in`
            : comment,
        call: e.call,
        ...(e.block ? { block: e.block } : {}),
        outPtr: ptr(out),
        outBytes: tensorBytes(g, out),
      });
    } catch (err) {
      if (!(err instanceof TinyforgeError)) throw err;
      problems.push({ node, err });
    }
  });
  if (problems.length > 0) {
    // Each emitter's own diagnostic is kept whole (code, location, hint); the summary takes their code when they share one.
    const codes = new Set(problems.map((p) => p.err.code));
    throw new TinyforgeError(
      codes.size === 1 ? problems[0].err.code : 'unsupported-graph',
      `${problems.length} node${problems.length > 1 ? 's' : ''} of "${g.name}" cannot be compiled to C`,
      {
        location: where,
        notes: problems.map(
          ({ node, err }) => `node "${node.name}" (${node.op}): ${err.message.replace(`node "${node.name}" (${node.op}): `, '')}`,
        ),
        related: problems.map((p) => p.err.diagnostic),
        hint: 'keep these layers in float (exclude them from int8 quantization) or change them in the model',
      },
    );
  }

  // An output that is not computed into its own slot (a graph input, a constant, a tensor listed twice) is copied there.
  const copies: string[] = [];
  io.outputs.forEach((slot, k) => {
    const buf = plan.buffers[plan.bufferOf[slot.tensor]];
    if (buf && buf.home === 'output' && buf.ioIndex === k) return;
    kernels.add('tfg_copy_x8');
    copies.push(
      `status = tfg_copy_x8(${slot.bytes}, ${ptr(slot.tensor)}, ${ioPtr('uint8_t', 'output', slot.offset)});\n  if (status != TFG_OK) return (int32_t)status;`,
    );
  });
  const weights = weightTable.arrays();
  const hash = modelHash(full);
  const fullIo = form ? ioLayout(full) : io;
  const kernelList = [...kernels].sort();
  const view = {
    modelName: cComment(full.name),
    source: cComment(full.metadata.source?.path ?? 'in-memory graph'),
    names,
    guard: names.guard,
    hash: `0x${hash.toString(16).padStart(8, '0')}u`,
    inputMacros: ioMacros(full, names.macro, 'INPUT', fullIo.inputs, fullIo.inputBytes),
    outputMacros: ioMacros(full, names.macro, 'OUTPUT', fullIo.outputs, fullIo.outputBytes),
    arenaBytes: plan.arenaBytes,
    arenaAlign: ARENA_ALIGN,
    version: TOOL_VERSION,
    helpers: [ioHelpers(full, names, 'INPUT', fullIo.inputs), ioHelpers(full, names, 'OUTPUT', fullIo.outputs)].filter(Boolean).join('\n'),
    numLayers: g.nodes.length,
    naiveBytes: plan.naiveBytes,
    lowerBound: plan.lowerBound,
    kernelSet,
    weights: weights.map((w) => w.decl).join('\n\n'),
    params: params.join('\n'),
    layers,
    inputNames: cComment(g.inputs.join('", "')),
    outputNames: cComment(g.outputs.join('", "')),
    copies,
    streamCheck: weightTable
      .huffStreams()
      .map((id) => `tfg_huff_verify(&${id})`)
      .join(' &&\n      '),
    stream: form ? { steps: form.steps, stepInputBytes: form.frameBytes, stateBytes, resets } : false,
    // memcpy/memset of the streaming form's reset, memmove of a banded chain's windows
    stringH: form !== undefined || chains.length > 0,
  };
  const files: Record<string, string> = {
    [names.header]: template('model.h.hbs')(view),
    [names.source]: template('model.c.hbs')(view),
  };
  // The kernels the model calls, the headers they include and the support code of those headers (each file once).
  const kernelFiles = kernelList.map(kernelSourcePath);
  const deps = kernelDependencies(kernelFiles);
  for (const h of deps.headers) files[`tfg/${h}`] = readFirmwareFile(h);
  const sources = [names.source];
  for (const rel of [...kernelFiles, ...deps.sources]) {
    files[`tfg/${rel}`] = readFirmwareFile(rel);
    sources.push(`tfg/${rel}`);
  }
  if (opts.lib) Object.assign(files, libFiles({ names, sources, hash: view.hash, arenaBytes: plan.arenaBytes }));
  return {
    files,
    sources,
    arenaBytes: plan.arenaBytes,
    naiveBytes: plan.naiveBytes,
    lowerBound: plan.lowerBound,
    weightBytes: weights.reduce((s, w) => s + w.bytes, 0),
    weightArrays: weights.map(({ tensor, bytes, format, layoutBytes }) => ({ tensor, bytes, format, layoutBytes })),
    kernels: kernelList,
    nodeKernels,
    hash,
    plan,
    io: fullIo,
    names,
    fused,
    bands: chains.map((c) => ({ nodes: c.nodes.map((i) => g.nodes[i].name), rowsPerStep: c.rowsPerStep, caps: c.caps })),
    ...(form ? { stream: { steps: form.steps, stepInputBytes: form.frameBytes, stateBytes } } : {}),
  };
}
