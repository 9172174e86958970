import { resolve } from 'node:path';
import type { ScheduledJob } from '../../contracts/job.js';
import { loadScorecardConfig } from './config.js';
import { runScorecard } from './job.js';

/** The monthly scorecard as a daemon job (daemon.jobs in rules/delivery.yaml, e.g. scorecard: "0 9 3 * *"). */
export const scorecardJob: ScheduledJob = {
  name: 'scorecard',
  describe: 'monthly scorecard from the ERP, CRM and satisfaction exports; a card to each person, a team heat map to each manager',
  async run(ctx) {
    const samplesDir = resolve(ctx.paths.home, loadScorecardConfig(ctx.paths.rulesDir).inputs_dir);
    const r = await runScorecard({ rulesDir: ctx.paths.rulesDir, stateDir: ctx.paths.stateDir, now: ctx.now, samplesDir });
    ctx.log.info({ month: r.current.month, scored: r.current.scores.size, alerts: r.alerts.length, badRows: r.data.badRows.length }, 'scorecard job done');
    return r.alerts;
  },
};
