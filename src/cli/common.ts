import { type Command, InvalidArgumentError } from 'commander';
import { displayPath, loadRules, resolvePaths, type Paths } from '../config/load.js';
import { DEFAULT_TIME_ZONE, formatInZone } from '../time/zone.js';
import { opsView, type OutboxMessage } from '../store/outbox.js';

/** Options every command understands, defined once on the program. */
export function pathsFrom(cmd: Command): Paths {
  const o = cmd.optsWithGlobals() as { home?: string; state?: string };
  return resolvePaths({ ...(o.home ? { home: o.home } : {}), ...(o.state ? { stateDir: o.state } : {}) });
}

/**
 * Streams whose reader went away (`radar history x | head`): further lines are dropped, and the
 * command finishes its work (a run still sends its mail) instead of dying on an EPIPE stack trace.
 */
const closed = new WeakSet<NodeJS.WriteStream>();
const guarded = new WeakSet<NodeJS.WriteStream>();

function write(stream: NodeJS.WriteStream, line: string): void {
  if (!guarded.has(stream)) {
    guarded.add(stream);
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      closed.add(stream);
    });
  }
  if (closed.has(stream)) return;
  stream.write(line + '\n');
}

export function out(line = ''): void {
  write(process.stdout, line);
}

export function err(line: string): void {
  write(process.stderr, line);
}

/**
 * The zone people read times in (rules/owners.yaml time_zone), as `status` and the emails use it.
 * A rules folder that does not load is reported by the commands that need it; here it only
 * means the default zone, said in the note.
 */
export function readingZone(paths: Paths): { zone: string; note: string } {
  try {
    const zone = loadRules(paths.rulesDir).owners.time_zone;
    return { zone, note: `times in ${zone}` };
  } catch {
    return { zone: DEFAULT_TIME_ZONE, note: `times in ${DEFAULT_TIME_ZONE} (rules/owners.yaml did not load)` };
  }
}

/** "2026-12-04 16:35" in the zone, or "-" for no time. */
export function localTime(iso: string | null | undefined, zone: string): string {
  return iso ? formatInZone(new Date(iso), zone) || iso : '-';
}

/** "1 item", "3 items": counts in summaries people read. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
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
