// Attack names without their implementations, so that the CLI and the pass registry can list them without loading tfjs.

/** White-box attacks (gradients through tfjs on the float model). */
export const WHITE_BOX_ATTACKS = ['fgsm', 'pgd', 'pgd-l2'] as const;
/** Query attacks (scores only; they can run against the device). */
export const QUERY_ATTACKS = ['square'] as const;
export const ATTACK_NAMES: readonly string[] = [...WHITE_BOX_ATTACKS, ...QUERY_ATTACKS];
/** Attacks adversarial training can craft with. */
export const TRAINING_ATTACKS = WHITE_BOX_ATTACKS;
