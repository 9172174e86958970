import type { ScheduledJob } from '../contracts/job.js';

export type { JobContext, ScheduledJob } from '../contracts/job.js';

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
registerJob('targets', async () => (await import('../sales/targets/scheduled.js')).targetsJob);
registerJob('followup', async () => (await import('../sales/followup/scheduled.js')).followupJob);
registerJob('followup-summary', async () => (await import('../sales/followup/scheduled.js')).followupSummaryJob);
registerJob('scorecard', async () => (await import('../sales/scorecard/scheduled.js')).scorecardJob);
