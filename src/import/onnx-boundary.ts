// Finds NHWC models in NCHW clothing (tf2onnx exports of Keras models): 4-D inputs whose only readers are NHWC→NCHW
// Transposes and 4-D outputs written by NCHW→NHWC Transposes. Those Transposes are skipped and the boundary stays NHWC.
import { Attrs, type GraphProto, type NodeProto, readAttributes } from './onnx-proto-read.ts';

export interface Boundary {
  /** Every 4-D input is NHWC in the file (its Transposes are skipped). */
  nhwcInputs: boolean;
  /** Every 4-D output is NHWC in the file. */
  nhwcOutputs: boolean;
  /** Boundary Transposes that become aliases. */
  skip: Set<NodeProto>;
}

const isPerm = (n: NodeProto, perm: number[]) =>
  n.opType === 'Transpose' && (new Attrs(readAttributes(n)).ints('perm') ?? []).join() === perm.join();

export function findBoundary(g: GraphProto, inputs: { name: string; dims: number[] }[]): Boundary {
  const nodes = g.node ?? [];
  const readers = (t: string) => nodes.filter((n) => (n.input ?? []).includes(t));
  const skip = new Set<NodeProto>();

  const in4d = inputs.filter((i) => i.dims.length === 4);
  const inReaders = in4d.map((i) => readers(i.name));
  const nhwcInputs = in4d.length > 0 && inReaders.every((rs) => rs.length > 0 && rs.every((n) => isPerm(n, [0, 3, 1, 2])));
  if (nhwcInputs) inReaders.flat().forEach((n) => skip.add(n));

  const out4d = (g.output ?? []).filter((o) => (o.type?.tensorType?.shape?.dim ?? []).length === 4).map((o) => o.name ?? '');
  const writers = out4d.map((o) => nodes.find((n) => (n.output ?? []).includes(o)));
  const nhwcOutputs =
    out4d.length > 0 && writers.every((w, k) => w !== undefined && isPerm(w, [0, 2, 3, 1]) && readers(out4d[k]).length === 0);
  if (nhwcOutputs) writers.forEach((w) => skip.add(w!));
  return { nhwcInputs, nhwcOutputs, skip };
}
