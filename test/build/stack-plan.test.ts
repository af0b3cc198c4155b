// The stack plan: gcc's call-graph files read right, library frames read from objdump right, and the plan for real
// firmware (arm-none-eabi-gcc, riscv64-unknown-elf-gcc) takes the deepest chain of fixed frames (kernel scratch lives in
// the arena; a frame sized at run time is refused) and an interrupt on top; the fit check refuses a model whose planned
// stack does not fit the board's RAM.
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/build/boards.ts';
import { parseCallGraph } from '../../src/build/call-graph.ts';
import { checkFits } from '../../src/build/fit-check.ts';
import { libraryDepth, parseObjdump, stackDecrement } from '../../src/build/library-frames.ts';
import { exceptionFrameBytes, planStack, STACK_GUARD_BYTES, type StackPlan } from '../../src/build/stack-plan.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { generateModel } from '../../src/codegen/generate.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph } from '../../src/ir/graph.ts';

function mlp(inputs: number, seed = 3): Graph {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.2;
  const b = new GraphBuilder('stack-mlp');
  b.input('x', [1, inputs]);
  const w1 = b.constant('fc1.weight', Float32Array.from({ length: 16 * inputs }, rnd), [16, inputs]);
  const b1 = b.constant('fc1.bias', Float32Array.from({ length: 16 }, rnd), [16]);
  const h = b.node('Dense', ['x', w1, b1], { activation: 'relu' }, 'hidden');
  const w2 = b.constant('fc2.weight', Float32Array.from({ length: 160 }, rnd), [10, 16]);
  const b2 = b.constant('fc2.bias', Float32Array.from({ length: 10 }, rnd), [10]);
  b.output(b.node('Dense', [h, w2, b2], { activation: 'none' }, 'logits'));
  return b.build();
}

async function int8(g: Graph): Promise<Graph> {
  const n = g.tensors[g.inputs[0]].shape[1];
  const calibration = [0.1, 0.5, 0.9].map((v) => ({ x: Float32Array.from({ length: n }, (_, i) => (v * (i % 7)) / 7) }));
  return (await runPipeline(g, [{ step: 'quantize-int8' }], { data: { calibration } as never })).ir;
}

async function rejection(p: Promise<unknown>): Promise<TinyforgeError> {
  try {
    await p;
  } catch (e) {
    return e as TinyforgeError;
  }
  throw new Error('expected a rejection');
}

describe('call graph (-fcallgraph-info=su)', () => {
  const main = [
    'graph: { title: "/p/main.c"',
    'node: { title: "/p/main.c:serve" label: "serve\\n/p/main.c:13:13\\n3280 bytes (static)" }',
    'node: { title: "tfg_serve" label: "tfg_serve\\n/p/tfg_runtime.h:58:6" shape : ellipse }',
    'edge: { sourcename: "/p/main.c:serve" targetname: "tfg_serve" label: "/p/main.c:25:5" }',
    'node: { title: "main" label: "main\\n/p/main.c:28:5\\n8 bytes (static)" }',
    'node: { title: "__indirect_call" label: "Indirect Call Placeholder" shape : ellipse }',
    'edge: { sourcename: "main" targetname: "__indirect_call" label: "/p/main.c:31:5" }',
    '}',
  ].join('\n');
  const serve = [
    'graph: { title: "/p/tfg_serve.c"',
    'node: { title: "tfg_serve" label: "tfg_serve\\n/p/tfg_serve.c:202:6\\n408 bytes (static)" }',
    'node: { title: "tfg_dense_f32_huff" label: "tfg_dense_f32_huff\\n/p/k.c:7:12\\n264 bytes (dynamic)" }',
    'node: { title: "tfg_x" label: "tfg_x\\n/p/k.c:9:12\\n40 bytes (dynamic,bounded)" }',
    'node: { title: "__aeabi_fadd" label: "__aeabi_fadd\\n<built-in>" shape : ellipse }',
    'edge: { sourcename: "tfg_serve" targetname: "__aeabi_fadd" }',
    'edge: { sourcename: "tfg_serve" targetname: "tfg_dense_f32_huff" }',
    '}',
  ].join('\n');

  it('merges global functions across files, keeps statics per file, and sorts out frames, pointer calls and externals', () => {
    const g = parseCallGraph([
      { path: 'main.ci', text: main },
      { path: 'tfg_serve.ci', text: serve },
    ]);
    expect([...g.defined.keys()].sort()).toEqual(['/p/main.c:serve', 'main', 'tfg_dense_f32_huff', 'tfg_serve', 'tfg_x']);
    expect(g.defined.get('/p/main.c:serve')).toMatchObject({ name: 'serve', unit: '/p/main.c', frameBytes: 3280, kind: 'static' });
    expect([...g.defined.get('/p/main.c:serve')!.callees]).toEqual(['tfg_serve']); // the declaration in main.c is tfg_serve.c's body
    expect(g.defined.get('tfg_dense_f32_huff')!.kind).toBe('dynamic');
    expect(g.defined.get('tfg_x')!.kind).toBe('bounded');
    expect(g.defined.get('main')!.indirectCalls).toBe(1);
    expect([...g.external.entries()]).toEqual([['__aeabi_fadd', '__aeabi_fadd']]);
  });

  it('refuses a global function with two bodies', () => {
    expect(() =>
      parseCallGraph([
        { path: 'a.ci', text: serve },
        { path: 'b.ci', text: serve },
      ]),
    ).toThrow(/tfg_serve is defined in both/);
  });
});

