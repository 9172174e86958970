import { resolve } from 'node:path';
import type { ScheduledJob } from '../contracts/job.js';
import { loadSignalsConfig } from './config.js';
import { runAttritionJob } from './job.js';

/** The weekly HR attrition digest as a daemon job (enable it under daemon.jobs in rules/delivery.yaml). */
export const attritionJob: ScheduledJob = {
  name: 'attrition',
  describe: 'weekly attrition scores from the HR/CRM exports; alerts go to HR only',
  hrOnly: true,
  async run(ctx) {
    const cfg = await loadSignalsConfig(ctx.paths.rulesDir);
    // inputs_dir is relative to the radar home, not to wherever the daemon was started.
    const samplesDir = resolve(ctx.paths.home, cfg.inputs_dir);
    const r = await runAttritionJob({ rulesDir: ctx.paths.rulesDir, stateDir: ctx.paths.stateDir, now: ctx.now, samplesDir });
    // How many people crossed the threshold is for HR's eyes: the log (read by ops) does not say.
    ctx.log.info({ week: r.week, scored: r.scored, badRows: r.badRows.length }, 'attrition job done');
    return r.alerts;
  },
};
