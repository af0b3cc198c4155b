// Memory planner: the arena is never below the lower bound, and no tensor is overwritten while it is still needed, nor
// a kernel's scratch while its call runs, checked by simulating every node on random graphs byte by byte.
import { describe, expect, it } from 'vitest';
import type { Graph, Node, OpType, Tensor } from '../../src/ir/graph.ts';
import { planMemory, tensorBytes, type MemoryPlan } from '../../src/codegen/memory-planner.ts';

/** Deterministic PRNG (mulberry32) so a failure names a reproducible seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHAPES = [
  [1, 4, 4, 3],
  [1, 8],
  [1, 48],
  [1, 2, 2, 12],
  [1, 5, 5, 2],
  [1, 7],
];

function randomGraph(seed: number): Graph {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const tensors: Record<string, Tensor> = {};
  const mk = (name: string, shape: number[], dtype: Tensor['dtype'] = r() < 0.7 ? 'f32' : 'i8'): string => {
    tensors[name] = { name, shape, dtype };
    return name;
  };
  const avail = [mk('in', pick(SHAPES))];
  tensors.w = { name: 'w', shape: [2], dtype: 'f32', data: new Float32Array(2) };
  const nodes: Node[] = [];
  const count = 3 + Math.floor(r() * 18);
  for (let i = 0; i < count; i++) {
    const op = pick<OpType>(['Relu', 'Add', 'Conv2D', 'Reshape', 'Sigmoid', 'Concat', 'Mul']);
    // Prefer recent tensors so chains form, but sometimes reach back to keep old tensors alive.
    const choose = (): string =>
      avail[r() < 0.6 ? avail.length - 1 - Math.floor(r() * Math.min(2, avail.length)) : Math.floor(r() * avail.length)];
    const a = choose();
    const ta = tensors[a];
    const out = `t${i}`;
    if (op === 'Reshape') {
      mk(out, [1, tensorBytes({ tensors } as Graph, a) / (ta.dtype === 'f32' ? 4 : 1)], ta.dtype);
      nodes.push({ name: `n${i}`, op, inputs: [a], outputs: [out], attrs: { shape: tensors[out].shape } });
    } else if (op === 'Add' || op === 'Mul' || op === 'Concat') {
      const b = choose();
      mk(out, op === 'Concat' ? pick(SHAPES) : ta.shape, ta.dtype);
      const attrs = op === 'Concat' ? { axis: 1 } : { activation: 'none' as const };
      nodes.push({ name: `n${i}`, op, inputs: [a, b], outputs: [out], attrs } as Node);
    } else if (op === 'Conv2D') {
      mk(out, pick(SHAPES), ta.dtype);
      nodes.push({
        name: `n${i}`,
        op,
        inputs: [a, 'w', ''],
        outputs: [out],
        attrs: { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], groups: 1, activation: 'none' },
      });
    } else {
      mk(out, ta.shape, ta.dtype);
      nodes.push({ name: `n${i}`, op, inputs: [a], outputs: [out], attrs: {} } as Node);
    }
    avail.push(out);
  }
  const outputs = [avail[avail.length - 1]];
  if (r() < 0.3 && avail.length > 3) outputs.push(avail[1]);
  return { name: `random${seed}`, inputs: ['in'], outputs: [...new Set(outputs)], tensors, nodes, metadata: {} };
}

/** Runs the graph on tagged memory: each write stamps a content id; every read must still find its content. A node with
 *  scratch fills it before writing its output, and must find it intact after (and its inputs too). */
function simulate(g: Graph, plan: MemoryPlan): void {
  const arena = new Int32Array(plan.arenaBytes).fill(-1);
  const homes: Record<string, Int32Array> = {};
  const content = new Map<string, number>();
  let nextId = 0;
  const region = (t: string): [Int32Array, number] => {
    const b = plan.buffers[plan.bufferOf[t]];
    if (b.home === 'arena') return [arena, plan.offsets[t]];
    const key = `${b.home}${b.ioIndex}`;
    homes[key] ??= new Int32Array(4096).fill(-1);
    return [homes[key], 0];
  };
  const write = (t: string, id: number): void => {
    const [mem, off] = region(t);
    mem.fill(id, off, off + tensorBytes(g, t));
    content.set(t, id);
  };
  const check = (t: string, where: string): void => {
    const [mem, off] = region(t);
    const want = content.get(t)!;
    for (let i = off; i < off + tensorBytes(g, t); i++) {
      if (mem[i] !== want) throw new Error(`${g.name}: tensor ${t} clobbered before ${where}`);
    }
  };
  for (const t of g.inputs) write(t, nextId++);
  g.nodes.forEach((node, index) => {
    const acts = node.inputs.filter((x) => x && !g.tensors[x].data);
    for (const x of acts) check(x, node.name);
    const scratch = plan.scratch[index];
    const scratchId = nextId++;
    if (scratch) arena.fill(scratchId, scratch.offset, scratch.offset + scratch.bytes);
    const out = node.outputs[0];
    const same = node.op === 'Reshape' && plan.bufferOf[out] === plan.bufferOf[node.inputs[0]];
    write(out, same ? content.get(node.inputs[0])! : nextId++);
    if (!scratch) return;
    for (let i = scratch.offset; i < scratch.offset + scratch.bytes; i++) {
      if (arena[i] !== scratchId) throw new Error(`${g.name}: scratch of ${node.name} clobbered by its output`);
    }
    for (const x of acts) if (plan.bufferOf[x] !== plan.bufferOf[out]) check(x, `the end of ${node.name} (its scratch)`);
  });
  for (const t of g.outputs) check(t, 'the end');
}