describe('library frames (objdump)', () => {
  it('counts every way Thumb and RISC-V code moves the stack pointer down', () => {
    expect(stackDecrement('push', '{r4, r5, r6, r7, lr}')).toBe(20);
    expect(stackDecrement('push.w', '{r4, r5, r6, r7, r8, r9, sl, fp, lr}')).toBe(36);
    expect(stackDecrement('stmdb', 'sp!, {r4-r11, lr}')).toBe(36);
    expect(stackDecrement('vpush', '{d8-d15}')).toBe(64);
    expect(stackDecrement('vpush', '{s16}')).toBe(4);
    expect(stackDecrement('sub', 'sp, #244')).toBe(244);
    expect(stackDecrement('sub.w', 'sp, sp, #1040')).toBe(1040);
    expect(stackDecrement('subw', 'sp, sp, #1152')).toBe(1152);
    expect(stackDecrement('str.w', 'lr, [sp, #-4]!')).toBe(4);
    expect(stackDecrement('sub', 'sp, r3')).toBe('register');
    expect(stackDecrement('add', 'sp, #16')).toBe(0);
    expect(stackDecrement('pop', '{r4, pc}')).toBe(0);
    expect(stackDecrement('addi', 'sp,sp,-48')).toBe(48);
    expect(stackDecrement('addi', 'sp,sp,48')).toBe(0);
    expect(stackDecrement('sub', 'sp,sp,a5')).toBe('register');
  });

  it('reads routines, their aliases (one body, two names), calls by relocation and tail jumps into another routine', () => {
    const text = [
      'In archive libgcc.a:',
      '',
      '_divsi3.o:     file format elf32-littlearm',
      '',
      'SYMBOL TABLE:',
      '00000000 l    d  .text\t00000000 .text',
      '00000000 g     F .text\t00000120 .hidden __divsi3',
      '00000000 g     F .text\t00000000 .hidden __aeabi_idiv',
      '00000120 g     F .text\t00000010 .hidden __aeabi_idivmod',
      '',
      'Disassembly of section .text:',
      '',
      '00000000 <__divsi3>:',
      '   0:\tb510      \tpush\t{r4, lr}',
      '   2:\tbd10      \tpop\t{r4, pc}',
      '',
      '00000120 <__aeabi_idivmod>:',
      ' 120:\t2900      \tcmp\tr1, #0',
      ' 122:\te716      \tb.n\t0 <__divsi3>',
      '',
      'e_expf.o:     file format elf32-littlearm',
      '',
      'Disassembly of section .text.expf:',
      '',
      '00000000 <expf>:',
      '   0:\tb508      \tpush\t{r3, lr}',
      '   2:\ted2d 8b02 \tvpush\t{d8}',
      '   6:\tb082      \tsub\tsp, #8',
      '   a:\tf7ff fffe \tbl\t0 <__ieee754_expf>',
      '\t\t\ta: R_ARM_THM_CALL\t__ieee754_expf',
      '   e:\t4b16      \tldr\tr3, [pc, #88]\t@ (68 <expf+0x68>)',
      '',
      '00000040 <__ieee754_expf>:',
      '  40:\tb5f0      \tpush\t{r4, r5, r6, r7, lr}',
    ].join('\n');
    const r = parseObjdump(text);
    expect(r.get('__aeabi_idiv')).toBe(r.get('__divsi3'));
    expect(r.get('__divsi3')!.frameBytes).toBe(8);
    expect([...r.get('__aeabi_idivmod')!.callees]).toEqual(['__divsi3']);
    expect(r.get('expf')).toMatchObject({ frameBytes: 8 + 8 + 8, unbounded: false });
    expect([...r.get('expf')!.callees]).toEqual(['__ieee754_expf']);
    expect(libraryDepth(r, 'expf')).toEqual({ bytes: 24 + 20, chain: ['expf 24', '__ieee754_expf 20'] });
    expect(libraryDepth(r, 'memcpy')).toBeNull();
  });
});

