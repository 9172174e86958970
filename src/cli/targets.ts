/**
 * `radar targets ...`: tiered targets and attainment from the collections export. `show` prints
 * attainment at every level, `propose` tiers the regions and suggests next year's targets,
 * `run` is the weekly job (digests to heads, red and forecast alerts), `explain` lists the rows
 * behind a person's, team's or region's numbers.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { displayPath, loadRules } from '../config/load.js';
import { deliverOutbox } from '../deliver/deliver.js';
import { DEFAULT_DELIVERY, recordPolicy } from '../deliver/policy.js';
import { money, percent, signed } from '../sales/format.js';
import { loadTargetsConfig } from '../sales/targets/config.js';
import { explainTargets, proposeTargets, runTargetsJob, showTargets, type TargetsOptions } from '../sales/targets/job.js';
import type { BadRow } from '../signals/table.js';
import { acquireLock } from '../schedule/lock.js';
import { opsView, Outbox } from '../store/outbox.js';
import { err, out, parseNow, pathsFrom, sentLine, setExitCode } from './common.js';
import { formatTable as table } from './table.js';

interface Opts {
  now?: Date;
  inputs?: string;
  json?: boolean;
}

const common = (c: Command): Command =>
  c
    .option('--now <iso>', 'pretend it is this time (demos, tests); attainment is measured to the day before', parseNow)
    .option('--inputs <dir>', 'folder with the exports (default: inputs_dir of rules/targets.yaml)')
    .option('--json', 'machine-readable output');

function options(cmd: Command, o: Opts): TargetsOptions {
  const paths = pathsFrom(cmd);
  const samplesDir = o.inputs ?? resolve(paths.home, loadTargetsConfig(paths.rulesDir).inputs_dir);
  return { rulesDir: paths.rulesDir, stateDir: paths.stateDir, now: o.now ?? new Date(), samplesDir, owners: loadRules(paths.rulesDir).owners };
}

/** Bad rows are warnings; an export that could not be read at all (line 0) makes the exit code 1. */
export function printBadRows(bad: BadRow[]): boolean {
  for (const b of bad.slice(0, 20)) err(`  ${b.file}:${b.line}: ${b.reason}`);
  if (bad.length > 20) err(`  ... ${bad.length - 20} more`);
  return bad.some((b) => b.line === 0);
}

const LEVEL_INDENT: Record<string, string> = { group: '', region: '  ', team: '    ', person: '      ' };

