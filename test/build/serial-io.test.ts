// The serial firmware's static I/O buffers: the sizes serialIoBytes counts before a build are the symbol sizes in the
// cross-compiled firmware, and the fit check names them when they do not fit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/build/boards.ts';
import { buildProject } from '../../src/build/build-project.ts';
import { checkFits } from '../../src/build/fit-check.ts';
import { frameCapacity, serialIoBytes } from '../../src/build/serial-io.ts';
import { generateModel } from '../../src/codegen/generate.ts';
import { loadProject, writeProject } from '../../src/codegen/project.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { errorOf } from '../errors.ts';

/** Symbol sizes of an ELF (nm --print-size). */
function symbolSizes(elf: string): Map<string, number> {
  const out = execFileSync('arm-none-eabi-nm', ['--print-size', elf], { encoding: 'utf8' });
  const sizes = new Map<string, number>();
  for (const line of out.split('\n')) {
    const [, size, , name] = line.trim().split(/\s+/);
    if (name && size) sizes.set(name, parseInt(size, 16));
  }
  return sizes;
}

describe('serial I/O buffers', () => {
  it('COBS capacity: one extra byte per 254, header and CRC', () => {
    expect(frameCapacity(0)).toBe(8 + 2 + 0 + 2);
    expect(frameCapacity(244)).toBe(244 + 10 + 1 + 2);
    expect(frameCapacity(243)).toBe(243 + 10 + 0 + 2);
  });

  it('are the sizes of the static buffers in the built mps2-an386 firmware', async () => {
    const b = new GraphBuilder('io');
    const x = b.input('x', [1, 301]);
    b.output(b.node('Dense', [x, b.constant('w', randF32(rng(1), 37 * 301), [37, 301])], { activation: 'none' }, 'y'));
    const g = b.build();
    const board = loadBoard('mps2-an386');
    const dir = mkdtempSync(join(tmpdir(), 'tfg-serial-io-'));
    try {
      const io = serialIoBytes(g);
      writeProject(join(dir, 'p'), {
        graph: g,
        generated: generateModel(g, { board }),
        board: board.id,
        modelPath: 'io.onnx',
        quantization: 'as-is',
        lib: false,
        compression: null,
        force: true,
        ioBufferBytes: io.totalBytes,
      });
      const project = loadProject(join(dir, 'p'));
      expect(project.manifest.io_buffer_bytes).toBe(io.totalBytes);
      const sizes = symbolSizes((await buildProject(project, board)).elfPath);
      expect([sizes.get('tfg_rx_buffer'), sizes.get('tfg_output_buffer')]).toEqual([io.rxBytes, io.outputBytes]);
      expect(io.rxBytes).toBeGreaterThanOrEqual(frameCapacity(301 * 4));
      expect(io.outputBytes).toBeGreaterThan(37 * 4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('the fit check names them beside the model, and says what shrinks them', () => {
    const e = errorOf(() => checkFits(loadBoard('microbit'), { flashBytes: 10_000, ramBytes: 4_000, ioBytes: 12_000 }, 'big-output'));
    expect(e.code).toBe('model-too-big');
    expect(e.diagnostic.notes?.[0]).toMatch(/RAM \(model 4,000 bytes \+ I\/O buffers 12 KB \+ runtime/);
    expect(e.diagnostic.hint).toContain('the I/O buffers hold one serial frame of the input and the output');
    expect(() => checkFits(loadBoard('microbit'), { flashBytes: 10_000, ramBytes: 4_000, ioBytes: 1_000 })).not.toThrow();
  });
});