describe('stack plan of real firmware', () => {
  it('int8 MLP on mps2-an386: the deepest chain from reset through the serial main and the model, plus an FP interrupt', async () => {
    const board = loadBoard('mps2-an386');
    const g = await int8(mlp(784));
    const gen = generateModel(g, { board });
    const p = (await planStack(board, gen)) as StackPlan;
    expect(p.planned).toBe(true);
    const names = p.chain.map((c) => c.split(' ')[0]);
    expect(names.slice(0, 4)).toEqual(['Reset_Handler', 'main', 'tfg_port_start', 'serve']);
    expect(names).toContain('tfg_model_run');
    const frame = (n: string) => Number(p.chain.find((c) => c.startsWith(`${n} `))!.split(' ')[1]);
    // The serial main holds the receive buffer for the 784-byte input on its frame.
    expect(frame('serve')).toBeGreaterThan(784);
    expect(p.chain).toContain(`exception entry ${exceptionFrameBytes(board)}`);
    expect(exceptionFrameBytes(board)).toBe(108); // Cortex-M4F with a live FP context
    expect(p.interruptBytes).toBeGreaterThanOrEqual(108);
    const sum = p.chain.reduce(
      (s, c) =>
        s +
        c
          .split(' ')
          .slice(1)
          .filter((x) => /^\d+$/.test(x))
          .reduce((a, x) => a + Number(x), 0),
      0,
    );
    expect(sum).toBe(p.plannedBytes);
    expect(p.limitBytes).toBe(Math.ceil(p.plannedBytes / 8) * 8 + STACK_GUARD_BYTES);
    expect(p.modelBytes).toBeGreaterThan(0);
    expect(p.modelBytes).toBeLessThan(p.plannedBytes - frame('serve'));
    expect(p.staticRamBytes).toBeGreaterThanOrEqual(gen.arenaBytes);
    expect(((await planStack(board, gen, { stackBytes: 3001 })) as StackPlan).limitBytes).toBe(3008);
  }, 60_000);

  it('a Huffman-coded layer decodes in arena scratch: every frame is fixed, and a frame sized at run time is refused', async () => {
    const board = loadBoard('microbit');
    const { ir } = await runPipeline(mlp(64), [
      { step: 'prune-weights', sparsity: 0.8, epochs: 0 },
      { step: 'cluster', bits: 3, epochs: 0 },
      { step: 'huffman' },
    ]);
    const gen = generateModel(ir, { board });
    expect(gen.kernels).toContain('tfg_dense_f32_huff');
    // at least the 8-entry codebook as floats, in the arena beside the layers' tensors
    expect(
      Object.values(gen.plan.scratch)
        .map((x) => x.bytes)
        .every((b) => b > 8 * 4),
    ).toBe(true);
    expect(Object.keys(gen.plan.scratch)).toHaveLength(2);
    const p = (await planStack(board, gen)) as StackPlan;
    expect(p.planned).toBe(true);
    expect(p.chain.filter((c) => !/^(\S+ \d+( \(library\))?|exception entry \d+)$/.test(c))).toEqual([]); // fixed frames only
    expect(p.chain).toContain('exception entry 36'); // Cortex-M0: 8 words + alignment
    // A function whose frame grows at run time (alloca; -Wvla already refuses variable-length arrays) cannot be planned.
    const grow =
      '#include <stdint.h>\nint32_t tfg_grow(int32_t n) {\n  volatile char *p = __builtin_alloca((unsigned)n);\n  p[0] = 1;\n  return p[0];\n}\n';
    const e = await rejection(planStack(board, { files: { ...gen.files, 'grow.c': grow }, sources: [...gen.sources, 'grow.c'] }));
    expect(e.code).toBe('stack-plan-failed');
    expect(e.message).toMatch(/tfg_grow \(.*grow\.c\) allocates stack sized at run time/);
  }, 60_000);

  it('a struct copy gcc emits as a memcpy call (__builtin_memcpy in its call graph) takes the library memcpy frame', async () => {
    const board = loadBoard('mps2-an385');
    const gen = generateModel(await int8(mlp(32)), { board });
    // What a fused conv + pool layer does with the conv's geometry (src/codegen/conv-pool.ts): copy a large struct.
    const copy =
      '#include <stdint.h>\ntypedef struct { int32_t v[32]; } tfg_big;\nint32_t tfg_copy(const tfg_big *a, int32_t i) {\n  tfg_big b = *a;\n  b.v[i & 31] = 0;\n  return b.v[(i + 1) & 31];\n}\n';
    const p = await planStack(board, { files: { ...gen.files, 'copy.c': copy }, sources: [...gen.sources, 'copy.c'] });
    expect(p.planned).toBe(true);
  }, 60_000);

  it('plans RISC-V firmware (hifive1) with no interrupt on top, and leaves boards it does not link alone', async () => {
    const g = await int8(mlp(32));
    const hifive = loadBoard('hifive1');
    const p = (await planStack(hifive, generateModel(g, { board: hifive }))) as StackPlan;
    expect(p.planned).toBe(true);
    expect(p.interruptBytes).toBe(0);
    expect(p.chain.map((c) => c.split(' ')[0])).toContain('tfg_model_run');
    for (const id of ['host', 'esp32c3']) {
      const b = loadBoard(id);
      const u = await planStack(b, generateModel(g, { board: b }));
      expect(u.planned).toBe(false);
      expect(u.limitBytes).toBe(b.stackBytes);
      if (!u.planned) expect(u.reason).toMatch(id === 'host' ? /process/ : /ESP-IDF/);
    }
  }, 60_000);
});

describe('fit check with the planned stack', () => {
  it('counts the planned stack in RAM and names the deepest chain when it does not fit', () => {
    const microbit = loadBoard('microbit');
    expect(() =>
      checkFits(microbit, {
        flashBytes: 10_000,
        ramBytes: 2_000,
        stack: { limitBytes: 12_000, plannedBytes: 11_980, chain: ['serve 11000'] },
      }),
    ).not.toThrow();
    let err: TinyforgeError | undefined;
    try {
      checkFits(
        microbit,
        {
          flashBytes: 10_000,
          ramBytes: 2_000,
          stack: { limitBytes: 15_000, plannedBytes: 14_980, chain: ['serve 14000', 'tfg_model_run 980'] },
        },
        'wide.onnx',
      );
    } catch (e) {
      err = e as TinyforgeError;
    }
    expect(err?.code).toBe('model-too-big');
    expect(err?.diagnostic.notes?.[0]).toMatch(/stack 15 KB, planned from the deepest call chain \(14,980 bytes\)\); microbit has 16 KB/);
    expect(err?.diagnostic.notes?.[1]).toBe('deepest stack: serve 14000 → tfg_model_run 980');
    expect(err?.diagnostic.hint).toContain('receive buffer');
  });
});
