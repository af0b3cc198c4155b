// int8 ArgMax / ArgMin: a positive scale keeps the order of int8 codes the order of the values they stand for, so the
// index is found on the codes themselves (as TFLite's ARG_MAX does on int8), with the float kernel's walk and ties.
import type { Kernel } from '../kernel.ts';
import { argReduceValues } from '../float/arg-reduce.ts';
import { requireInput } from './common.ts';

export const argReduceInt8: Kernel = (node, inputs) => [argReduceValues(node, requireInput(node, inputs, 0))];
