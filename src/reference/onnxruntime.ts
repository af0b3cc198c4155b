// onnxruntime-node as the float oracle: runs an ONNX model on samples laid out the way the model file declares. It is an
// optional peer dependency (288 MB, for three OSes), loaded only when a cross-check runs; without it the check is off
// and callers say why.
import type * as Ort from 'onnxruntime-node';
import type { Graph } from '../ir/graph.ts';
import { nhwcToNchw } from '../ir/layout.ts';

export type OnnxRuntime = typeof Ort;

/** onnxruntime-node, or why it cannot be used here. */
export type OnnxRuntimeStatus = { available: true; ort: OnnxRuntime } | { available: false; reason: string; hint: string };

let status: Promise<OnnxRuntimeStatus> | undefined;

/** Loads onnxruntime-node once per process. */
export function loadOnnxRuntime(): Promise<OnnxRuntimeStatus> {
  status ??= import('onnxruntime-node').then(
    (ort): OnnxRuntimeStatus => ({ available: true, ort: ort as OnnxRuntime }),
    (err: NodeJS.ErrnoException): OnnxRuntimeStatus => {
      const missing = err.code === 'ERR_MODULE_NOT_FOUND' && err.message.includes("'onnxruntime-node'");
      return {
        available: false,
        reason: missing ? 'onnxruntime-node is not installed' : `onnxruntime-node did not load: ${err.message.split('\n')[0]}`,
        // Its install script only fetches GPU libraries; the CPU library ships inside the package.
        hint: 'install it beside tinyforge: npm install -g onnxruntime-node@1.30.0 --ignore-scripts',
      };
    },
  );
  return status;
}

export class OnnxRuntimeModel {
  private constructor(
    private readonly ort: OnnxRuntime,
    private readonly session: Ort.InferenceSession,
    private readonly inputDims: number[],
  ) {}

  static async load(ort: OnnxRuntime, bytes: Uint8Array): Promise<OnnxRuntimeModel> {
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
    const meta = session.inputMetadata?.[0] as { shape?: (number | string)[] } | undefined;
    const dims = (meta?.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
    return new OnnxRuntimeModel(ort, session, dims);
  }

  /** Runs one NHWC float input of graph `g` (already preprocessed) and returns the first output. */
  async run(g: Graph, nhwc: Float32Array): Promise<Float32Array> {
    const irShape = g.tensors[g.inputs[0]].shape;
    let data = nhwc;
    let dims = this.inputDims.length ? this.inputDims : irShape;
    if (g.metadata.inputLayout === 'NCHW' && irShape.length === 4) {
      const [n, h, w, c] = irShape;
      data = nhwcToNchw(nhwc, irShape) as Float32Array;
      dims = [n, c, h, w];
    }
    const feeds = { [this.session.inputNames[0]]: new this.ort.Tensor('float32', data, dims) };
    const out = await this.session.run(feeds);
    return out[this.session.outputNames[0]].data as Float32Array;
  }
}
