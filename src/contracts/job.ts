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
 * them at once: the job's schedule is their delivery time. Scheduled by rules/delivery.yaml
 * daemon.jobs (name → cron or "off"), or by itself once its exports are configured (JobDefault
 * in src/schedule/jobs.ts). One file per job plus one line in src/schedule/jobs.ts.
 */
export interface ScheduledJob {
  name: string;
  describe: string;
  /** Its alerts are HR data: the daemon's log says the job ran, never how many alerts it raised. */
  hrOnly?: boolean;
  run(ctx: JobContext): Promise<Alert[]>;
}
