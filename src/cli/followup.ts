/**
 * `radar followup ...`: the follow-up SOP from the CRM exports. `show` lists what each rep owes
 * now, `remind` is the daily job (a reminder to each rep), `summary` the weekly one (a summary to
 * each manager), `explain` traces a rep's items and timeliness to the rows.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadRules } from '../config/load.js';
import { deliverOutbox } from '../deliver/deliver.js';
import { DEFAULT_DELIVERY, recordPolicy } from '../deliver/policy.js';
import type { Alert } from '../alerts/model.js';
import { loadFollowupConfig } from '../sales/followup/config.js';
import { explainFollowup, type FollowupOptions, loadFollowupData, runReminders, runSummary, stamp } from '../sales/followup/job.js';
import { evaluate, type FollowupItem } from '../sales/followup/rules.js';
import { percent } from '../sales/format.js';
import { acquireLock } from '../schedule/lock.js';
import { opsView, Outbox } from '../store/outbox.js';
import { err, out, parseNow, pathsFrom, sentLine, setExitCode } from './common.js';
import { formatTable as table } from './table.js';
import { printBadRows } from './targets.js';

interface Opts {
  now?: Date;
  inputs?: string;
  json?: boolean;
}

const common = (c: Command): Command =>
  c
    .option('--now <iso>', 'pretend it is this time (demos, tests)', parseNow)
    .option('--inputs <dir>', 'folder with the exports (default: inputs_dir of rules/followup.yaml)')
    .option('--json', 'machine-readable output');

function options(cmd: Command, o: Opts): FollowupOptions {
  const paths = pathsFrom(cmd);
  const samplesDir = o.inputs ?? resolve(paths.home, loadFollowupConfig(paths.rulesDir).inputs_dir);
  return { rulesDir: paths.rulesDir, stateDir: paths.stateDir, now: o.now ?? new Date(), samplesDir };
}

const RULE_WORDS: Record<FollowupItem['rule'], string> = { feedback: 'feedback', second_touch: 'second touch', idle: 'idle', criteria: 'criteria' };

export function describeItem(it: Pick<FollowupItem, 'rule' | 'customer' | 'opportunity' | 'title' | 'stage' | 'days' | 'limit' | 'missing'> & { since: string; due: string }): string {
  switch (it.rule) {
    case 'feedback':
      return `${it.customer}: first visit ${it.since}, feedback due ${it.due}`;
    case 'second_touch':
      return `${it.customer}: first visit ${it.since}, second touch due ${it.due}`;
    case 'idle':
      return `${it.opportunity} ${it.title ?? ''}: in ${it.stage} since ${it.since}, ${it.days} days (limit ${it.limit})`;
    case 'criteria':
      return `${it.opportunity} ${it.title ?? ''}: entered ${it.stage} ${it.since} without ${it.missing?.join(', ')}`;
  }
}

async function record(cmd: Command, alerts: Alert[], send: boolean) {
  const paths = pathsFrom(cmd);
  const rules = loadRules(paths.rulesDir);
  const outbox = new Outbox(paths.stateDir);
  outbox.policy = recordPolicy(rules.delivery ?? DEFAULT_DELIVERY);
  const recorded = outbox.record(alerts, new Date());
  const d = send ? await deliverOutbox(outbox, { rules, paths, now: () => new Date(), window: 'all' }) : null;
  for (const m of d?.delivery.sent ?? []) out(sentLine(m, undefined, '  '));
  for (const f of d?.delivery.failed ?? []) err(`  ✗ ${opsView(f.msg).to}: ${opsView(f.msg).lastError ?? f.error}`);
  return { recorded: recorded.length, sent: d?.delivery.sent.length ?? 0, failed: d?.delivery.failed.length ?? 0 };
}

export function register(program: Command): void {
  const fu = program.command('followup').description('Follow-up SOP from the CRM exports: feedback within 48 h, a second touch within 7 days, idle opportunities, stage criteria; daily reminders to reps, weekly summaries to managers.');

  common(fu.command('show').description('What each rep owes now (overdue, or due within due_soon_hours). Records and sends nothing.').option('--rep <who>', 'one rep (工号 or name)')).action(
    async (o: Opts & { rep?: string }, cmd: Command) => {
      const data = await loadFollowupData(options(cmd, o));
      const view = evaluate(data.crm, data.cfg, data.now);
      const pid = o.rep ? data.org.find(o.rep) : null;
      if (o.rep && !pid) throw new Error(`--rep: no person "${o.rep}" in the org export`);
      const items = view.items.filter((i) => !pid || i.pid === pid);
      if (o.json) {
        out(JSON.stringify({ asOf: stamp(data.now), items: items.map((i) => ({ ...i, employeeId: data.org.people.get(i.pid)?.employeeId ?? null, since: stamp(i.since), due: stamp(i.due) })) }, null, 2));
        return;
      }
      out(`follow-up as of ${stamp(data.now)}: ${items.filter((i) => i.status === 'overdue').length} overdue, ${items.filter((i) => i.status === 'due').length} due soon`);
      out(
        table(
          ['rep', 'rule', 'status', 'item', 'row'],
          items.map((i) => [data.org.people.get(i.pid)?.name ?? i.pid, RULE_WORDS[i.rule], i.status, describeItem({ ...i, since: stamp(i.since), due: stamp(i.due) }), `${i.rows[0]!.file}:${i.rows[0]!.line}`]),
        ),
      );
      setExitCode(cmd, printBadRows(data.badRows) ? 1 : 0);
    },
  );

  common(
    fu
      .command('remind')
      .description('The daily job: a reminder to each rep with something overdue or due soon, to the rep\'s own address (邮箱 in the org export); recorded in the outbox and sent.')
      .option('--to <email...>', 'only the reminders for these addresses')
      .option('--no-send', 'record in the outbox only; the next run sends'),
  ).action(async (o: Opts & { send: boolean; to?: string[] }, cmd: Command) => {
    const lock = acquireLock(pathsFrom(cmd).stateDir, 'followup');
    try {
      const r = await runReminders({ ...options(cmd, o), ...(o.to ? { only: o.to } : {}) });
      out(`${r.reps.length} reps with something to do, ${r.alerts.length} reminder${r.alerts.length === 1 ? '' : 's'}`);
      const noEmail = r.reps.filter((x) => !x.email);
      if (noEmail.length) err(`  no 邮箱 in the org export for ${noEmail.map((x) => x.employeeId).join(', ')}: no reminder`);
      const d = await record(cmd, r.alerts, o.send);
      setExitCode(cmd, printBadRows(r.data.badRows) || d.failed ? 1 : 0);
    } finally {
      lock.release();
    }
  });

  common(
    fu
      .command('summary')
      .description('The weekly job: each manager (经理邮箱 in the org export) gets their own team\'s timeliness ranking and stage-to-stage funnel.')
      .option('--to <email...>', 'only the summaries for these addresses')
      .option('--no-send', 'record in the outbox only; the next run sends'),
  ).action(async (o: Opts & { send: boolean; to?: string[] }, cmd: Command) => {
    const lock = acquireLock(pathsFrom(cmd).stateDir, 'followup');
    try {
      const r = await runSummary({ ...options(cmd, o), ...(o.to ? { only: o.to } : {}) });
      out(`${r.alerts.length} manager summar${r.alerts.length === 1 ? 'y' : 'ies'}`);
      if (r.unmanaged.length) err(`  no 经理邮箱 for ${r.unmanaged.join(', ')}: in no summary`);
      const d = await record(cmd, r.alerts, o.send);
      setExitCode(cmd, printBadRows(r.data.badRows) || d.failed ? 1 : 0);
    } finally {
      lock.release();
    }
  });

  common(fu.command('explain <who>').description('A rep\'s overdue items and timeliness figures, each traced to the file and line of its rows.')).action(async (who: string, o: Opts, cmd: Command) => {
    const e = await explainFollowup(options(cmd, o), who);
    const cfg = e.data.cfg;
    const t = e.view.timeliness.get(e.pid);
    if (o.json) {
      out(JSON.stringify({ name: e.name, items: e.items, timeliness: t ?? null, visits: e.visits }, null, 2));
      return;
    }
    out(`${e.name} as of ${stamp(e.data.now)}`);
    out('');
    out(`items (${e.items.length}):`);
    for (const i of e.items) out(`  ${i.status.padEnd(7)} ${describeItem({ ...i, since: stamp(i.since), due: stamp(i.due) })}  [${i.rows.map((r) => `${r.file}:${r.line}`).join(', ')}]`);
    out('');
    out(`timeliness over the last ${cfg.summary.window_days} days (deadlines that fell in it):`);
    out(`  feedback within ${cfg.rules.feedback_hours} h: ${t?.feedbackOnTime ?? 0}/${t?.feedbackDue ?? 0}; second touch within ${cfg.rules.second_touch_days} days: ${t?.secondOnTime ?? 0}/${t?.secondDue ?? 0}; on time ${percent(t?.rate ?? null, 1)}`);
    const w = (x: { file: string; line: number; t: number } | null, due: number) => (x ? `${stamp(x.t)} ${x.t <= due ? 'on time' : 'late'} (${x.file}:${x.line})` : `none by ${stamp(due)}`);
    out(
      table(
        ['first visit', 'customer', 'row', 'feedback', 'second touch'],
        e.visits.map((v) => [stamp(v.visit.t), v.visit.customer, `${v.visit.file}:${v.visit.line}`, w(v.feedback, v.feedbackDue), w(v.second, v.secondDue)]),
      ),
    );
  });
}
