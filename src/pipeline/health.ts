/**
 * A target's health, from its run log, its snapshot and its schedule:
 *
 *   healthy    the last run was good, and recently enough for its schedule
 *   failing    the last run(s) failed: since when, how many in a row, and why
 *   stale      no good run for longer than the schedule implies (two scheduled runs went by):
 *              radar is not running, or the target is not being run
 *   never_run  nothing recorded yet
 *   disabled   `enabled: false`
 */
import type { Target } from '../config/target-schema.js';
import type { FailureClass } from '../core/verdict.js';
import { nextRun, parseCron } from '../time/cron.js';
import type { TargetLog } from '../store/runlog.js';

export type HealthStatus = 'healthy' | 'failing' | 'stale' | 'never_run' | 'disabled';

export interface TargetHealth {
  id: string;
  status: HealthStatus;
  /** When the current failure streak began. */
  failingSince: string | null;
  failures: number;
  failureClass: FailureClass | null;
  httpStatus: number | null;
  message: string | null;
  lastRunAt: string | null;
  lastGoodAt: string | null;
  nextRunAt: string | null;
  /** Items found by the last good run. */
  items: number | null;
  schedule: string;
  /** Set when the schedule cannot be read (next run unknown). */
  scheduleProblem: string | null;
}

export function targetHealth(target: Target, log: TargetLog, lastGoodCount: number | null, now: Date, timeZone: string): TargetHealth {
  let cron: ReturnType<typeof parseCron> | null = null;
  let scheduleProblem: string | null = null;
  try {
    cron = parseCron(target.schedule, timeZone);
  } catch (err) {
    scheduleProblem = err instanceof Error ? err.message : String(err);
  }
  const health: TargetHealth = {
    id: target.id,
    status: 'healthy',
    failingSince: log.failingSince,
    failures: log.consecutiveFailures,
    failureClass: log.lastFailure?.class ?? null,
    httpStatus: log.lastFailure?.httpStatus ?? null,
    message: log.lastFailure?.message ?? null,
    lastRunAt: log.lastRunAt,
    lastGoodAt: log.lastGoodAt,
    nextRunAt: target.enabled && cron ? (nextRun(cron, now)?.toISOString() ?? null) : null,
    items: log.lastGoodAt ? lastGoodCount : null,
    schedule: target.schedule,
    scheduleProblem,
  };
  if (!target.enabled) health.status = 'disabled';
  else if (log.consecutiveFailures > 0) health.status = 'failing';
  else if (!log.lastRunAt) health.status = 'never_run';
  else if (cron && log.lastGoodAt && isStale(cron, new Date(log.lastGoodAt), now)) health.status = 'stale';
  return health;
}

/** Two scheduled runs have come and gone since the last good one. */
function isStale(cron: ReturnType<typeof parseCron>, lastGood: Date, now: Date): boolean {
  const first = nextRun(cron, lastGood);
  const second = first ? nextRun(cron, first) : null;
  return second !== null && second.getTime() <= now.getTime();
}
