// Ready-made robustness subjects: the float model (tfjs, batched), any graph on the host reference interpreter, and a
// compiled model on a device (anything with DeviceSession's `run`).
import type { Graph } from '../ir/graph.ts';
import { predictBatched } from './attack.ts';
import { deviceClassifier, referenceClassifier, tfjsClassifier, type DeviceRunner } from './classifier.ts';
import type { InputDomain } from './input-domain.ts';
import type { RobustnessSubject } from './robustness.ts';

/** The float model through tfjs (same math as the reference interpreter, batched). Call dispose() when done. */
export function floatSubject(g: Graph, domain: InputDomain, model = 'float'): RobustnessSubject & { dispose(): void } {
  const classify = tfjsClassifier(g, domain);
  return {
    model,
    where: 'host',
    classify,
    predict: async (x, n) => predictBatched(classify.target, x, n),
    dispose: () => classify.dispose(),
  };
}

/** A graph (typically the int8 one) on the host reference interpreter, bit-exact with the C kernels. */
export function referenceSubject(g: Graph, model: string): RobustnessSubject {
  return { model, where: 'host', classify: referenceClassifier(g) };
}

/** The compiled graph `g` running on a device; examples are streamed to it one by one. */
export function deviceSubject(device: DeviceRunner, g: Graph, model: string): RobustnessSubject {
  return { model, where: 'device', classify: deviceClassifier(device, g) };
}
