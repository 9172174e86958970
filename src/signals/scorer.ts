/**
 * Scores everyone for one ISO week from merged weekly aggregates: who can be scored (history,
 * not under notice), evidence against own baseline and peers, logistic score with drivers,
 * and the score trend over the previous weeks (each week scored against its own baseline).
 */
import type { AttritionConfig, Feature } from './config.js';
import { FEATURES } from './config.js';
import { cusumDownZ, median, percentileRank } from './baseline.js';
import { dayToIso, shiftWeek, weekLabelToDay } from './dates.js';
import { driverText } from './explain.js';
import { buildSeries, type Evidence, featuresOf, personEvidence, type PersonSeries } from './features.js';
import { type Contribution, explain, topDrivers } from './model.js';
import type { Directory, SourceAggregate } from './weekly.js';

export interface Driver {
  feature: Feature;
  text_zh: string;
  text_en: string;
  contribution: number;
}

export interface ScoredPerson {
  pid: string;
  week: string;
  /** 0..100 */
  score: number;
  logit: number;
  intercept: number;
  contributions: Contribution[];
  features: Record<Feature, number>;
  evidence: Evidence;
  drivers: Driver[];
  /** Scores of the last `trend_weeks` weeks up to and including `week`, oldest first (weeks that could not be scored are left out). */
  trend: number[];
  trendWeeks: string[];
}

export interface Skipped {
  reason: string;
  count: number;
}

export interface ScoreRun {
  week: string;
  scored: ScoredPerson[];
  skipped: Skipped[];
}

export const SKIP = {
  notice: 'under notice (HR roster)',
  left: 'left the company (HR roster)',
  history: 'insufficient history',
  noData: 'no data in the scored week',
} as const;

/** Excluded before any maths: the model must never "predict" a resignation already handed in. */
export function exclusion(dir: Directory, pid: string, week: string): string | null {
  const p = dir.people.get(pid);
  if (!p) return null;
  if (p.status === 'left') return SKIP.left;
  if (p.status === 'notice') return SKIP.notice;
  const sunday = dayToIso(weekLabelToDay(week) + 6);
  if (p.noticeDate !== undefined && p.noticeDate <= sunday) return SKIP.notice;
  if (p.lastDay !== undefined && p.lastDay <= sunday) return SKIP.left;
  return null;
}

interface WeekResult {
  pid: string;
  ev: Evidence;
  features: Record<Feature, number>;
  ex: ReturnType<typeof explain>;
}

function peerKey(dir: Directory, pid: string): [string, string] {
  const p = dir.people.get(pid);
  const role = p?.role ?? '';
  return [`${role}|${p?.region ?? ''}`, role];
}

