import type { Command } from 'commander';

/** How a command file adds itself to the program. */
export type RegisterCommand = (program: Command) => void;

/**
 * A command by name and the file that defines it. The file (and everything it imports: mail,
 * charts, the scrape pipeline ...) is loaded only when that command runs, or for `radar --help`:
 * a long-running `radar daemon` should not carry every other command's libraries.
 */
export interface LazyCommand {
  name: string;
  load: () => Promise<{ register: RegisterCommand }>;
}

const lazy = (name: string, load: LazyCommand['load']): LazyCommand => ({ name, load });

/**
 * One line per command file: a new command is a new file plus a line here (the name is the one
 * its `program.command(...)` uses). A plain register function also works; it is always loaded.
 */
export const commands: (LazyCommand | RegisterCommand)[] = [
  lazy('run', () => import('./run.js')),
  lazy('accept', () => import('./accept.js')),
  lazy('try', () => import('./try.js')),
  lazy('validate', () => import('./validate.js')),
  lazy('history', () => import('./history.js')),
  lazy('schema', () => import('./schema.js')),
  lazy('demo', () => import('./demo.js')),
  lazy('match', () => import('./match.js')),
  lazy('status', () => import('./status.js')),
  lazy('serve', () => import('./serve.js')),
  lazy('users', () => import('./users.js')),
  lazy('signals', () => import('./signals.js')),
  lazy('daemon', () => import('./daemon.js')),
  lazy('worker', () => import('./worker.js')),
  lazy('outbox', () => import('./outbox.js')),
  lazy('health', () => import('./health.js')),
  lazy('channels', () => import('./channels.js')),
  lazy('alerts', () => import('./alerts.js')),
  lazy('targets', () => import('./targets.js')),
  lazy('followup', () => import('./followup.js')),
  lazy('scorecard', () => import('./scorecard.js')),
];