describe('planMemory', () => {
  it("never places two live buffers (tensors or a kernel's scratch) on the same bytes and never goes below the lower bound (500 random graphs)", () => {
    let reused = 0;
    for (let seed = 1; seed <= 500; seed++) {
      const g = randomGraph(seed);
      // Conv2D kernels take scratch (odd sizes: the planner rounds them up to its alignment)
      const r = rng(seed + 1000);
      const scratch = g.nodes.map((n) => (n.op === 'Conv2D' && r() < 0.7 ? 1 + Math.floor(r() * 300) : 0));
      for (const inPlace of [true, false]) {
        const plan = planMemory(g, { inPlace, scratch });
        expect(Object.keys(plan.scratch).map(Number)).toEqual(scratch.flatMap((b, i) => (b > 0 ? [i] : [])));
        for (const [i, s] of Object.entries(plan.scratch)) expect(s.bytes).toBe(scratch[Number(i)]);
        expect(plan.arenaBytes, `seed ${seed}`).toBeGreaterThanOrEqual(plan.lowerBound);
        expect(plan.arenaBytes).toBeLessThanOrEqual(plan.naiveBytes);
        const arena = plan.buffers.filter((b) => b.home === 'arena');
        for (const b of arena) {
          expect(b.offset % 4).toBe(0);
          expect(b.offset + b.size).toBeLessThanOrEqual(plan.arenaBytes);
        }
        for (let i = 0; i < arena.length; i++) {
          for (let j = i + 1; j < arena.length; j++) {
            const [p, q] = [arena[i], arena[j]];
            const liveTogether = p.start <= q.end && q.start <= p.end;
            const shareBytes = p.offset < q.offset + q.size && q.offset < p.offset + p.size;
            expect(liveTogether && shareBytes, `seed ${seed}: buffers ${p.id} and ${q.id}`).toBe(false);
          }
        }
        simulate(g, plan);
        if (inPlace && plan.buffers.some((b) => b.tensors.length > 1)) reused++;
      }
    }
    expect(reused).toBeGreaterThan(100); // the in-place path really is exercised
  });

  it('runs a conv → relu → reshape → dense chain in two buffers, the arena equal to the two largest live tensors', () => {
    const t = (name: string, shape: number[]): Tensor => ({ name, shape, dtype: 'f32' });
    const w: Tensor = { name: 'w', shape: [1], dtype: 'f32', data: new Float32Array(1) };
    const g: Graph = {
      name: 'chain',
      inputs: ['x'],
      outputs: ['y'],
      metadata: {},
      tensors: {
        x: t('x', [1, 8, 8, 1]),
        c: t('c', [1, 8, 8, 4]),
        r: t('r', [1, 8, 8, 4]),
        f: t('f', [1, 256]),
        d: t('d', [1, 10]),
        y: t('y', [1, 10]),
        w,
      },
      nodes: [
        {
          name: 'conv',
          op: 'Conv2D',
          inputs: ['x', 'w', ''],
          outputs: ['c'],
          attrs: { strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1], groups: 1, activation: 'none' },
        },
        { name: 'relu', op: 'Relu', inputs: ['c'], outputs: ['r'], attrs: {} },
        { name: 'flat', op: 'Reshape', inputs: ['r'], outputs: ['f'], attrs: { shape: [1, 256] } },
        { name: 'fc', op: 'Dense', inputs: ['f', 'w', ''], outputs: ['d'], attrs: { activation: 'none' } },
        { name: 'sm', op: 'Softmax', inputs: ['d'], outputs: ['y'], attrs: { axis: -1, beta: 1 } },
      ],
    };
    const plan = planMemory(g);
    expect(plan.bufferOf.c).toBe(plan.bufferOf.r);
    expect(plan.bufferOf.r).toBe(plan.bufferOf.f);
    expect(plan.naiveBytes).toBe(1024 * 3 + 40);
    expect(plan.lowerBound).toBe(1024 + 40);
    expect(plan.arenaBytes).toBe(1064);
    const noReuse = planMemory(g, { inPlace: false });
    expect(noReuse.arenaBytes).toBe(2048); // d reuses c's bytes
    simulate(g, plan);
  });

  it('places a tensor living across layers first where that beats largest first (a banded chain between layers with large scratch)', () => {
    const t = (name: string, shape: number[]): Tensor => ({ name, shape, dtype: 'f32' });
    const w: Tensor = { name: 'w', shape: [1], dtype: 'f32', data: new Float32Array(1) };
    const g: Graph = {
      name: 'lifetimes',
      inputs: ['x'],
      outputs: ['y'],
      metadata: {},
      tensors: { x: t('x', [1, 16]), a: t('a', [1, 2048]), u: t('u', [1, 1]), b: t('b', [1, 1024]), y: t('y', [1, 1024]), w },
      nodes: [
        { name: 'r', op: 'Relu', inputs: ['x'], outputs: ['a'], attrs: {} },
        { name: 'q', op: 'Relu', inputs: ['x'], outputs: ['u'], attrs: {} },
        { name: 'fc', op: 'Dense', inputs: ['a', 'w', ''], outputs: ['b'], attrs: { activation: 'none' } },
        { name: 'sm', op: 'Softmax', inputs: ['b'], outputs: ['y'], attrs: { axis: -1, beta: 1 } },
      ],
    };
    // Largest first puts q's scratch at 0, a above it, fc's scratch at 0 again and b, too large for the gap left, on
    // top (22,784 B); a first fits the lower bound: a + b + fc's scratch.
    const plan = planMemory(g, { inPlace: false, scratch: [0, 10_496, 7_168, 0] });
    expect(plan.lowerBound).toBe(8192 + 4096 + 7168);
    expect(plan.arenaBytes).toBe(plan.lowerBound);
    simulate(g, plan);
  });
});
