// Teachers for knowledge distillation: the averaged logits of one or more frozen float models on a training batch.
// Shared by the distill pass's training loop and proxyTrain (QAT, clustering, BinaryConnect).
import { tf } from './tf.ts';
import type { Graph } from '../ir/graph.ts';
import { toTfjs } from './to-tfjs.ts';
import { logitsTensor } from './train.ts';

export interface Teachers {
  /** Averaged teacher logits for input batch `x`, reshaped to `shape` (the student's logits). Their variables are in no
   *  optimizer's list, so no gradient reaches them. */
  logits(x: tf.Tensor, shape: number[]): tf.Tensor;
  dispose(): void;
}

export function makeTeachers(graphs: Graph[]): Teachers {
  const models = graphs.map((t) => ({ m: toTfjs(t), input: t.inputs[0]!, logits: logitsTensor(t) }));
  return {
    logits: (x, shape) =>
      tf.tidy(() => {
        const ls = models.map(({ m, input, logits }) => tf.reshape(m.forward({ [input]: x }, [logits])[logits]!, shape));
        return ls.length === 1 ? ls[0]! : tf.div(tf.addN(ls), ls.length);
      }),
    dispose: () => {
      for (const { m } of models) m.dispose();
    },
  };
}
