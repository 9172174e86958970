import type { Command } from 'commander';

/** One line per command file: a new command is a new file plus a line here. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
