// The attack registry: white-box attacks by name (gradients through tfjs) and the query attack (scores only).
import { TinyforgeError } from '../diagnostics.ts';
import type { WhiteBoxAttack } from './attack.ts';
import { fgsm } from './fgsm.ts';
import { pgd } from './pgd.ts';
import { pgdL2 } from './pgd-l2.ts';
import type { Norm } from './input-domain.ts';

export const whiteBoxAttacks: Record<string, WhiteBoxAttack> = {
  [fgsm.name]: fgsm,
  [pgd.name]: pgd,
  [pgdL2.name]: pgdL2,
};

/** Query (black-box) attacks: they take a Classifier, so they can run against the device itself. */
export const queryAttacks: Record<string, { norm: Norm; description: string }> = {
  square: { norm: 'linf', description: 'Square Attack: random ±ε squares kept when the score margin drops (L∞, scores only)' },
};

export const ATTACK_NAMES = [...Object.keys(whiteBoxAttacks), ...Object.keys(queryAttacks)];

export function attackNorm(name: string): Norm {
  return whiteBoxAttacks[name]?.norm ?? queryAttacks[name]?.norm ?? 'linf';
}

/** Checks an attack name; `allowed` narrows the list (e.g. adversarial training takes fgsm|pgd). */
export function checkAttackName(name: string, allowed: readonly string[] = ATTACK_NAMES): void {
  if (!allowed.includes(name)) {
    throw new TinyforgeError('bad-argument', `unknown attack "${name}"`, {
      notes: [`valid attacks here: ${allowed.join(', ')}`],
      hint: `pass --attack ${allowed[0]}`,
    });
  }
}
