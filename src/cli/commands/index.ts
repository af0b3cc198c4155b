// The list of commands. A new command is a file in this folder exporting `register(program)`, plus one line here.
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