export function register(program: Command): void {
  const targets = program.command('targets').description('Tiered targets and attainment from the ERP collections export: group → region → team → person, forecasts, weekly digests to heads.');

  common(
    targets
      .command('show')
      .description('Attainment to date at every level with colours, gaps and the largest contributors; forecasts per region. Records and sends nothing.')
      .option('--level <level>', 'down to this level: region, team or person', 'team'),
  ).action(async (o: Opts & { level: string }, cmd: Command) => {
    const { data, view } = await showTargets(options(cmd, o));
    const depth = ['group', 'region', 'team', 'person'].indexOf(o.level);
    if (depth < 0) throw new Error(`--level: region, team or person, not ${o.level}`);
    const rows = [...view.units.values()].filter((u) => ['group', 'region', 'team', 'person'].indexOf(u.level) <= depth);
    const ordered: typeof rows = [];
    const walk = (k: string): void => {
      const u = view.units.get(k)!;
      if (!rows.includes(u)) return;
      ordered.push(u);
      for (const c of u.children) walk(c);
    };
    walk('group');
    if (o.json) {
      out(JSON.stringify({ fy: view.fy, period: view.period, from: view.from, asOf: view.asOf, notes: view.notes, units: ordered.map(({ monthlyTarget: _m, forecast, ...u }) => ({ ...u, forecast: forecast ? { months: forecast.months, values: forecast.values, sumForecast: forecast.sumForecast, sumTarget: forecast.sumTarget, below: forecast.below } : null })) }, null, 2));
      return;
    }
    out(`${view.fy} ${view.period} ${view.from}..${view.asOf} (${displayPath(data.cfg.file)})`);
    out(
      table(
        ['unit', 'target (year)', 'target to date', 'actual', 'attained', 'gap', 'largest contributors to the gap'],
        ordered.map((u) => [
          `${LEVEL_INDENT[u.level]}${u.name}`,
          money(u.annual, 'zh-CN'),
          money(u.target, 'zh-CN'),
          money(u.actual, 'zh-CN'),
          `${percent(u.ratio)}${u.band ? ` ${u.band}` : ''}`,
          money(u.gap, 'zh-CN'),
          u.contributors.map((c) => `${c.name} ${money(c.gap, 'zh-CN')}`).join(', '),
        ]),
      ),
    );
    const fc = ordered.filter((u) => u.forecast);
    if (fc.length) {
      out('');
      out(`forecast (${fc[0]!.forecast!.months[0]}..${fc[0]!.forecast!.months.at(-1)}, weighted moving average of cleaned months):`);
      out(table(['unit', ...fc[0]!.forecast!.months, 'Σ forecast', 'Σ target', ''], fc.map((u) => [u.name, ...u.forecast!.values.map((v) => money(v, 'zh-CN')), money(u.forecast!.sumForecast, 'zh-CN'), money(u.forecast!.sumTarget, 'zh-CN'), u.forecast!.below ? 'below target' : ''])));
    }
    for (const n of view.notes) out(`note: ${n}`);
    setExitCode(cmd, printBadRows(data.badRows) ? 1 : 0);
  });

  common(
    targets
      .command('propose')
      .description('Tier the regions by their collections (A top 20 %, B middle 50 %, C bottom 30 %) and propose next year\'s targets with the reasons.')
      .option('--year <yyyy>', 'fiscal year to propose for (default: the next one)', (v) => Number(v)),
  ).action(async (o: Opts & { year?: number }, cmd: Command) => {
    const { data, report } = await proposeTargets(options(cmd, o), o.year);
    if (o.json) {
      out(JSON.stringify({ year: report.year, months: report.months, note: report.note, proposals: report.proposals, inForce: Object.fromEntries(report.inForce) }, null, 2));
      return;
    }
    out(`proposed targets for ${report.year}, from collections ${report.months[0]}..${report.months.at(-1)}`);
    out(
      table(
        ['region', 'collections', 'rank', 'tier', 'band', 'growth', 'adjustments', 'proposed', 'in force'],
        report.proposals.map((p) => [
          p.region,
          money(p.base, 'zh-CN'),
          `${p.rank}/${p.of}`,
          p.tier,
          `${p.band[0]}–${p.band[1]} %`,
          `${p.growth.toFixed(1)} %`,
          p.adjustments.map((a) => `${signed(a.percent, 0)} % ${a.reason}`).join('; '),
          money(p.target, 'zh-CN'),
          money(report.inForce.get(p.region), 'zh-CN'),
        ]),
      ),
    );
    out(`target = collections × (1 + growth + adjustments); put the ones you adopt under targets: "${report.year}" in ${displayPath(data.cfg.file)}`);
    if (report.note) out(`note: ${report.note}`);
    setExitCode(cmd, printBadRows(data.badRows) ? 1 : 0);
  });

  common(
    targets
      .command('run')
      .description('The weekly job: one attainment digest per head (table and gap chart), and an alert when a unit turns red or its forecast falls below target; recorded in the outbox and sent.')
      .option('--to <email...>', 'only the digests and alerts for these addresses')
      .option('--no-send', 'record in the outbox only; the next run sends')
      .addHelpText(
        'after',
        `
Heads: digest.group in rules/targets.yaml (the whole tree), each region's owners in rules/owners.yaml
(their region), team managers (经理邮箱 in the org export: their teams). Exit codes: 0 done (bad rows are
listed as warnings), 1 an export could not be read or mail failed, 2 bad usage or config.`,
      ),
  ).action(async (o: Opts & { send: boolean; to?: string[] }, cmd: Command) => {
    const paths = pathsFrom(cmd);
    const lock = acquireLock(paths.stateDir, 'targets');
    try {
      const r = await runTargetsJob({ ...options(cmd, o), ...(o.to ? { only: o.to } : {}) });
      const rules = loadRules(paths.rulesDir);
      const outbox = new Outbox(paths.stateDir);
      outbox.policy = recordPolicy(rules.delivery ?? DEFAULT_DELIVERY);
      const recorded = outbox.record(r.alerts, new Date());
      const d = o.send ? await deliverOutbox(outbox, { rules, paths, now: () => new Date(), window: 'all' }) : null;
      if (o.json) {
        out(JSON.stringify({ fy: r.view.fy, asOf: r.view.asOf, digests: r.digests, turnedRed: r.turnedRed, forecastBelow: r.forecastBelow, unheaded: r.unheaded, recorded: recorded.length, sent: d?.delivery.sent.length ?? 0, badRows: r.data.badRows }, null, 2));
      } else {
        out(`${r.view.fy} ${r.view.period} to ${r.view.asOf}: ${r.digests} digest${r.digests === 1 ? '' : 's'}; turned red: ${r.turnedRed.join(', ') || 'none'}; forecast below target: ${r.forecastBelow.join(', ') || 'none'}`);
        if (r.unheaded.length) err(`  nobody heads ${r.unheaded.join(', ')} (no owner in rules/owners.yaml, no 经理邮箱 in the org export)`);
        for (const m of d?.delivery.sent ?? []) out(sentLine(m, undefined, '  '));
        for (const f of d?.delivery.failed ?? []) err(`  ✗ ${opsView(f.msg).to}: ${opsView(f.msg).lastError ?? f.error}`);
      }
      const unreadable = o.json ? r.data.badRows.some((b) => b.line === 0) : printBadRows(r.data.badRows);
      setExitCode(cmd, unreadable || d?.delivery.failed.length ? 1 : 0);
    } finally {
      lock.release();
    }
  });

  common(targets.command('explain <who>').description('Every number of a person (工号 or name), team or region traced to the rows of the collections export.')).action(
    async (who: string, o: Opts, cmd: Command) => {
      const e = await explainTargets(options(cmd, o), who);
      const u = e.unit;
      if (o.json) {
        out(JSON.stringify({ unit: { ...u, monthlyTarget: Object.fromEntries(u.monthlyTarget) }, chain: e.chain.map((c) => ({ key: c.key, annual: c.annual, targetFrom: c.targetFrom, base: c.base, newHire: c.newHire })), byMonth: e.byMonth, rows: e.rows }, null, 2));
        return;
      }
      out(`${u.level} ${u.name}: ${e.view.fy} ${e.view.period} ${e.view.from}..${e.view.asOf}`);
      out('');
      out('target:');
      // What a share is weighed by: the base, or a new hire's annualised base times their part of the year.
      const weight = (k: string): number => {
        const x = e.view.units.get(k)!;
        return x.newHire ? x.newHire.annualisedBase * x.newHire.yearShare : Math.max(0, x.base);
      };
      for (const c of e.chain) {
        const how = c.targetFrom === 'set' ? 'set in rules/targets.yaml' : c.targetFrom === 'sum' ? 'sum of the regions' : c.targetFrom === 'share' ? `share of ${e.view.units.get(c.parent!)!.name} by collections ${e.view.baseMonths[0]}..${e.view.baseMonths.at(-1)}: ${money(weight(c.key), 'zh-CN')} of ${money(e.view.units.get(c.parent!)!.children.reduce((s, k) => s + weight(k), 0), 'zh-CN')}` : c.targetFrom === 'even' ? 'even share (no collections in the base months)' : 'none';
        out(`  ${c.name}: ${money(c.annual, 'zh-CN')} a year (${how})`);
        const nh = c.newHire;
        if (nh) out(`    joined ${nh.hired}: base counted as ${money(nh.annualisedBase, 'zh-CN')} a year (${nh.baseMonthsThere} base months there${nh.baseMonthsThere < 1 ? ": the team-mates' average" : ', annualised'}) × ${percent(nh.yearShare * 100, 1)} of the year here; no target before ${nh.hired.slice(0, 7)}`);
      }
      out(`  to date: ${money(u.target, 'zh-CN')} (${e.view.period}, the as-of month pro rata by day)`);
      out('');
      out('actual by month (rows of the collections export):');
      out(table(['month', 'collections', 'rows', 'counts for'], e.byMonth.map((m) => [m.month, money(m.amount, 'zh-CN'), String(m.rows), [m.inPeriod ? 'actual to date' : '', m.inBase ? 'share base' : ''].filter(Boolean).join(', ')])));
      out(`actual to date ${money(u.actual, 'zh-CN')} / target ${money(u.target, 'zh-CN')} = ${percent(u.ratio, 1)}${u.band ? ` (${u.band})` : ''}; gap ${money(u.gap, 'zh-CN')}`);
      if (e.rows.length) {
        out('');
        out('rows in the period:');
        const inPeriod = e.rows.filter((r) => r.date.slice(0, 7) >= e.view.from.slice(0, 7) && r.date <= e.view.asOf);
        for (const r of inPeriod.slice(0, 400)) out(`  ${r.file}:${r.line}  ${r.date}  ${r.receipt}  ${r.customer}  ${money(r.amount, 'zh-CN')}`);
        if (inPeriod.length > 400) out(`  ... ${inPeriod.length - 400} more (--json lists all)`);
      }
      if (u.forecast) {
        out('');
        out('forecast: cleaned history (quarter-end pushes spread, outliers clipped), then the weighted moving average:');
        out(table(['month', 'collections', 'after spread', 'used', 'note'], u.forecast.history.map((h) => [h.month, money(h.raw, 'zh-CN'), money(h.spread, 'zh-CN'), money(h.clean, 'zh-CN'), h.note ?? ''])));
        out(table(['month', 'forecast', 'target'], u.forecast.months.map((m, i) => [m, money(u.forecast!.values[i], 'zh-CN'), money(u.forecast!.targets[i], 'zh-CN')])));
      }
    },
  );
}
