/**
 * Scores everyone for one ISO week from merged weekly aggregates: who can be scored (history,
 * not under notice), evidence against own baseline and peers, logistic score with drivers,
 * and the score trend over the previous weeks (each week scored against its own baseline).
 */
import type { AttritionConfig, Feature } from './config.js';
import { FEATURES } from './config.js';
import { dayToIso, shiftWeek, weekLabelToDay } from './dates.js';
import { reasonDrivers } from './explain.js';
import { baselineWeeks, buildSeries, type Evidence, featuresOf, metricEvidence, monitoredWeeks, personEvidence, type PersonSeries, scorability } from './features.js';
import { PeerInputs, type PeerOutputs, peerStep } from './peers.js';
import { type Contribution, explain } from './model.js';
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

const PEER_METRICS = ['comms', 'crm'] as const;
type PeerMetric = (typeof PEER_METRICS)[number];

function peerKey(dir: Directory, pid: string): [string, string] {
  const p = dir.people.get(pid);
  const role = p?.role ?? '';
  return [`${role}|${p?.region ?? ''}`, role];
}

/**
 * Scores one week for the given series, handing each result to `each`; `reasons` collects why
 * people were not scored. The peer steps need comms and CRM of the whole group, held as flat
 * arrays (peers.ts); everything else about a person is built when that person is scored, so a
 * caller that keeps just the score never holds a week of everyone's evidence.
 */
function scoreWeek(series: PersonSeries[], week: string, cfg: AttritionConfig, dir: Directory, each: (r: WeekResult) => void, reasons?: Map<string, number>): void {
  const skip = (r: string): void => {
    reasons?.set(r, (reasons.get(r) ?? 0) + 1);
  };
  const bw = baselineWeeks(week, cfg.baseline_weeks);
  const rows: PersonSeries[] = [];
  for (const s of series) {
    const { history, hasWeek } = scorability(s, week, bw);
    if (!hasWeek) {
      skip(SKIP.noData);
      continue;
    }
    if (history < cfg.min_history_weeks) {
      skip(`${SKIP.history} (< ${cfg.min_history_weeks} weeks)`);
      continue;
    }
    rows.push(s);
  }
  const groupKeys = rows.map((s) => {
    const [rr, role] = peerKey(dir, s.pid);
    return [`rr:${rr}`, `r:${role}`, 'all'];
  });
  const peers = {} as Record<PeerMetric, PeerOutputs>;
  for (const m of PEER_METRICS) {
    const inp = new PeerInputs(rows.length, monitoredWeeks(cfg.baseline_weeks));
    rows.forEach((s, i) => inp.set(i, metricEvidence(s, m, week, bw, cfg)));
    peers[m] = peerStep(inp, groupKeys, cfg.min_peers, cfg.cusum_k);
  }
  rows.forEach((s, i) => {
    const { evidence } = personEvidence(s, week, cfg);
    for (const m of PEER_METRICS) peers[m].applyTo(evidence[m], i);
    const features = featuresOf(evidence);
    const ex = explain(cfg.intercept, cfg.weights, features, FEATURES);
    each({ pid: s.pid, ev: evidence, features, ex });
  });
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
  // Earlier weeks only feed the trend line: keep their scores, not their evidence (the evidence
  // of every person in every trend week was most of the scorer's memory).
  const trendScores = new Map<string, Map<string, number>>();
  const current = new Map<string, WeekResult>();
  for (const w of trendWeeks) {
    const scores = new Map<string, number>();
    scoreWeek(
      eligible,
      w,
      cfg,
      dir,
      (r) => {
        scores.set(r.pid, round1(r.ex.score));
        if (w === week) current.set(r.pid, r);
      },
      w === week ? reasons : undefined,
    );
    trendScores.set(w, scores);
  }
  const scored: ScoredPerson[] = [];
  for (const r of current.values()) {
    const trend: number[] = [];
    const tw: string[] = [];
    for (const w of trendWeeks) {
      const hit = trendScores.get(w)?.get(r.pid);
      if (hit !== undefined) {
        trend.push(hit);
        tw.push(w);
      }
    }
    // Three drivers, three different reasons: a drop and a decline of the same activity count once.
    const drivers: Driver[] = reasonDrivers(r.ex.contributions, r.ev, 3);
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
