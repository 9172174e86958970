import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, LockHeldError, lockFile, readLock } from '../../src/schedule/lock.js';

describe('state folder lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'radar-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fakeLock = (pid: number, extra: Record<string, unknown> = {}) =>
    writeFileSync(lockFile(dir), JSON.stringify({ pid, command: 'daemon', startedAt: '2024-05-01T00:00:00.000Z', host: hostname(), procStart: null, ...extra }));

  it('refuses a second holder with a message naming the live one', () => {
    const first = acquireLock(dir, 'daemon');
    try {
      expect(() => acquireLock(dir, 'daemon')).toThrow(LockHeldError);
      expect(() => acquireLock(dir, 'daemon')).toThrow(`state folder is in use by radar daemon (pid ${process.pid}`);
    } finally {
      first.release();
    }
    expect(existsSync(lockFile(dir))).toBe(false);
    acquireLock(dir, 'run').release();
  });

  it('takes over a lock left by a dead process', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    fakeLock(dead);
    const lock = acquireLock(dir, 'daemon');
    expect(readLock(dir)).toMatchObject({ pid: process.pid, command: 'daemon' });
    lock.release();
  });

  it('respects a lock held by a live process, and takes it once that process is gone', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    fakeLock(child.pid!);
    expect(() => acquireLock(dir, 'run')).toThrow(`radar daemon (pid ${child.pid}`);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const lock = acquireLock(dir, 'run');
    expect(readLock(dir)?.pid).toBe(process.pid);
    lock.release();
  });

  it('treats a recycled pid (same number, different process start) and a torn lock file as stale', () => {
    fakeLock(process.pid, { procStart: '1' }); // our pid, but "started" at another time: a previous owner of the number
    acquireLock(dir, 'daemon').release();
    writeFileSync(lockFile(dir), ''); // killed while writing the lock itself
    acquireLock(dir, 'daemon').release();
  });

  it('release never removes a lock that someone else took over', () => {
    const lock = acquireLock(dir, 'daemon');
    fakeLock(424242, { startedAt: 'later' });
    lock.release();
    expect(JSON.parse(readFileSync(lockFile(dir), 'utf8')).pid).toBe(424242);
  });
});
