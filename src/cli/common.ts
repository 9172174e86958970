import { type Command, InvalidArgumentError } from 'commander';
import { displayPath, resolvePaths, type Paths } from '../config/load.js';
import { opsView, type OutboxMessage } from '../store/outbox.js';

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

/** Option parsers shared by commands: a bad value is a usage error (exit 2) naming the value. */
export function parseNow(v: string): Date {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError(`not a date: ${v}`);
  return d;
}

export function parseWeek(v: string): string {
  if (!/^\d{4}-W\d{2}$/.test(v)) throw new InvalidArgumentError(`not an ISO week like 2026-W47: ${v}`);
  return v;
}

/** "→ to: subject  (file)" for a sent message; HR mail shows as "an HR email" (its subject and recipient are HR data). */
export function sentLine(m: OutboxMessage, hr?: boolean, indent = ''): string {
  const v = opsView(m, hr);
  return `${indent}→ ${v.to}: ${v.subject}${m.file ? `  (${displayPath(m.file)})` : ''}`;
}

export function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`not a port: ${v}`);
  return n;
}
