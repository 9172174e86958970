/**
 * `radar scorecard ...`: the monthly scorecard (绩效评估). `show` prints everyone's score and
 * breakdown, `run` sends each person their card and each manager their team's heat map, `explain`
 * traces one person's numbers to the rows.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadRules } from '../config/load.js';
import { deliverOutbox } from '../deliver/deliver.js';
import { DEFAULT_DELIVERY, recordPolicy } from '../deliver/policy.js';
import { money, percent } from '../sales/format.js';
import { isMonth } from '../sales/months.js';
import { loadScorecardConfig } from '../sales/scorecard/config.js';
import { defaultMonth, explainScorecard, loadScorecardData, runScorecard, type ScorecardOptions, scoreMonth } from '../sales/scorecard/job.js';
import { acquireLock } from '../schedule/lock.js';
import { opsView, Outbox } from '../store/outbox.js';
import { err, out, parseNow, pathsFrom, sentLine, setExitCode } from './common.js';
import { formatTable as table } from './table.js';
import { printBadRows } from './targets.js';

interface Opts {
  now?: Date;
  inputs?: string;
  json?: boolean;
  month?: string;
}

const monthArg = (v: string): string => {
  if (!isMonth(v)) throw new Error(`--month: YYYY-MM, not ${v}`);
  return v;
};

const common = (c: Command): Command =>
  c
    .option('--now <iso>', 'pretend it is this time (demos, tests)', parseNow)
    .option('--month <yyyy-mm>', 'the month to score (default: the last complete one)', monthArg)
    .option('--inputs <dir>', 'folder with the exports (default: inputs_dir of rules/scorecard.yaml)')
    .option('--json', 'machine-readable output');

function options(cmd: Command, o: Opts): ScorecardOptions {
  const paths = pathsFrom(cmd);
  const samplesDir = o.inputs ?? resolve(paths.home, loadScorecardConfig(paths.rulesDir).inputs_dir);
  return { rulesDir: paths.rulesDir, stateDir: paths.stateDir, now: o.now ?? new Date(), samplesDir, ...(o.month ? { month: o.month } : {}) };
}

const fmt = (id: string, v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : id === 'collections' || id === 'margin' ? money(v, 'zh-CN') : id === 'compliance' ? percent(v, 1) : id === 'satisfaction' ? v.toFixed(2) : String(v);

export function register(program: Command): void {
  const sc = program.command('scorecard').description('Monthly scorecard: collections, gross margin, new customers, satisfaction and compliance, each a percentile among peers, weighted; cards to people, heat maps to managers.');

  common(sc.command('show').description('Everyone\'s score and breakdown for the month. Records and sends nothing.')).action(async (o: Opts, cmd: Command) => {
    const opts = options(cmd, o);
    const data = await loadScorecardData(opts);
    const month = opts.month ?? defaultMonth(data);
    const ms = scoreMonth(data, month);
    const dims = data.cfg.dimensions.map((d) => d.id);
    const rows = [...ms.scores.values()].sort((a, b) => a.group.localeCompare(b.group, 'zh-CN') || (b.score ?? -1) - (a.score ?? -1));
    if (o.json) {
      out(JSON.stringify({ month, people: rows.map((s) => ({ employeeId: data.org.people.get(s.pid)?.employeeId, name: data.org.people.get(s.pid)?.name, group: s.group, score: s.score, band: s.band, dims: s.dims })) }, null, 2));
      return;
    }
    out(`${month} scorecard (peers: ${data.cfg.peers}; each dimension a percentile among peers, weights ${data.cfg.dimensions.map((d) => `${d.id} ${d.weight}%`).join(', ')})`);
    out(table(['peers', 'name', 'score', ...dims], rows.map((s) => [s.group, data.org.people.get(s.pid)?.name ?? s.pid, s.score === null ? '–' : `${s.score.toFixed(1)} ${s.band}`, ...s.dims.map((d) => `${fmt(d.id, d.value)} → ${d.score === null ? '–' : d.score.toFixed(0)}`)])));
    setExitCode(cmd, printBadRows(data.badRows) ? 1 : 0);
  });

  common(
    sc
      .command('run')
      .description('The monthly job: each person gets their own card (breakdown, gap to peers, radar chart, courses), each manager (经理邮箱) their team\'s heat map and rankings.')
      .option('--to <email...>', 'only the cards and team views for these addresses')
      .option('--no-send', 'record in the outbox only; the next run sends'),
  ).action(async (o: Opts & { send: boolean; to?: string[] }, cmd: Command) => {
    const paths = pathsFrom(cmd);
    const lock = acquireLock(paths.stateDir, 'scorecard');
    try {
      const r = await runScorecard({ ...options(cmd, o), ...(o.to ? { only: o.to } : {}) });
      out(`${r.current.month}: ${r.current.scores.size} people scored; ${r.alerts.filter((a) => a.topic === 'scorecard').length} cards, ${r.alerts.filter((a) => a.topic === 'scorecard-team').length} team views`);
      if (r.noEmail.length) err(`  no 邮箱 in the org export for ${r.noEmail.join(', ')}: no card`);
      const rules = loadRules(paths.rulesDir);
      const outbox = new Outbox(paths.stateDir);
      outbox.policy = recordPolicy(rules.delivery ?? DEFAULT_DELIVERY);
      outbox.record(r.alerts, new Date());
      const d = o.send ? await deliverOutbox(outbox, { rules, paths, now: () => new Date(), window: 'all' }) : null;
      for (const m of d?.delivery.sent ?? []) out(sentLine(m, undefined, '  '));
      for (const f of d?.delivery.failed ?? []) err(`  ✗ ${opsView(f.msg).to}: ${opsView(f.msg).lastError ?? f.error}`);
      setExitCode(cmd, printBadRows(r.data.badRows) || d?.delivery.failed.length ? 1 : 0);
    } finally {
      lock.release();
    }
  });

  common(sc.command('explain <who>').description('One person\'s scorecard traced to the rows: raw values, the peers\' values behind each percentile, the weights.')).action(async (who: string, o: Opts, cmd: Command) => {
    const e = await explainScorecard(options(cmd, o), who);
    if (o.json) {
      out(JSON.stringify({ name: e.name, month: e.month, group: e.raw.group, score: e.score, peerValues: e.peerValues, erpRows: e.erpRows, customers: e.customers, satisfaction: e.satisfaction, compliance: e.compliance }, null, 2));
      return;
    }
    out(`${e.name}, ${e.month}: score ${e.score.score?.toFixed(1) ?? '–'} (${e.score.band ?? 'none'}); peers: ${e.raw.group}`);
    out(table(['dimension', 'weight', 'value', 'peers (with a value)', 'below', 'equal', 'percentile'], e.score.dims.map((d) => {
      const pv = e.peerValues[d.id] ?? [];
      return [d.id, `${d.weight}%`, fmt(d.id, d.value), String(pv.length), d.value === null ? '' : String(pv.filter((v) => v < d.value!).length), d.value === null ? '' : String(pv.filter((v) => v === d.value).length - 1), d.score === null ? '–' : d.score.toFixed(1)];
    })));
    const scored = e.score.dims.filter((d) => d.score !== null);
    out(`score = ${scored.map((d) => `${d.weight}% × ${d.score!.toFixed(1)}`).join(' + ')}${scored.reduce((s, d) => s + d.weight, 0) !== 100 ? ` (over ${scored.reduce((s, d) => s + d.weight, 0)}%)` : ''} = ${e.score.score?.toFixed(1) ?? '–'}; percentile = 100 × (below + ½ × equal) / (peers − 1)`);
    out('');
    out(`collections and margin (${e.erpRows.length} receipts):`);
    for (const r of e.erpRows) out(`  ${r.file}:${r.line}  ${r.date}  ${r.receipt}  ${r.customer}  ${money(r.amount, 'zh-CN')}  毛利 ${money(r.margin, 'zh-CN')}`);
    out(`new customers (${e.customers.length}):`);
    for (const r of e.customers) out(`  ${r.file}:${r.line}  ${r.date}  ${r.text}`);
    out(`satisfaction (${e.satisfaction.length} answers):`);
    for (const r of e.satisfaction) out(`  ${r.file}:${r.line}  ${r.date}  ${r.text}  ${r.score}`);
    out(`compliance: ${e.compliance ? `${e.compliance.onTime}/${e.compliance.due} follow-up deadlines of ${e.month} met (radar followup explain ${who} --now <end of month> lists them)` : 'no follow-up deadline fell in the month'}`);
  });
}
