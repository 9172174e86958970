/**
 * `radar health ...`: the sales behaviour health index. `run` is the weekly job (prompts and team
 * digests to managers, through the outbox), `show` prints a week's index per person, `metrics`
 * lists what rules/health.yaml measures and the variables a formula may use.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { displayPath, loadRules } from '../config/load.js';
import { deliverOutbox } from '../deliver/deliver.js';
import { DEFAULT_DELIVERY, recordPolicy } from '../deliver/policy.js';
import { formatIndex, formatTrend, formatValue } from '../health/format.js';
import { loadHealthConfig } from '../health/config.js';
import type { HealthData } from '../health/import.js';
import { type HealthJobResult, runHealthJob, scoreHealth } from '../health/job.js';
import { describeCoverage, weekNote } from '../signals/coverage.js';
import { dayInZone, dayToIso, lastCompleteWeek } from '../signals/dates.js';
import { VARIABLE_NAMES, VARIABLES } from '../health/variables.js';
import { acquireLock } from '../schedule/lock.js';
import { opsView, Outbox } from '../store/outbox.js';
import { err, out, pathsFrom, plural, sentLine, setExitCode, parseNow, parseWeek } from './common.js';
import { formatTable as table } from './table.js';

interface JobOpts {
  now?: Date;
  week?: string;
  inputs?: string;
  json?: boolean;
}

const jobOptions = (c: Command): Command =>
  c
    .option('--now <iso>', 'pretend it is this time (demos, tests); the last complete week before it is scored', parseNow)
    .option('--week <isoWeek>', 'score this week instead, e.g. 2026-W47', parseWeek)
    .option('--inputs <dir>', 'folder with the exports (default: inputs_dir of rules/health.yaml)')
    .option('--json', 'machine-readable output');

function jobOptionsOf(cmd: Command, o: JobOpts) {
  const paths = pathsFrom(cmd);
  // inputs_dir is relative to the radar home, like the daemon job reads it.
  const samplesDir = o.inputs ?? resolve(paths.home, loadHealthConfig(paths.rulesDir).inputs_dir);
  return { rulesDir: paths.rulesDir, stateDir: paths.stateDir, now: o.now ?? new Date(), samplesDir, ...(o.week ? { week: o.week } : {}) };
}

/** "(the latest complete week in the exports, which run A..B)" for a week chosen by default; a note on stderr when the week has no data. */
function weekText(r: { week: string; data: HealthData; config: { timezone: string } }, asked: boolean, now: Date): string {
  const note = weekNote(r.week, asked, r.data.span ?? null, 'check inputs_dir and sources: in rules/health.yaml');
  if (note) err(note);
  // An export that lists only part of the org export speaks for nobody else: say so.
  for (const rep of r.data.reports) {
    const c = rep.coverage;
    if (c && c.team !== null && c.teamCovered !== null && (c.teamCovered < c.team * 0.9 || c.thinWeeks.length)) err(`  ${rep.file}: ${describeCoverage(c, 'the org export')}`);
  }
  const span = r.data.span;
  // Said when the exports end before the calendar's last complete week, the one people expect.
  const early = !asked && span && r.week !== lastCompleteWeek(dayInZone(now, r.config.timezone));
  return early ? ` (the latest complete week in the exports, which run ${dayToIso(span.first)}..${dayToIso(span.last)})` : '';
}

/** Bad rows are warnings (the rest was used); a file that could not be read at all (line 0) makes the exit code 1. */
function printBadRows(r: Pick<HealthJobResult, 'badRows'>): boolean {
  for (const b of r.badRows.slice(0, 20)) err(`  ${b.file}:${b.line}: ${b.reason}`);
  if (r.badRows.length > 20) err(`  ... ${r.badRows.length - 20} more`);
  return r.badRows.some((b) => b.line === 0);
}