/** Scores one week for the given series; `reasons` collects why people were not scored. */
function scoreWeek(series: PersonSeries[], week: string, cfg: AttritionConfig, dir: Directory, reasons?: Map<string, number>): Map<string, WeekResult> {
  const skip = (r: string): void => {
    reasons?.set(r, (reasons.get(r) ?? 0) + 1);
  };
  const rows: { pid: string; ev: Evidence }[] = [];
  for (const s of series) {
    const { evidence, history, hasWeek } = personEvidence(s, week, cfg);
    if (!hasWeek) {
      skip(SKIP.noData);
      continue;
    }
    if (history < cfg.min_history_weeks) {
      skip(`${SKIP.history} (< ${cfg.min_history_weeks} weeks)`);
      continue;
    }
    rows.push({ pid: s.pid, ev: evidence });
  }
  // Peers: same role and region when there are enough of them, else same role, else everyone.
  for (const metric of ['comms', 'crm'] as const) {
    const groups = new Map<string, { z: number[]; v: number[] }>();
    const add = (k: string, z: number, v: number): void => {
      const g = groups.get(k) ?? { z: [], v: [] };
      g.z.push(z);
      g.v.push(v);
      groups.set(k, g);
    };
    for (const r of rows) {
      const e = r.ev[metric];
      if (e.z === null || e.value === null) continue;
      const [rr, role] = peerKey(dir, r.pid);
      add(`rr:${rr}`, e.z, e.value);
      add(`r:${role}`, e.z, e.value);
      add('all', e.z, e.value);
    }
    // Each group's median once, not once per member (that was O(people²)).
    const groupMedZ = new Map<object, number>();
    const medZOf = (g: { z: number[] }) => {
      let m = groupMedZ.get(g);
      if (m === undefined) groupMedZ.set(g, (m = median(g.z)));
      return m;
    };
    for (const r of rows) {
      const e = r.ev[metric];
      if (e.z === null || e.value === null) continue;
      const [rr, role] = peerKey(dir, r.pid);
      const g = [groups.get(`rr:${rr}`), groups.get(`r:${role}`), groups.get('all')].find((x) => x !== undefined && x.z.length >= cfg.min_peers);
      if (!g) continue;
      // Only a shared decline is removed: one person's drop in a week everyone dropped is not theirs.
      e.peerZ = Math.min(0, medZOf(g));
      e.peerPct = percentileRank(e.value, g.v);
    }
    // The slow-decline CUSUM gets the same treatment week by week (a CRM outage, a slow season).
    const weekly = new Map<string, (number | null)[][]>();
    const keyOf = (pid: string): string[] => {
      const [rr, role] = peerKey(dir, pid);
      return [`rr:${rr}`, `r:${role}`, 'all'];
    };
    for (const r of rows) {
      const zs = r.ev[metric].zSeries;
      if (!zs) continue;
      for (const k of keyOf(r.pid)) {
        const list = weekly.get(k) ?? [];
        list.push(zs);
        weekly.set(k, list);
      }
    }
    // Column medians per group and week, computed once per group (was once per member).
    const colMedians = new Map<object, (number | null)[]>();
    const mediansOf = (members: (number | null)[][]) => {
      let m = colMedians.get(members);
      if (!m) {
        m = [];
        const weeks = Math.max(...members.map((zs) => zs.length));
        for (let i = 0; i < weeks; i++) {
          const col = members.map((zs) => zs[i]).filter((v): v is number => v !== null && v !== undefined);
          m.push(col.length >= cfg.min_peers ? median(col) : null);
        }
        colMedians.set(members, m);
      }
      return m;
    };
    for (const r of rows) {
      const e = r.ev[metric];
      if (!e.zSeries) continue;
      const members = keyOf(r.pid)
        .map((k) => weekly.get(k))
        .find((x) => x !== undefined && x.length >= cfg.min_peers);
      if (!members) continue;
      const meds = mediansOf(members);
      const adjusted = e.zSeries.map((z, i) => {
        if (z === null) return null;
        const med = meds[i];
        return med !== null && med !== undefined ? z - Math.min(0, med) : z;
      });
      e.cusum = cusumDownZ(adjusted, cfg.cusum_k);
    }
  }
  const out = new Map<string, WeekResult>();
  for (const r of rows) {
    const features = featuresOf(r.ev);
    const ex = explain(cfg.intercept, cfg.weights, features, FEATURES);
    out.set(r.pid, { pid: r.pid, ev: r.ev, features, ex });
  }
  return out;
}

export function scorePopulation(opts: { merged: SourceAggregate; directory: Directory; cfg: AttritionConfig; week: string }): ScoreRun {
  const { merged, directory: dir, cfg, week } = opts;
  const span = cfg.baseline_weeks + cfg.trend_weeks - 1;
  const weeks: string[] = [];
  for (let i = span; i >= 0; i--) weeks.push(shiftWeek(week, -i));
  const reasons = new Map<string, number>();
  const eligible: PersonSeries[] = [];
  for (const s of buildSeries(merged, weeks)) {
    const why = exclusion(dir, s.pid, week);
    if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
    else eligible.push(s);
  }
  const trendWeeks = weeks.slice(-cfg.trend_weeks);
  const byWeek = new Map<string, Map<string, WeekResult>>();
  for (const w of trendWeeks) byWeek.set(w, scoreWeek(eligible, w, cfg, dir, w === week ? reasons : undefined));
  const current = byWeek.get(week) ?? new Map<string, WeekResult>();
  const scored: ScoredPerson[] = [];
  for (const r of current.values()) {
    const trend: number[] = [];
    const tw: string[] = [];
    for (const w of trendWeeks) {
      const hit = byWeek.get(w)?.get(r.pid);
      if (hit) {
        trend.push(round1(hit.ex.score));
        tw.push(w);
      }
    }
    const drivers: Driver[] = topDrivers(r.ex.contributions, 3).map((c) => ({
      feature: c.feature as Feature,
      ...driverText(c.feature as Feature, r.ev),
      contribution: c.contribution,
    }));
    scored.push({
      pid: r.pid,
      week,
      score: r.ex.score,
      logit: r.ex.logit,
      intercept: r.ex.intercept,
      contributions: r.ex.contributions,
      features: r.features,
      evidence: r.ev,
      drivers,
      trend,
      trendWeeks: tw,
    });
  }
  scored.sort((a, b) => b.score - a.score || (a.pid < b.pid ? -1 : 1));
  const skipped = [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
  return { week, scored, skipped };
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
