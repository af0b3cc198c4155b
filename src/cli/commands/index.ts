// The list of commands. A new command is a file in this folder exporting `register(program)`, plus one line here.
import type { Command } from 'commander';
import { register as inspect } from './inspect.ts';
import { register as evaluate } from './eval.ts';
import { register as boards } from './boards.ts';
import { register as compile } from './compile.ts';
import { register as deploy } from './deploy.ts';
import { register as run } from './run.ts';
import { register as flash } from './flash.ts';
import { register as compress } from './compress.ts';
import { register as doctor } from './doctor.ts';
import { register as ports } from './ports.ts';
import { register as monitor } from './monitor.ts';
import { register as defend } from './defend.ts';
import { register as robustness } from './robustness.ts';
import { register as experiment } from './experiment.ts';
import { register as recipes } from './recipes.ts';
import { register as sweep } from './sweep.ts';
import { register as worker } from './worker.ts';
import { register as test } from './test.ts';
import { register as compare } from './compare.ts';
import { register as conformance } from './conformance.ts';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  inspect,
  evaluate,
  boards,
  compile,
  deploy,
  run,
  flash,
  compress,
  recipes,
  doctor,
  ports,
  monitor,
  defend,
  robustness,
  experiment,
  sweep,
  worker,
  test,
  compare,
  conformance,
];
