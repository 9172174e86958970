import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic.js';

/**
 * "Run these targets now", from a console in another process to the running daemon, which owns
 * the state folder: a file in <state>/requests/run/, then SIGUSR2 (as `radar outbox retry` does
 * with its own requests one folder up).
 */
export interface RunRequest {
  ids: string[];
}

export function runRequestsDir(stateDir: string): string {
  return join(stateDir, 'requests', 'run');
}

export function writeRunRequest(stateDir: string, req: RunRequest): string {
  const dir = runRequestsDir(stateDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.json`);
  writeFileAtomic(file, JSON.stringify(req) + '\n');
  return file;
}

/** Reads and removes the waiting run requests, oldest first. */
export function takeRunRequests(stateDir: string, onBad: (file: string, error: string) => void): RunRequest[] {
  const dir = runRequestsDir(stateDir);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const out: RunRequest[] = [];
  for (const f of files) {
    const file = join(dir, f);
    try {
      const req = JSON.parse(readFileSync(file, 'utf8')) as RunRequest;
      if (Array.isArray(req.ids)) out.push({ ids: req.ids.filter((x) => typeof x === 'string') });
    } catch (e) {
      onBad(file, (e as Error).message);
    }
    try {
      unlinkSync(file);
    } catch {
      /* gone */
    }
  }
  return out;
}
