// PGD under L2: steps along the normalised gradient, projected onto the L2 ε-ball ∩ valid range. A different
// geometry from L∞ (few pixels changed a lot instead of every pixel a little), so an L∞ defence need not stop it.
import { tf } from '../train/tf.ts';
import { lossGradient, projectL2, sampleNorm, type WhiteBoxAttack } from './attack.ts';

export const pgdL2: WhiteBoxAttack = {
  name: 'pgd-l2',
  norm: 'l2',
  description: 'projected gradient descent, L2 ball: random start, `steps` normalised-gradient steps of α (default 2.5·ε/steps)',
  craft(target, x, labels, { eps, steps, stepSize, randomStart, seed }) {
    const alpha = stepSize ?? (2.5 * eps) / steps;
    let xa = tf.tidy(() => {
      if (!randomStart) return tf.clone(x);
      // A random direction with a random radius inside the ball.
      const d = tf.randomNormal(x.shape, 0, 1, 'float32', seed);
      const r = tf.randomUniform([x.shape[0]!, ...new Array(x.rank - 1).fill(1)], 0, eps, 'float32', seed + 1);
      return projectL2(target, tf.add(x, tf.mul(tf.div(d, tf.add(sampleNorm(d), 1e-12)), r)), x, eps);
    });
    for (let i = 0; i < steps; i++) {
      const next = tf.tidy(() => {
        const g = lossGradient(target, xa, labels);
        return projectL2(target, tf.add(xa, tf.mul(tf.div(g, tf.add(sampleNorm(g), 1e-12)), alpha)), x, eps);
      });
      xa.dispose();
      xa = next;
    }
    return xa;
  },
};
