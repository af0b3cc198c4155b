// What a command loads before its action runs: the static imports of src/cli/main.ts (all that `--help`, `--version`
// and `boards` load) reach none of the heavy packages, and `inspect` reaches only the reader of the model's format.
// esbuild's metafile gives the import graph, so a failure names the chain of files that pulled a package in.
import { describe, expect, it } from 'vitest';
import { build, type Metafile } from 'esbuild';

const HEAVY = /^(@tensorflow\/|onnxruntime-node|serialport|@serialport\/|esptool-js|onnx-proto|protobufjs|bullmq|ioredis|puppeteer-core)/;

let graph: Metafile['inputs'] | undefined;
async function inputs(): Promise<Metafile['inputs']> {
  if (!graph) {
    const r = await build({
      entryPoints: ['src/cli/main.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      splitting: true,
      packages: 'external',
      write: false,
      metafile: true,
      outdir: 'out/startup-imports',
      logLevel: 'silent',
    });
    graph = r.metafile.inputs;
  }
  return graph;
}

/** Heavy packages reached from `roots` through static imports only, each with the chain of files that reaches it. */
async function heavyReached(roots: string[]): Promise<string[]> {
  const g = await inputs();
  const parent = new Map<string, string | null>(roots.map((r) => [r, null]));
  const queue = [...roots];
  const found: string[] = [];
  while (queue.length) {
    const file = queue.shift()!;
    for (const imp of g[file]?.imports ?? []) {
      if (imp.kind !== 'import-statement') continue;
      if (imp.external) {
        if (HEAVY.test(imp.path)) {
          const chain = [file];
          for (let p = parent.get(file); p; p = parent.get(p)) chain.unshift(p);
          found.push(`${imp.path} <- ${chain.join(' > ')}`);
        }
      } else if (!parent.has(imp.path)) {
        parent.set(imp.path, file);
        queue.push(imp.path);
      }
    }
  }
  return found;
}

describe('startup imports', () => {
  it('the CLI with every command registered loads no tfjs, onnxruntime, serialport, esptool-js or protobufjs', async () => {
    expect(await heavyReached(['src/cli/main.ts'])).toEqual([]);
  });

  it("inspect loads the reader of the model's format and nothing heavier: protobufjs for .onnx, none for .tflite", async () => {
    const heavy = async (roots: string[]) => (await heavyReached(roots)).map((r) => r.split(' ')[0]);
    expect(await heavy(['src/import/index.ts', 'src/ir/stats.ts'])).toEqual([]);
    expect(await heavy(['src/import/onnx.ts'])).toEqual(['onnx-proto']);
    expect(await heavy(['src/import/tflite.ts'])).toEqual([]);
  });
});
