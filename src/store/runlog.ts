import { join } from 'node:path';
import type { Failure } from '../core/verdict.js';
import { readJsonFile, writeFileAtomic } from './atomic.js';

export interface RunRecord {
  at: string;
  verdict: 'good' | 'failed';
  failure?: Failure;
  items: number;
  pages: number;
  durationMs: number;
  added?: number;
  changed?: number;
  removed?: number;
  alerts?: number;
  /** `radar accept`: this run's result was taken as the new normal, against the last good run's count. */
  accepted?: { previousCount: number; note?: string };
  /** The queue job this run came from (distributed mode): a job is settled once. */
  job?: string;
}

/** Health and recent runs of a target. Kept apart from the snapshot so a failed run can be recorded without touching it. */
export interface TargetLog {
  targetId: string;
  consecutiveFailures: number;
  failingSince: string | null;
  lastFailure: Failure | null;
  lastRunAt: string | null;
  lastGoodAt: string | null;
  runs: RunRecord[];
}

const MAX_RUNS = 50;

export function runLogFile(stateDir: string, targetId: string): string {
  return join(stateDir, 'targets', `${targetId}.runs.json`);
}

export function readRunLog(stateDir: string, targetId: string): TargetLog {
  return (
    readJsonFile<TargetLog>(runLogFile(stateDir, targetId)) ?? {
      targetId,
      consecutiveFailures: 0,
      failingSince: null,
      lastFailure: null,
      lastRunAt: null,
      lastGoodAt: null,
      runs: [],
    }
  );
}

export function appendRun(stateDir: string, log: TargetLog, run: RunRecord): TargetLog {
  const next: TargetLog = {
    ...log,
    lastRunAt: run.at,
    runs: [...log.runs, run].slice(-MAX_RUNS),
  };
  if (run.verdict === 'good') {
    next.consecutiveFailures = 0;
    next.failingSince = null;
    next.lastFailure = null;
    next.lastGoodAt = run.at;
  } else {
    next.consecutiveFailures = log.consecutiveFailures + 1;
    next.failingSince = log.failingSince ?? run.at;
    next.lastFailure = run.failure ?? null;
  }
  writeFileAtomic(runLogFile(stateDir, log.targetId), JSON.stringify(next, null, 2) + '\n');
  return next;
}
