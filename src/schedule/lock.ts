import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RadarError } from '../core/errors.js';

/** What the lock file says about its holder. */
export interface LockInfo {
  pid: number;
  /** What holds it: the daemon for its lifetime, a `radar run` or `radar outbox` for their duration. */
  command: string;
  startedAt: string;
  host: string;
  /** Kernel start time of the process (Linux), so a recycled pid is not mistaken for the holder. */
  procStart: string | null;
}

export class LockHeldError extends RadarError {
  readonly holder: LockInfo;
  constructor(message: string, holder: LockInfo) {
    super('usage', message);
    this.holder = holder;
  }
}

export function lockFile(stateDir: string): string {
  return join(stateDir, 'radar.lock');
}

function procStart(pid: number): string | null {
  try {
    // Field 22 of /proc/<pid>/stat; the command name (field 2) may contain spaces, so count from its ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether the process that wrote `info` is still running (on this host; other hosts cannot be checked). */
export function holderAlive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true;
  try {
    process.kill(info.pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else; still alive.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = procStart(info.pid);
  return !(info.procStart && now && info.procStart !== now);
}

export function readLock(stateDir: string): LockInfo | null {
  try {
    const text = readFileSync(lockFile(stateDir), 'utf8');
    const info = JSON.parse(text) as LockInfo;
    return typeof info.pid === 'number' ? info : null;
  } catch {
    return null;
  }
}

/** The live holder of the state folder, if any (for `radar status`, `radar outbox retry`). */
export function liveHolder(stateDir: string): LockInfo | null {
  const info = readLock(stateDir);
  return info && holderAlive(info) ? info : null;
}

export interface StateLock {
  info: LockInfo;
  release(): void;
  /** Shows the holder is alive to other hosts sharing the folder (see `staleAfterMs`). */
  touch(): void;
}

export interface LockOptions {
  /**
   * A holder on another host cannot be asked whether it lives; with this set, one whose lock
   * file has not been touched for this long is taken as gone (coordinators sharing a state folder
   * touch it every few seconds while they lead).
   */
  staleAfterMs?: number;
}

/**
 * One process at a time changes a state folder: the daemon holds this lock while it lives, a
 * manual `radar run` while it runs. A lock left by a dead process (SIGKILL, power cut) is taken
 * over; a live holder makes us refuse with a message naming it.
 */
export function acquireLock(stateDir: string, command: string, describe: (holder: LockInfo) => string = defaultRefusal, opts: LockOptions = {}): StateLock {
  mkdirSync(stateDir, { recursive: true });
  const file = lockFile(stateDir);
  const info: LockInfo = { pid: process.pid, command, startedAt: new Date().toISOString(), host: hostname(), procStart: procStart(process.pid) };
  const body = JSON.stringify(info) + '\n';
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(file, body)) return handle(file, info);
    let existing: string;
    try {
      existing = readFileSync(file, 'utf8');
    } catch {
      continue; // released between our create and read: try again
    }
    let holder: LockInfo | null = null;
    try {
      holder = JSON.parse(existing) as LockInfo;
    } catch {
      // Empty or torn: the holder died while writing it, before it could have done anything.
    }
    if (holder && typeof holder.pid === 'number' && holderAlive(holder) && !untouched(file, holder, opts.staleAfterMs)) {
      throw new LockHeldError(describe(holder), holder);
    }
    takeOver(file, existing);
  }
  throw new RadarError('store', 'could not take the state lock (another process keeps replacing it)', { where: file });
}

function untouched(file: string, holder: LockInfo, staleAfterMs: number | undefined): boolean {
  if (staleAfterMs === undefined || holder.host === hostname()) return false;
  try {
    return Date.now() - statSync(file).mtimeMs > staleAfterMs;
  } catch {
    return false;
  }
}

function defaultRefusal(h: LockInfo): string {
  return `state folder is in use by radar ${h.command} (pid ${h.pid} on ${h.host}, since ${h.startedAt})`;
}

function createExclusive(file: string, body: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, body);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes a dead holder's lock without ever removing a live one: move it aside (only one of two
 * racing starters can), check what we moved is what we judged stale, and put it back if not.
 */
function takeOver(file: string, staleBody: string): void {
  const aside = `${file}.stale.${process.pid}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // someone else moved it first
  }
  let moved = '';
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    /* gone */
  }
  if (moved !== staleBody) {
    try {
      linkSync(aside, file);
    } catch {
      /* a newer lock is already there; theirs wins */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* already gone */
  }
}

function handle(file: string, info: LockInfo): StateLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    // Only remove the file if it is still ours.
    try {
      const now = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
      if (now.pid === info.pid && now.startedAt === info.startedAt) unlinkSync(file);
    } catch {
      /* gone or replaced */
    }
  };
  process.on('exit', release);
  const touch = () => {
    if (released) return;
    try {
      const t = new Date();
      utimesSync(file, t, t);
    } catch {
      /* gone: the next acquire by anyone decides */
    }
  };
  return { info, release, touch };
}
