// Picks the fastest tfjs backend that works here: tfjs-node (native), else WASM (with our gradient kernels), else CPU.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tf } from './tf.ts';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

let chosen: Promise<BackendName> | undefined;

/** Initialises the backend once per process and returns its name; callers print it. */
export function initBackend(prefer?: BackendName): Promise<BackendName> {
  chosen ??= pick(prefer ?? (process.env.TINYFORGE_BACKEND as BackendName | undefined));
  return chosen;
}

async function pick(prefer: BackendName | undefined): Promise<BackendName> {
  if (prefer === undefined || prefer === 'tensorflow') {
    try {
      // Optional dependency; its native library is downloaded at install time and may be absent.
      await import('@tensorflow/tfjs-node' as string);
      if (await tf.setBackend('tensorflow')) return 'tensorflow';
    } catch {
      // fall through to WASM
    }
  }
  if (prefer === undefined || prefer === 'wasm' || prefer === 'tensorflow') {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
      // Node loads the .wasm binaries from disk: nothing is fetched at run time.
      wasm.setWasmPaths(join(dirname(pkg), 'dist') + '/');
      const { registerWasmGradients } = await import('./wasm-gradients.ts');
      registerWasmGradients();
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return 'wasm';
      }
    } catch {
      // fall through to CPU
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}
