import type { Alert } from '../alerts/model.js';
import type { Paths, Rules } from '../config/load.js';
import type { Logger } from '../core/log.js';

export interface JobContext {
  paths: Paths;
  rules: Rules;
  now: Date;
  log: Logger;
}

/**
 * Work the daemon runs on a schedule besides scraping targets (the weekly HR attrition digest,
 * manager digests ...). A job returns alerts; the daemon records them in the outbox and sends
 * them at once: the job's schedule is their delivery time. Enabled per installation in
 * rules/delivery.yaml under daemon.jobs (name → cron). One file per job plus one line here.
 */
export interface ScheduledJob {
  name: string;
  describe: string;
  /** Its alerts are HR data: the daemon's log says the job ran, never how many alerts it raised. */
  hrOnly?: boolean;
  run(ctx: JobContext): Promise<Alert[]>;
}

/** A job's file is loaded when the job first runs: a daemon waiting for Monday holds none of its libraries. */
const jobs = new Map<string, () => Promise<ScheduledJob>>();

export function registerJob(name: string, load: () => Promise<ScheduledJob>): void {
  jobs.set(name, load);
}

export function hasJob(name: string): boolean {
  return jobs.has(name);
}

export async function loadJob(name: string): Promise<ScheduledJob | undefined> {
  return jobs.get(name)?.();
}

export function jobNames(): string[] {
  return [...jobs.keys()].sort();
}

// Registered jobs: one line each.
registerJob('attrition', async () => (await import('../signals/scheduled.js')).attritionJob);
registerJob('health', async () => (await import('../health/scheduled.js')).healthJob);
