import { resolve } from 'node:path';
import type { ScheduledJob } from '../../contracts/job.js';
import { loadFollowupConfig } from './config.js';
import { runReminders, runSummary } from './job.js';

const inputs = (home: string, rulesDir: string): string => resolve(home, loadFollowupConfig(rulesDir).inputs_dir);

/** The daily reminder to each rep (daemon.jobs in rules/delivery.yaml, e.g. followup: "30 8 * * 1-5"). */
export const followupJob: ScheduledJob = {
  name: 'followup',
  describe: 'daily follow-up reminders from the CRM exports: each rep gets their own overdue items',
  async run(ctx) {
    const r = await runReminders({ rulesDir: ctx.paths.rulesDir, stateDir: ctx.paths.stateDir, now: ctx.now, samplesDir: inputs(ctx.paths.home, ctx.paths.rulesDir) });
    ctx.log.info({ reminders: r.alerts.length, items: r.view.items.length, badRows: r.data.badRows.length }, 'followup job done');
    return r.alerts;
  },
};

/** The weekly summary to managers (e.g. followup-summary: "0 8 * * 1"). */
export const followupSummaryJob: ScheduledJob = {
  name: 'followup-summary',
  describe: 'weekly follow-up summary to each manager: timeliness ranking and funnel conversion of their team',
  async run(ctx) {
    const r = await runSummary({ rulesDir: ctx.paths.rulesDir, stateDir: ctx.paths.stateDir, now: ctx.now, samplesDir: inputs(ctx.paths.home, ctx.paths.rulesDir) });
    ctx.log.info({ summaries: r.alerts.length, badRows: r.data.badRows.length }, 'followup summary done');
    return r.alerts;
  },
};
