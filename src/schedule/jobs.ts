import type { Alert } from '../alerts/model.js';
import type { Paths, Rules } from '../config/load.js';
import type { Logger } from '../core/log.js';
import { attritionJob } from '../signals/scheduled.js';
import { healthJob } from '../health/scheduled.js';

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
  run(ctx: JobContext): Promise<Alert[]>;
}

const jobs = new Map<string, ScheduledJob>();

export function registerJob(job: ScheduledJob): void {
  jobs.set(job.name, job);
}

export function getJob(name: string): ScheduledJob | undefined {
  return jobs.get(name);
}

export function jobNames(): string[] {
  return [...jobs.keys()].sort();
}

// Registered jobs: one line each.
registerJob(attritionJob);
registerJob(healthJob);
