// PGD under L∞ (Madry et al. 2018): from a random point of the ε-ball, `steps` signed-gradient steps of size α, each
// projected back onto the ε-ball ∩ valid range. The strongest first-order L∞ attack and the one adversarial training uses.
import { tf } from '../train/tf.ts';
import { lossGradient, projectLinf, type WhiteBoxAttack } from './attack.ts';

export const pgd: WhiteBoxAttack = {
  name: 'pgd',
  norm: 'linf',
  description: 'projected gradient descent, L∞ ball: random start, `steps` sign-gradient steps of α (default 2.5·ε/steps)',
  craft(target, x, labels, { eps, steps, stepSize, randomStart, seed }) {
    const alpha = stepSize ?? (2.5 * eps) / steps;
    let xa = tf.tidy(() =>
      randomStart ? projectLinf(target, tf.add(x, tf.randomUniform(x.shape, -eps, eps, 'float32', seed)), x, eps) : tf.clone(x),
    );
    for (let i = 0; i < steps; i++) {
      const next = tf.tidy(() => projectLinf(target, tf.add(xa, tf.mul(tf.sign(lossGradient(target, xa, labels)), alpha)), x, eps));
      xa.dispose();
      xa = next;
    }
    return xa;
  },
};
