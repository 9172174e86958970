/**
 * The monthly scorecard maths: each dimension's raw value → its percentile among the person's peers
 * (0 = lowest of them, 100 = highest, ties share the middle: 100 × (below + ½ × equal others) /
 * (peers − 1)) → the weighted score over the dimensions the person has (weights renormalised when
 * one is missing). Pure, and small enough to check by hand.
 */
import { bandOf, type Band } from '../rulefile.js';
import type { Dimension, ScorecardConfig } from './config.js';

export type Values = Partial<Record<Dimension, number | null>>;

export interface DimensionScore {
  id: Dimension;
  weight: number;
  value: number | null;
  /** Peers with a value (the person included) and their median. */
  peers: number;
  peerMedian: number | null;
  /** Percentile among peers, 0–100; null without a value or with too few peers. */
  score: number | null;
  band: Band | null;
}

export interface PersonScore {
  pid: string;
  group: string;
  dims: DimensionScore[];
  /** Weighted score 0–100 (one decimal), null when no dimension could be scored. */
  score: number | null;
  band: Band | null;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(x: number, peers: readonly number[]): number {
  if (peers.length < 2) return 50;
  let below = 0;
  let equal = 0;
  for (const y of peers) {
    if (y < x) below++;
    else if (y === x) equal++;
  }
  return (100 * (below + 0.5 * (equal - 1))) / (peers.length - 1);
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Scores everyone in `people` (pid → peer group and raw values). */
export function scoreAll(people: ReadonlyMap<string, { group: string; values: Values }>, cfg: Pick<ScorecardConfig, 'dimensions' | 'min_peers' | 'bands'>): Map<string, PersonScore> {
  const groups = new Map<string, string[]>();
  for (const [pid, p] of people) groups.set(p.group, [...(groups.get(p.group) ?? []), pid]);
  const out = new Map<string, PersonScore>();
  for (const [pid, p] of people) {
    const mates = groups.get(p.group)!;
    const dims = cfg.dimensions.map((d): DimensionScore => {
      const value = p.values[d.id] ?? null;
      const vals = mates.map((m) => people.get(m)!.values[d.id]).filter((v): v is number => v !== null && v !== undefined);
      const score = value === null || vals.length < cfg.min_peers ? null : round1(percentile(value, vals));
      return { id: d.id, weight: d.weight, value, peers: vals.length, peerMedian: median(vals), score, band: score === null ? null : bandOf(score, cfg.bands) };
    });
    const scored = dims.filter((d) => d.score !== null);
    const w = scored.reduce((s, d) => s + d.weight, 0);
    const score = w > 0 ? round1(scored.reduce((s, d) => s + d.weight * d.score!, 0) / w) : null;
    out.set(pid, { pid, group: p.group, dims, score, band: score === null ? null : bandOf(score, cfg.bands) });
  }
  return out;
}
