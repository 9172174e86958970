import { resolve } from 'node:path';
import type { ScheduledJob } from '../contracts/job.js';
import { loadHealthConfig } from './config.js';
import { runHealthJob } from './job.js';

/** The weekly health job as a daemon job (enable it under daemon.jobs in rules/delivery.yaml, e.g. health: "0 8 * * 1"). */
export const healthJob: ScheduledJob = {
  name: 'health',
  describe: 'weekly sales health index from the CRM exports; team digests and coaching prompts to managers',
  async run(ctx) {
    // inputs_dir is relative to the radar home, not to wherever the daemon was started.
    const samplesDir = resolve(ctx.paths.home, loadHealthConfig(ctx.paths.rulesDir).inputs_dir);
    const r = await runHealthJob({ rulesDir: ctx.paths.rulesDir, stateDir: ctx.paths.stateDir, now: ctx.now, samplesDir });
    ctx.log.info({ week: r.week, scored: r.scored, prompts: r.prompts, teams: r.teams, badRows: r.badRows.length }, 'health job done');
    return r.alerts;
  },
};
