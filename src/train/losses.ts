// Training losses: softmax cross-entropy on logits, and Hinton distillation (KL at temperature T, scaled by T², mixed with hard labels).
import { tf } from './tf.ts';

/** Mean softmax cross-entropy of integer labels given logits [N, K]. */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor1D, numClasses = logits.shape[logits.rank - 1]!): tf.Scalar {
  const oneHot = tf.oneHot(tf.cast(labels, 'int32'), numClasses);
  return tf.losses.softmaxCrossEntropy(oneHot, tf.reshape(logits, [logits.shape[0]!, numClasses])) as tf.Scalar;
}

export interface DistillOptions {
  /** Temperature T > 0 that softens both distributions. */
  temperature: number;
  /** Weight of the soft (teacher) term; 1 − alpha weighs the hard-label cross-entropy. */
  alpha: number;
}

/** α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1−α)·CE(labels, s). T² keeps soft-gradient magnitudes independent of T. */
export function distillationLoss(studentLogits: tf.Tensor, teacherLogits: tf.Tensor, labels: tf.Tensor1D, opts: DistillOptions): tf.Scalar {
  const { temperature: t, alpha } = opts;
  return tf.tidy(() => {
    const k = studentLogits.shape[studentLogits.rank - 1]!;
    const s = tf.reshape(studentLogits, [-1, k]);
    // The teacher is not in the optimizer's var list, so no gradient reaches it.
    const te = tf.reshape(teacherLogits, [-1, k]);
    const pTeacher = tf.softmax(tf.div(te, t));
    const logPTeacher = tf.logSoftmax(tf.div(te, t));
    const logPStudent = tf.logSoftmax(tf.div(s, t));
    const kl = tf.mean(tf.sum(tf.mul(pTeacher, tf.sub(logPTeacher, logPStudent)), 1));
    const soft = tf.mul(kl, t * t);
    if (alpha >= 1) return soft as tf.Scalar;
    return tf.add(tf.mul(soft, alpha), tf.mul(crossEntropy(s, labels, k), 1 - alpha)) as tf.Scalar;
  });
}
