import type { Command } from 'commander';
import { resolvePaths, type Paths } from '../config/load.js';

/** Options every command understands, defined once on the program. */
export function pathsFrom(cmd: Command): Paths {
  const o = cmd.optsWithGlobals() as { home?: string; state?: string };
  return resolvePaths({ ...(o.home ? { home: o.home } : {}), ...(o.state ? { stateDir: o.state } : {}) });
}

export function out(line = ''): void {
  process.stdout.write(line + '\n');
}

export function err(line: string): void {
  process.stderr.write(line + '\n');
}

/** A command sets its exit code this way; `main` returns it (commands never call process.exit). */
export function setExitCode(cmd: Command, code: number): void {
  (cmd as Command & { exitCode?: number }).exitCode = code;
}
