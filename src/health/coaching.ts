/**
 * Coaching prompts: when a person has needed attention for `coaching.weeks` scored weeks in a
 * row (index below the threshold, or several habits slipping below their own normal), their
 * manager gets one prompt naming the weakest metrics, the numbers behind them and a course.
 * Then nothing about that person for `cooldown_weeks`: a prompt is a nudge, not a weekly report.
 *
 * State (<state>/health/coaching.json) remembers the last prompt per person. Re-running the same
 * week gives the same alert id, so the outbox never holds the prompt twice.
 */
import { join } from 'node:path';
import type { Alert } from '../alerts/model.js';
import { weekLabelToDay } from '../signals/dates.js';
import { readJson, writeJsonAtomic } from '../signals/store.js';
import type { Course, HealthConfig } from './config.js';
import type { HealthPerson } from './import.js';
import { bandsOf, type CoachingPayload, figures } from './payloads.js';
import { type PersonWeek, round1 } from './score.js';

export interface CoachingState {
  version: 1;
  people: Record<string, { lastPromptWeek: string; alertId: string; promptedAt: string }>;
}

export const healthDir = (stateDir: string): string => join(stateDir, 'health');
const stateFile = (stateDir: string): string => join(healthDir(stateDir), 'coaching.json');

export async function loadCoachingState(stateDir: string): Promise<CoachingState> {
  return readJson<CoachingState>(stateFile(stateDir), { version: 1, people: {} });
}

export async function saveCoachingState(stateDir: string, s: CoachingState): Promise<void> {
  await writeJsonAtomic(stateFile(stateDir), s);
}

export const coachingId = (pid: string, week: string): string => `coaching:${pid}:${week}`;

const weeksBetween = (a: string, b: string): number => Math.round((weekLabelToDay(b) - weekLabelToDay(a)) / 7);

/** Scored weeks needing attention in a row, ending with `week` (weeks not scored, e.g. leave, are skipped). */
export function weeksBelow(series: PersonWeek[], week: string): number {
  let n = 0;
  for (let i = series.length - 1; i >= 0; i--) {
    const pw = series[i]!;
    if (pw.week > week || !pw.scored) continue;
    if (!pw.attention) break;
    n++;
  }
  return n;
}

/** The weakest metrics: slipping ones first (furthest below normal), then by score; a third only if below green. */
export function weakestMetrics(pw: PersonWeek, cfg: HealthConfig): string[] {
  const ranked = pw.metrics
    .filter((m) => m.score !== null)
    .sort((a, b) => Number(b.slipping) - Number(a.slipping) || (a.slipping && b.slipping ? (a.z as number) - (b.z as number) : 0) || (a.score as number) - (b.score as number));
  const out: string[] = [];
  for (const m of ranked) {
    if (out.length >= cfg.coaching.max_metrics) break;
    if (out.length >= 2 && !m.slipping && (m.score as number) >= cfg.bands.green) break;
    out.push(m.id);
  }
  return out;
}

export function coachingPayload(pid: string, person: HealthPerson, series: PersonWeek[], week: string, cfg: HealthConfig): CoachingPayload {
  const pw = series.find((s) => s.week === week)!;
  const ids = weakestMetrics(pw, cfg);
  const metrics = ids.map((id) => {
    const m = cfg.metrics.find((x) => x.id === id)!;
    return { ...figures(m, pw.metrics.find((x) => x.id === id)), course: cfg.courses[id] ?? null };
  });
  const courses: Course[] = [];
  for (const m of metrics) if (m.course && !courses.some((c) => c.zh === m.course!.zh)) courses.push(m.course);
  const trend = series
    .filter((s) => s.scored && s.index !== null && s.week <= week)
    .slice(-cfg.trend_weeks)
    .map((s) => ({ week: s.week, index: round1(s.index as number) }));
  return {
    personId: pid,
    name: person.name ?? pid,
    team: person.team ?? '',
    week,
    index: round1(pw.index as number),
    band: pw.band!,
    trend,
    weeksBelow: weeksBelow(series, week),
    reasons: pw.reasons,
    threshold: cfg.coaching.index_below,
    metrics,
    courses,
    cooldownWeeks: cfg.coaching.cooldown_weeks,
    bands: bandsOf(cfg),
  };
}

export interface CoachingDecision {
  alerts: Alert<CoachingPayload>[];
  /** People who needed a prompt but have no manager email in the org export. */
  unrouted: string[];
  /** People held back by the cooldown this week. */
  cooling: string[];
}

/** Decides this week's prompts and records them in the state file. */
export async function decideCoaching(opts: {
  stateDir: string;
  scored: Map<string, PersonWeek[]>;
  people: Map<string, HealthPerson>;
  cfg: HealthConfig;
  week: string;
  now: Date;
}): Promise<CoachingDecision> {
  const { cfg, week } = opts;
  const state = await loadCoachingState(opts.stateDir);
  const out: CoachingDecision = { alerts: [], unrouted: [], cooling: [] };
  let changed = false;
  for (const [pid, series] of [...opts.scored].sort(([a], [b]) => a.localeCompare(b))) {
    const person = opts.people.get(pid);
    if (!person) continue;
    const pw = series.find((s) => s.week === week);
    if (!pw?.scored || !pw.attention) continue;
    if (weeksBelow(series, week) < cfg.coaching.weeks) continue;
    const last = state.people[pid];
    if (last && last.lastPromptWeek !== week && weeksBetween(last.lastPromptWeek, week) < cfg.coaching.cooldown_weeks) {
      out.cooling.push(pid);
      continue;
    }
    if (!person.managerEmail) {
      out.unrouted.push(pid);
      continue;
    }
    const id = coachingId(pid, week);
    if (last?.alertId !== id) {
      state.people[pid] = { lastPromptWeek: week, alertId: id, promptedAt: opts.now.toISOString() };
      changed = true;
    }
    out.alerts.push({
      id,
      topic: 'coaching',
      audience: { kind: 'manager', email: person.managerEmail, ...(person.managerName ? { name: person.managerName } : {}) },
      createdAt: opts.now.toISOString(),
      urgency: 'digest',
      payload: coachingPayload(pid, person, series, week, cfg),
    });
  }
  if (changed) await saveCoachingState(opts.stateDir, state);
  return out;
}
