// End to end through the real pieces: IR → generated C (codegen) → serial firmware (this part) → QEMU/host over a
// pty, compared with the TS reference interpreter. Proves the model C ABI and the runtime fit together.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/codegen/generate.ts';
import { loadBoard } from '../../src/build/boards.ts';
import { buildSerialFirmware } from '../../src/build/serial-firmware.ts';
import { openDevice } from '../../src/device/device-session.ts';
import type { Graph, TensorData } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { floatCnn, int8Mlp, randF32, randI8, rng } from '../codegen/graphs.ts';
import { writeGenerated } from '../codegen/host-run.ts';

const bytesOf = (d: TensorData): Uint8Array => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

async function deployAndCompare(boardId: string, g: Graph, inputs: TensorData[], exact: boolean): Promise<void> {
  const board = loadBoard(boardId);
  const dir = mkdtempSync(join(tmpdir(), `tfg-e2e-${boardId}-`));
  const gen = generateModel(g, { board });
  writeGenerated(dir, gen);
  // On host the whole firmware (model, kernels, runtime) runs under AddressSanitizer and UBSan.
  const san = boardId === 'host' ? ['-fsanitize=address,undefined', '-fno-sanitize-recover=all'] : [];
  const fw = await buildSerialFirmware(board, {
    modelSources: gen.sources.map((s) => join(dir, s)),
    includeDirs: [dir, join(dir, 'tfg/include')],
    outDir: join(dir, 'build'),
    extraCflags: san,
    extraLdflags: san,
  });
  const s = await openDevice(board, fw.elfPath);
  try {
    expect(s.hello.modelHash).toBe(gen.hash);
    expect(s.hello.arenaBytes).toBe(gen.arenaBytes);
    for (const x of inputs) {
      const ref = runGraph(g, { [g.inputs[0]]: x }).outputs[g.outputs[0]];
      const r = await s.run(bytesOf(x));
      expect(r.status).toBe(0);
      if (exact) {
        expect(Array.from(r.output)).toEqual(Array.from(bytesOf(ref)));
      } else {
        const got = new Float32Array(r.output.buffer, r.output.byteOffset, r.output.byteLength / 4);
        got.forEach((v, i) => expect(v).toBeCloseTo(ref[i], 4));
      }
      if (board.cycleCounter.unit === 'instructions') expect(r.latency.value).toBeGreaterThan(100);
    }
    const d = await s.debug(bytesOf(inputs[0]));
    expect(d.layers).toHaveLength(s.hello.numLayers);
    expect(Array.from(d.layers[d.layers.length - 1].output)).toEqual(Array.from(d.output));
    expect(s.processOutput()).toBe('');
  } finally {
    await s.close();
  }
}

describe('generated model on the device', () => {
  it('int8 MLP on mps2-an386 gives the reference bytes exactly', async () => {
    const g = int8Mlp([32, 16, 10]);
    const r = rng(5);
    await deployAndCompare(
      'mps2-an386',
      g,
      [0, 1, 2].map(() => randI8(r, 32)),
      true,
    );
  });

  for (const boardId of ['host', 'mps2-an386']) {
    it(`float CNN (softmax: libm on the device) on ${boardId} matches the reference`, async () => {
      const g = floatCnn();
      const r = rng(6);
      await deployAndCompare(
        boardId,
        g,
        [0, 1].map(() => randF32(r, 8 * 8 * 2)),
        false,
      );
    });
  }
});
