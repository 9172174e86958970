/**
 * The weekly health job, as the demo, `radar health run` and the scheduler run it:
 * read the CRM exports -> weekly variables -> metrics, index and bands for the last complete
 * week -> coaching prompts (with cooldown) -> one team digest per manager (+ optional cards).
 * It returns alerts; the caller records them in the outbox. It never reads attrition data.
 */
import { resolve } from 'node:path';
import type { Alert } from '../alerts/model.js';
import { loadSignalsConfig } from '../signals/config.js';
import { dayInZone, lastCompleteWeek, weekLabelToDay, weekToScore } from '../signals/dates.js';
import { loadKey } from '../signals/store.js';
import { teamHealthStore } from '../store/team-health.js';
import type { BadRow } from '../signals/table.js';
import { Pseudonymizer } from '../signals/weekly.js';
import { decideCoaching } from './coaching.js';
import { type HealthConfig, loadHealthConfig } from './config.js';
import { type HealthData, type HealthImportReport, importHealth } from './import.js';
import { bandsOf, type CardPayload, type CoachingPayload, figures, metricMeta, type TeamBlock, teamMember, type TeamPayload } from './payloads.js';
import { bandOf, type PersonWeek, round1, scoreAll } from './score.js';

export interface HealthJobResult {
  alerts: Alert<CoachingPayload | TeamPayload | CardPayload>[];
  /** The ISO week scored (`week` if asked, else the last complete week before `now` the exports cover). */
  week: string;
  /** People scored this week. */
  scored: number;
  prompts: number;
  teams: number;
  /** People who needed a prompt but have no manager email; held back by the cooldown. */
  unrouted: string[];
  cooling: string[];
  badRows: BadRow[];
  imports: HealthImportReport[];
  /** Everyone's weekly series, for the CLI and tests. */
  series: Map<string, PersonWeek[]>;
  data: HealthData;
  config: HealthConfig;
}

export interface HealthJobOptions {
  rulesDir: string;
  stateDir: string;
  now: Date;
  samplesDir?: string;
  /** Score this week instead of the last complete one (tests walking through weeks). */
  week?: string;
  /** Data already imported (tests scoring many weeks of one import). */
  data?: HealthData;
}

export async function loadHealthData(cfg: HealthConfig, opts: { rulesDir: string; stateDir: string; samplesDir?: string; asOfWeek: string }): Promise<HealthData> {
  const signals = await loadSignalsConfig(opts.rulesDir);
  const pseudo = new Pseudonymizer(await loadKey(opts.stateDir));
  // Events are judged up to the end of the scored week: the exports are pulled after it ended.
  const asOf = (weekLabelToDay(opts.asOfWeek) + 7) * 1440;
  return importHealth({ cfg, signals, inputsDir: opts.samplesDir ?? resolve(cfg.inputs_dir), pseudo, asOf });
}

/**
 * Import and score, deciding and recording nothing (`radar health show`). Without `week`, the
 * last complete week before `now` that the exports cover (exports pulled late, or not at all
 * lately, would otherwise show a week with no data).
 */
export async function scoreHealth(opts: HealthJobOptions): Promise<{ config: HealthConfig; week: string; data: HealthData; series: Map<string, PersonWeek[]> }> {
  const cfg = loadHealthConfig(opts.rulesDir);
  const today = dayInZone(opts.now, cfg.timezone);
  const data = opts.data ?? (await loadHealthData(cfg, { ...opts, asOfWeek: opts.week ?? lastCompleteWeek(today) }));
  const week = opts.week ?? weekToScore(today, data.span?.last ?? null);
  // Only people in the org export are scored: it says who they report to.
  const series = new Map([...scoreAll(data, cfg, week)].filter(([pid]) => data.people.has(pid)));
  return { config: cfg, week, data, series };
}

export async function runHealthJob(opts: HealthJobOptions): Promise<HealthJobResult> {
  const { config: cfg, week, data, series } = await scoreHealth(opts);
  const coaching = await decideCoaching({ stateDir: opts.stateDir, scored: series, people: data.people, cfg, week, now: opts.now });
  const teamAlerts = teamDigests(series, data, cfg, week, opts.now);
  const cards = cfg.digest.cards ? personCards(series, data, cfg, week, opts.now) : [];
  const scored = [...series.values()].filter((s) => s.find((pw) => pw.week === week)?.scored).length;
  const alerts = [...coaching.alerts, ...teamAlerts, ...cards];
  // The console reads digests and prompts from their own store: the outbox forgets them after retention_days.
  teamHealthStore.keep(opts.stateDir, alerts);
  return {
    alerts,
    week,
    scored,
    prompts: coaching.alerts.length,
    teams: new Set(teamAlerts.flatMap((a) => a.payload.teams.map((t) => t.team))).size,
    unrouted: coaching.unrouted,
    cooling: coaching.cooling,
    badRows: data.badRows,
    imports: data.reports,
    series,
    data,
    config: cfg,
  };
}

