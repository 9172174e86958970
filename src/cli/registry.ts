import type { Command } from 'commander';
import { register as run } from './run.js';
import { register as tryTarget } from './try.js';
import { register as validate } from './validate.js';
import { register as history } from './history.js';
import { register as schema } from './schema.js';
import { register as demo } from './demo.js';
import { register as match } from './match.js';
import { register as status } from './status.js';
import { register as signals } from './signals.js';
import { register as daemon } from './daemon.js';
import { register as outbox } from './outbox.js';
import { register as health } from './health.js';

/** One line per command file: a new command is a new file plus a line here. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [run, tryTarget, validate, history, schema, demo, match, status, signals, daemon, outbox, health];
