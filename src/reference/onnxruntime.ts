// onnxruntime-node as the float oracle: runs an ONNX model on samples laid out the way the model file declares.
import * as ort from 'onnxruntime-node';
import type { Graph } from '../ir/graph.ts';
import { nhwcToNchw } from '../ir/layout.ts';

export class OnnxRuntimeModel {
  private constructor(private readonly session: ort.InferenceSession, private readonly inputDims: number[]) {}

  static async load(bytes: Uint8Array): Promise<OnnxRuntimeModel> {
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
    const meta = session.inputMetadata?.[0] as { shape?: (number | string)[] } | undefined;
    const dims = (meta?.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
    return new OnnxRuntimeModel(session, dims);
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
    const feeds = { [this.session.inputNames[0]]: new ort.Tensor('float32', data, dims) };
    const out = await this.session.run(feeds);
    return out[this.session.outputNames[0]].data as Float32Array;
  }
}