function mean(xs: number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/** Team index: the mean of its scored members' indexes; its trend compares with last week's mean. */
function teamBlock(team: string, pids: string[], series: Map<string, PersonWeek[]>, data: HealthData, cfg: HealthConfig, week: string): TeamBlock {
  const people = [];
  let notScored = 0;
  const prevWeekIdx: number[] = [];
  for (const pid of pids) {
    const s = series.get(pid) ?? [];
    const pw = s.find((x) => x.week === week);
    if (!pw?.scored || pw.index === null) {
      notScored++;
      continue;
    }
    people.push(teamMember(pid, data.people.get(pid) ?? {}, pw, cfg));
    const prev = s.filter((x) => x.week < week && x.scored && x.index !== null).at(-1);
    if (prev) prevWeekIdx.push(prev.index as number);
  }
  people.sort((a, b) => (a.index ?? 0) - (b.index ?? 0) || a.name.localeCompare(b.name, 'zh-CN'));
  const idx = mean(people.map((p) => p.index as number));
  const prev = mean(prevWeekIdx);
  return {
    team,
    index: idx === null ? null : round1(idx),
    band: idx === null ? null : bandOf(idx, cfg.bands),
    trend: idx === null || prev === null ? null : round1(idx - prev),
    people,
    notScored,
  };
}

/** One digest alert per manager: each of their teams with its people, weakest first. */
export function teamDigests(series: Map<string, PersonWeek[]>, data: HealthData, cfg: HealthConfig, week: string, now: Date): Alert<TeamPayload>[] {
  const byManager = new Map<string, { name: string; teams: Map<string, string[]> }>();
  for (const [pid, p] of data.people) {
    if (!p.managerEmail || !series.has(pid)) continue;
    const key = p.managerEmail.toLowerCase();
    const m = byManager.get(key) ?? { name: p.managerName ?? '', teams: new Map() };
    const team = p.team ?? p.department ?? '';
    m.teams.set(team, [...(m.teams.get(team) ?? []), pid]);
    byManager.set(key, m);
  }
  const alerts: Alert<TeamPayload>[] = [];
  for (const [email, m] of [...byManager].sort(([a], [b]) => a.localeCompare(b))) {
    const teams = [...m.teams].sort(([a], [b]) => a.localeCompare(b, 'zh-CN')).map(([team, pids]) => teamBlock(team, pids, series, data, cfg, week));
    if (teams.every((t) => t.people.length === 0)) continue;
    alerts.push({
      id: `team:${email}:${week}`,
      topic: 'team',
      audience: { kind: 'manager', email, ...(m.name ? { name: m.name } : {}) },
      createdAt: now.toISOString(),
      urgency: 'digest',
      payload: { managerEmail: email, managerName: m.name, week, metrics: cfg.metrics.map(metricMeta), bands: bandsOf(cfg), teams },
    });
  }
  return alerts;
}

/** The optional weekly card: a salesperson's own metrics and their rank in the team. */
export function personCards(series: Map<string, PersonWeek[]>, data: HealthData, cfg: HealthConfig, week: string, now: Date): Alert<CardPayload>[] {
  const byTeam = new Map<string, { pid: string; index: number }[]>();
  for (const [pid, s] of series) {
    const pw = s.find((x) => x.week === week);
    if (!pw?.scored || pw.index === null) continue;
    const team = data.people.get(pid)?.team ?? '';
    byTeam.set(team, [...(byTeam.get(team) ?? []), { pid, index: pw.index }]);
  }
  const alerts: Alert<CardPayload>[] = [];
  for (const [team, members] of byTeam) {
    members.sort((a, b) => b.index - a.index);
    const teamIndex = mean(members.map((x) => x.index));
    members.forEach((mbr, i) => {
      const p = data.people.get(mbr.pid);
      if (!p?.email) return;
      const pw = series.get(mbr.pid)!.find((x) => x.week === week)!;
      alerts.push({
        id: `card:${mbr.pid}:${week}`,
        topic: 'card',
        audience: { kind: 'person', email: p.email, ...(p.name ? { name: p.name } : {}) },
        createdAt: now.toISOString(),
        urgency: 'digest',
        payload: {
          personId: mbr.pid,
          name: p.name ?? mbr.pid,
          team,
          week,
          index: round1(mbr.index),
          band: pw.band!,
          trend: pw.trend === null ? null : round1(pw.trend),
          // Ties share a rank.
          rank: 1 + members.filter((x) => round1(x.index) > round1(mbr.index)).length,
          teamSize: members.length,
          teamIndex: teamIndex === null ? null : round1(teamIndex),
          metrics: cfg.metrics.map((m) => figures(m, pw.metrics.find((x) => x.id === m.id))),
          bands: bandsOf(cfg),
        },
      });
    });
  }
  return alerts.sort((a, b) => a.id.localeCompare(b.id));
}
