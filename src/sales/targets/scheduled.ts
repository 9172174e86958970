import { resolve } from 'node:path';
import type { ScheduledJob } from '../../contracts/job.js';
import { loadTargetsConfig } from './config.js';
import { runTargetsJob } from './job.js';

/** The weekly attainment job as a daemon job (enable it under daemon.jobs in rules/delivery.yaml, e.g. targets: "0 8 * * 1"). */
export const targetsJob: ScheduledJob = {
  name: 'targets',
  describe: 'weekly attainment from the ERP collections export; a digest per head, alerts when a unit turns red or its forecast falls below target',
  async run(ctx) {
    // inputs_dir is relative to the radar home, not to wherever the daemon was started.
    const samplesDir = resolve(ctx.paths.home, loadTargetsConfig(ctx.paths.rulesDir).inputs_dir);
    const r = await runTargetsJob({ rulesDir: ctx.paths.rulesDir, stateDir: ctx.paths.stateDir, now: ctx.now, samplesDir, owners: ctx.rules.owners });
    ctx.log.info({ asOf: r.view.asOf, digests: r.digests, turnedRed: r.turnedRed.length, forecastBelow: r.forecastBelow.length, badRows: r.data.badRows.length }, 'targets job done');
    return r.alerts;
  },
};
