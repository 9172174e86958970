/**
 * What the health job hands to the outbox: plain JSON, self-contained (labels, units, bands), so
 * a digest renders from the payload alone, months later, whatever rules/health.yaml says by then.
 * Nothing here comes from, or goes to, the attrition score.
 */
import type { Course, HealthConfig, Metric } from './config.js';
import type { HealthPerson } from './import.js';
import { type Band, type MetricWeek, type PersonWeek, round1 } from './score.js';
import { VARIABLES, type Variable } from './variables.js';

export interface MetricMeta {
  id: string;
  label_zh: string;
  label_en: string;
  short_zh: string;
  short_en: string;
  unit: Metric['unit'];
  decimals?: number;
  direction: Metric['direction'];
  target: number;
}

export interface Bands {
  green: number;
  yellow: number;
}

export interface MetricFigures extends MetricMeta {
  value: number | null;
  /** The person's usual value (median of their previous weeks), when there is one. */
  baseline: number | null;
  score: number | null;
  band: Band | null;
  slipping: boolean;
  /** Scale units below (negative) or above the person's normal. */
  z: number | null;
  /** The variables behind the value, over the metric's window. */
  numbers: { name: string; zh: string; en: string; value: number }[];
  windowWeeks: number;
}

export interface CoachingPayload {
  personId: string;
  name: string;
  team: string;
  week: string;
  index: number;
  band: Band;
  /** Index of the last trend_weeks scored weeks, oldest first. */
  trend: { week: string; index: number }[];
  /** Consecutive scored weeks needing attention, up to this one. */
  weeksBelow: number;
  reasons: { indexBelow: boolean; slipping: string[] };
  threshold: number;
  /** The two or three weakest metrics, weakest first. */
  metrics: (MetricFigures & { course: Course | null })[];
  courses: Course[];
  cooldownWeeks: number;
  bands: Bands;
}

export interface HeatCell {
  value: number | null;
  score: number | null;
  band: Band | null;
}

export interface TeamMember {
  personId: string;
  name: string;
  index: number | null;
  band: Band | null;
  trend: number | null;
  attention: boolean;
  cells: HeatCell[];
}

export interface TeamBlock {
  team: string;
  index: number | null;
  band: Band | null;
  trend: number | null;
  people: TeamMember[];
  /** In the org export but not scored this week (no data, or too few workdays). */
  notScored: number;
}

export interface TeamPayload {
  managerEmail: string;
  managerName: string;
  week: string;
  metrics: MetricMeta[];
  bands: Bands;
  teams: TeamBlock[];
}

export interface CardPayload {
  personId: string;
  name: string;
  team: string;
  week: string;
  index: number;
  band: Band;
  trend: number | null;
  rank: number;
  teamSize: number;
  teamIndex: number | null;
  metrics: MetricFigures[];
  bands: Bands;
}

export function metricMeta(m: Metric): MetricMeta {
  return {
    id: m.id,
    label_zh: m.label_zh,
    label_en: m.label_en,
    short_zh: m.short_zh ?? m.label_zh,
    short_en: m.short_en ?? m.label_en,
    unit: m.unit,
    ...(m.decimals !== undefined ? { decimals: m.decimals } : {}),
    direction: m.direction,
    target: m.target,
  };
}

const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;

export function figures(m: Metric, mw: MetricWeek | undefined): MetricFigures {
  return {
    ...metricMeta(m),
    value: mw?.value ?? null,
    baseline: mw?.base ? r4(mw.base.median) : null,
    score: mw?.score === null || mw?.score === undefined ? null : round1(mw.score),
    band: mw?.band ?? null,
    slipping: mw?.slipping ?? false,
    z: mw?.z === null || mw?.z === undefined ? null : Math.round(mw.z * 100) / 100,
    numbers: Object.entries(mw?.vars ?? {}).map(([name, value]) => ({ name, zh: VARIABLES[name as Variable].zh, en: VARIABLES[name as Variable].en, value: r4(value as number) })),
    windowWeeks: m.window_weeks,
  };
}

export function bandsOf(cfg: HealthConfig): Bands {
  return { green: cfg.bands.green, yellow: cfg.bands.yellow };
}

export function teamMember(pid: string, person: HealthPerson, pw: PersonWeek, cfg: HealthConfig): TeamMember {
  const byId = new Map(pw.metrics.map((m) => [m.id, m]));
  return {
    personId: pid,
    name: person.name ?? pid,
    index: pw.index === null ? null : round1(pw.index),
    band: pw.band,
    trend: pw.trend === null ? null : round1(pw.trend),
    attention: pw.attention,
    cells: cfg.metrics.map((m) => {
      const mw = byId.get(m.id);
      return { value: mw?.value ?? null, score: mw?.score === null || mw?.score === undefined ? null : round1(mw.score), band: mw?.band ?? null };
    }),
  };
}