export function register(program: Command): void {
  const health = program
    .command('health')
    .description('Sales behaviour health index: twelve CRM habits per person and week, red/yellow/green, coaching prompts to managers.');

  jobOptions(
    health
      .command('run')
      .description('The weekly job: score the last complete week, record coaching prompts and team digests in the outbox, and send them.')
      .option('--no-send', 'record in the outbox only; the next run or `radar run` sends')
      .addHelpText(
        'after',
        `
Managers come from the org export (经理邮箱). A prompt goes out when someone needs attention for
coaching.weeks weeks in a row, then not again for cooldown_weeks (rules/health.yaml).
Exit codes: 0 done (bad rows are listed as warnings), 1 an export could not be read or mail failed,
2 bad usage or config.`,
      ),
  ).action(async (o: JobOpts & { send: boolean }, cmd: Command) => {
    const paths = pathsFrom(cmd);
    const lock = acquireLock(paths.stateDir, 'health');
    try {
      const r = await runHealthJob(jobOptionsOf(cmd, o));
      const rules = loadRules(paths.rulesDir);
      const outbox = new Outbox(paths.stateDir);
      outbox.policy = recordPolicy(rules.delivery ?? DEFAULT_DELIVERY);
      const recorded = outbox.record(r.alerts, new Date());
      const d = o.send ? await deliverOutbox(outbox, { rules, paths, now: () => new Date(), window: 'all' }) : null;
      if (o.json) {
        out(JSON.stringify({ week: r.week, data: r.data.span ? { first: dayToIso(r.data.span.first), last: dayToIso(r.data.span.last) } : null, scored: r.scored, prompts: r.prompts, teams: r.teams, recorded: recorded.length, sent: d?.delivery.sent.length ?? 0, unrouted: r.unrouted.length, cooling: r.cooling.length, badRows: r.badRows }, null, 2));
      } else {
        out(`week ${r.week}${weekText(r, o.week !== undefined, o.now ?? new Date())}: ${r.scored} people scored, ${plural(r.prompts, 'coaching prompt')}, ${plural(r.teams, 'team')}`);
        if (r.cooling.length) out(`  ${r.cooling.length} more need attention but had a prompt within cooldown_weeks`);
        if (r.unrouted.length) err(`  ${r.unrouted.length} need a prompt but have no 经理邮箱 in the org export`);
        for (const m of d?.delivery.sent ?? []) out(sentLine(m, undefined, '  '));
        for (const f of d?.delivery.failed ?? []) {
          const v = opsView(f.msg);
          err(`  ✗ ${v.to}: ${v.lastError ?? f.error}`);
        }
      }
      const unreadable = o.json ? r.badRows.some((b) => b.line === 0) : printBadRows(r);
      setExitCode(cmd, unreadable || d?.delivery.failed.length ? 1 : 0);
    } finally {
      lock.release();
    }
  });

  jobOptions(
    health
      .command('show')
      .description("Print a week's index per person, weakest first, with trend and red metrics (records and sends nothing).")
      .option('--team <name>', 'only this team'),
  ).action(async (o: JobOpts & { team?: string }, cmd: Command) => {
    const paths = pathsFrom(cmd);
    const r = { ...(await scoreHealth(jobOptionsOf(cmd, o))), badRows: [] as HealthJobResult['badRows'] };
    r.badRows = r.data.badRows;
    const cfg = r.config;
    const rows = [...r.series]
      .map(([pid, s]) => ({ pid, p: r.data.people.get(pid), pw: s.find((x) => x.week === r.week) }))
      .filter((x) => x.pw?.scored && x.pw.index !== null && (!o.team || x.p?.team === o.team))
      .sort((a, b) => (a.pw!.index as number) - (b.pw!.index as number));
    if (o.json) {
      out(JSON.stringify({ week: r.week, data: r.data.span ? { first: dayToIso(r.data.span.first), last: dayToIso(r.data.span.last) } : null, people: rows.map((x) => ({ name: x.p?.name ?? x.pid, team: x.p?.team ?? '', index: x.pw!.index, band: x.pw!.band, trend: x.pw!.trend, attention: x.pw!.attention, metrics: Object.fromEntries(x.pw!.metrics.map((m) => [m.id, { value: m.value, score: m.score, band: m.band, z: m.z }])) })) }, null, 2));
      return;
    }
    out(`week ${r.week}${weekText(r, o.week !== undefined, o.now ?? new Date())} (${displayPath(paths.rulesDir)}/health.yaml)`);
    out(
      table(
        ['team', 'name', 'index', 'trend', 'band', 'red metrics'],
        rows.map((x) => [
          x.p?.team ?? '',
          `${x.p?.name ?? x.pid}${x.pw!.attention ? ' *' : ''}`,
          formatIndex(x.pw!.index),
          formatTrend(x.pw!.trend),
          x.pw!.band ?? '',
          x.pw!.metrics
            .filter((m) => m.band === 'red')
            .map((m) => {
              const def = cfg.metrics.find((d) => d.id === m.id)!;
              return `${m.id} ${formatValue(m.value, def, 'en')}`;
            })
            .join(', '),
        ]),
      ),
    );
    out('* needs attention this week');
    setExitCode(cmd, printBadRows(r) ? 1 : 0);
  });

  health
    .command('metrics')
    .description('List the metrics of rules/health.yaml and the variables their formulas may use.')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }, cmd: Command) => {
      const cfg = loadHealthConfig(pathsFrom(cmd).rulesDir);
      if (o.json) {
        out(JSON.stringify({ metrics: cfg.metrics.map(({ evaluate: _e, ...m }) => m), variables: VARIABLES }, null, 2));
        return;
      }
      out(table(['id', 'label', 'formula', 'dir', 'target', 'weight', 'window'], cfg.metrics.map((m) => [m.id, m.label_zh, m.formula, m.direction, String(m.target), String(m.weight), `${m.window_weeks}w`])));
      out('');
      out('variables (weekly sums per person):');
      out(table(['name', 'from', 'meaning'], VARIABLE_NAMES.map((v) => [v, VARIABLES[v].kinds.join('+') || 'attendance/activity', VARIABLES[v].en])));
    });
}
