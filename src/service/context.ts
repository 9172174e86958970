/**
 * What every service function works against: the installation's folders, the clock, and how to
 * reach whoever owns the state right now (the daemon in this process, a daemon in another one,
 * or nobody: then the service does the work itself, under the state lock).
 */
import { join } from 'node:path';
import type { Paths } from '../config/load.js';

/** Runs targets now. The daemon queues them on its scheduler; alone, the service runs them itself. */
export interface TargetRunner {
  /** 'done' with the run's summary, or 'queued' when a daemon will run them. */
  run(ids: readonly string[]): Promise<RunOutcome>;
}

export type RunOutcome =
  | { status: 'queued'; by: string }
  | { status: 'done'; targets: { id: string; verdict: 'good' | 'failed'; items: number; failure: string | null; alerts: number }[]; emails: number };

/** Changes to the outbox go to its one writer: the daemon when it runs, else the service under the lock. */
export interface OutboxChanger {
  retry(ids: readonly string[]): Promise<{ status: 'queued' | 'done'; ids: string[] }>;
}

export interface ServiceContext {
  paths: Paths;
  now: () => Date;
  runner: TargetRunner;
  outbox: OutboxChanger;
  /** Distributed mode: the Redis the coordinator and workers share, for the queue's status. None: embedded. */
  queueUrl?: string;
}

/** The console's own state (users, sessions' audit, acknowledgements) lives beside the rest. */
export function consoleDir(stateDir: string): string {
  return join(stateDir, 'console');
}
