// FGSM (Goodfellow et al. 2015): one step of size ε along the sign of the input gradient, then back into the valid range.
import { tf } from '../train/tf.ts';
import { clipToDomain, lossGradient, projectLinf, type WhiteBoxAttack } from './attack.ts';

export const fgsm: WhiteBoxAttack = {
  name: 'fgsm',
  norm: 'linf',
  description: 'fast gradient sign method: x + ε·sign(∇ₓ loss), one gradient per example (L∞)',
  craft(target, x, labels, { eps }) {
    return tf.tidy(() => {
      const g = lossGradient(target, x, labels);
      // The projection only guards against float rounding at the ball's edge; the clip does the real work.
      return projectLinf(target, clipToDomain(target, tf.add(x, tf.mul(tf.sign(g), eps))), x, eps);
    });
  },
};
