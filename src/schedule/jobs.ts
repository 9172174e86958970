import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readYamlSource } from '../config/yaml-source.js';
import type { ScheduledJob } from '../contracts/job.js';

export type { JobContext, ScheduledJob } from '../contracts/job.js';

/**
 * A job that turns itself on: when rules/<file> lists exports under `sources:`, the daemon runs
 * it on `cron` unless daemon.jobs names it (another cron, or "off"). Configuring the exports is
 * the decision to use the feature; a second switch in another file was easy to miss.
 */
export interface JobDefault {
  cron: string;
  file: string;
}

/** A job's file is loaded when the job first runs: a daemon waiting for Monday holds none of its libraries. */
const jobs = new Map<string, () => Promise<ScheduledJob>>();
const defaults = new Map<string, JobDefault>();

export function registerJob(name: string, load: () => Promise<ScheduledJob>, on?: JobDefault): void {
  jobs.set(name, load);
  if (on) defaults.set(name, on);
}

/**
 * The jobs to schedule (name → cron, with why): daemon.jobs as written ("off" turns one off),
 * plus each self-enabling job whose rule file lists exports.
 */
export function plannedJobs(configured: Readonly<Record<string, string>>, rulesDir: string): { name: string; cron: string; why: string }[] {
  const out: { name: string; cron: string; why: string }[] = [];
  for (const [name, cron] of Object.entries(configured)) if (cron !== 'off' && jobs.has(name)) out.push({ name, cron, why: 'daemon.jobs in rules/delivery.yaml' });
  for (const [name, d] of defaults) {
    if (name in configured || !listsExports(join(rulesDir, d.file))) continue;
    out.push({ name, cron: d.cron, why: `rules/${d.file} lists exports (daemon.jobs.${name} sets another time, or "off")` });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** A rule file with a non-empty `sources:` (a broken one counts: the job then reports what is wrong). */
function listsExports(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    const data = readYamlSource(file).data as { sources?: unknown } | null;
    return Array.isArray(data?.sources) && data.sources.length > 0;
  } catch {
    return true;
  }
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
registerJob('attrition', async () => (await import('../signals/scheduled.js')).attritionJob, { cron: '0 7 * * 1', file: 'signals.yaml' });
registerJob('health', async () => (await import('../health/scheduled.js')).healthJob, { cron: '0 8 * * 1', file: 'health.yaml' });
registerJob('targets', async () => (await import('../sales/targets/scheduled.js')).targetsJob);
registerJob('followup', async () => (await import('../sales/followup/scheduled.js')).followupJob);
registerJob('followup-summary', async () => (await import('../sales/followup/scheduled.js')).followupSummaryJob);
registerJob('scorecard', async () => (await import('../sales/scorecard/scheduled.js')).scorecardJob);
