/**
 * From weekly accumulators to the model's features, one person and one week at a time:
 *   accumulators -> weekly metrics (absent days, arrival time, comms volume ...)
 *   -> evidence (the week's value against the person's own baseline of the previous weeks)
 *   -> features (one-sided: only movement in the risky direction counts, clipped).
 * Peers enter in two ways: a common shock (a holiday week, a CRM outage) is removed by
 * subtracting the peer group's median z, and the peer percentile is reported in the drivers.
 */
import type { AttritionConfig, Feature, Metric } from './config.js';
import { FEATURES, METRICS } from './config.js';
import { type Baseline, baseline, clip, cusumDown, median, robustZ } from './baseline.js';
import { shiftWeek } from './dates.js';
import { type AccField, coversField, F, type SourceAggregate, type WeekAcc } from './weekly.js';

export type WeeklyMetrics = Record<Metric, number | null>;

const COMMS: AccField[] = ['calls', 'messages', 'emails'];
const CRM: AccField[] = ['logins', 'visits', 'new_customers'];

/**
 * The metrics of one person-week. Attendance metrics are null without attendance rows; comms
 * and CRM are summed over the fields an export covers for this person and week, and null when
 * none does: an export that lists 3 people of 57 says nothing about the other 54 (no data, not
 * a week of zero contacts).
 */
export function weeklyMetrics(acc: WeekAcc | undefined, covered: (f: AccField) => boolean): WeeklyMetrics {
  const v = (f: AccField): number => (acc ? (acc[F[f]] ?? 0) : 0);
  const att = v('att_days') > 0;
  const sumIf = (fs: AccField[]): number | null => {
    let any = false;
    let s = 0;
    for (const f of fs) {
      if (covered(f)) {
        any = true;
        s += v(f);
      }
    }
    return any ? s : null;
  };
  return {
    absent_days: att ? v('absent') : null,
    leave_days: att ? v('leave') : null,
    arrival: v('arr_n') > 0 ? v('arr_sum') / v('arr_n') : null,
    departure: v('dep_n') > 0 ? v('dep_sum') / v('dep_n') : null,
    hours: v('hours_n') > 0 ? v('hours_sum') / v('hours_n') : null,
    comms: sumIf(COMMS),
    crm: sumIf(CRM),
    moved_out: v('moved_out'),
    exported: v('exported'),
  };
}

export interface MetricEvidence {
  value: number | null;
  base: Baseline | null;
  z: number | null;
  cusum?: { s: number; run: number };
  /** comms and crm: the CUSUM's in-control reference (older half of the baseline window). */
  cusumRef?: Baseline;
  /** comms and crm: z against that reference of each monitored week, oldest first, for the peer-adjusted CUSUM. */
  zSeries?: (number | null)[];
  /** Filled by the population step. */
  peerPct?: number;
  peerZ?: number;
}

export type Evidence = Record<Metric, MetricEvidence>;

export interface PersonSeries {
  pid: string;
  /** First week the person appears in any file: before it nothing is known, not zero. */
  firstWeek: string;
  metrics: Map<string, WeeklyMetrics>;
}

/**
 * Comms and CRM volumes are compared per available day, scaled to a usual week. A national
 * holiday week has 3 workdays instead of 5, and someone on leave for two days calls less:
 * neither is withdrawal (leave is its own signal). Available days = scheduled days (rest days
 * and holidays excluded) minus leave days, from the attendance export; absent days still count
 * as available, since not showing up is exactly what we look for.
 */
export function usualWorkdays(merged: SourceAggregate, weeks: readonly string[]): number {
  const perWeek: number[] = [];
  for (const w of weeks) {
    const xs: number[] = [];
    for (const byWeek of merged.weeks.values()) {
      const d = byWeek.get(w)?.[F.att_days] ?? 0;
      if (d > 0) xs.push(d);
    }
    if (xs.length > 0) perWeek.push(median(xs));
  }
  return perWeek.length > 0 ? median(perWeek) : Number.NaN;
}

/** Fewer available days than this in a week: too little to judge volumes, so they are unknown. */
const MIN_AVAILABLE_DAYS = 2;

/** Builds weekly metric series for everyone in a merged aggregate, for the given weeks. */
export function buildSeries(merged: SourceAggregate, weeks: readonly string[]): PersonSeries[] {
  const usual = usualWorkdays(merged, weeks);
  const out: PersonSeries[] = [];
  for (const [pid, byWeek] of merged.weeks) {
    let first = '';
    for (const w of byWeek.keys()) if (first === '' || w < first) first = w;
    const metrics = new Map<string, WeeklyMetrics>();
    for (const w of weeks) {
      if (w < first) continue;
      const acc = byWeek.get(w);
      const m = weeklyMetrics(acc, (f) => coversField(acc, f));
      const scheduled = acc?.[F.att_days] ?? 0;
      if (scheduled > 0 && Number.isFinite(usual)) {
        const available = scheduled - (acc?.[F.leave] ?? 0);
        if (available < MIN_AVAILABLE_DAYS) {
          m.comms = null;
          m.crm = null;
        } else if (available !== usual) {
          const k = usual / available;
          if (m.comms !== null) m.comms *= k;
          if (m.crm !== null) m.crm *= k;
        }
      }
      metrics.set(w, m);
    }
    out.push({ pid, firstWeek: first, metrics });
  }
  return out;
}

/**
 * The robust scale of a metric: 1.4826 x MAD, but never below the configured floor, and for
 * counts (comms, CRM) never below the share of the median nor the Poisson noise sqrt(median):
 * a few weeks of unusually steady counts must not make an ordinary wobble look alarming.
 */
function scaleFloor(m: Metric, med: number, cfg: AttritionConfig): number {
  const f = cfg.scale_floor[m];
  if (m !== 'comms' && m !== 'crm') return f;
  const a = Math.abs(med);
  return Math.max(f, cfg.relative_floor * a, Math.sqrt(a));
}

const CUSUM_METRICS: Metric[] = ['comms', 'crm'];

/** How far back the weeks needed to score `week` reach (baseline only). */
export function baselineWeeks(week: string, n: number): string[] {
  const out: string[] = [];
  for (let i = n; i >= 1; i--) out.push(shiftWeek(week, -i));
  return out;
}

/**
 * Evidence for one person at `week`: each metric against the median and MAD of the previous
 * `baseline_weeks` weeks (those with a value). `history` counts baseline weeks with any data.
 */
export function personEvidence(s: PersonSeries, week: string, cfg: AttritionConfig): { evidence: Evidence; history: number; hasWeek: boolean } {
  const bw = baselineWeeks(week, cfg.baseline_weeks);
  const evidence = {} as Evidence;
  for (const m of METRICS) evidence[m] = metricEvidence(s, m, week, bw, cfg);
  return { evidence, ...scorability(s, week, bw) };
}

/** Whether `week` has data and how many of the baseline weeks `bw` do: who can be scored. */
export function scorability(s: PersonSeries, week: string, bw: readonly string[]): { history: number; hasWeek: boolean } {
  const cur = s.metrics.get(week);
  let history = 0;
  for (const w of bw) if (s.metrics.has(w) && hasAny(s.metrics.get(w))) history++;
  return { history, hasWeek: cur !== undefined && hasAny(cur) };
}

/** Weeks in a CUSUM zSeries: the newer half of `baselineWeeks` baseline weeks, and the scored week. */
export function monitoredWeeks(baselineWeeks: number): number {
  return baselineWeeks - Math.ceil(baselineWeeks / 2) + 1;
}

/** One metric's evidence at `week` against the baseline weeks `bw`. */
export function metricEvidence(s: PersonSeries, m: Metric, week: string, bw: readonly string[], cfg: AttritionConfig): MetricEvidence {
  const hist: number[] = [];
  for (const w of bw) {
    const v = s.metrics.get(w)?.[m];
    if (v !== null && v !== undefined) hist.push(v);
  }
  const value = s.metrics.get(week)?.[m] ?? null;
  const base = hist.length > 0 ? baseline(hist, scaleFloor(m, median(hist), cfg)) : null;
  const e: MetricEvidence = { value, base, z: value !== null && base ? robustZ(value, base) : null };
  if (CUSUM_METRICS.includes(m)) {
    // Phase I / phase II: the older half of the baseline is the in-control reference, the
    // newer half and this week are monitored. A reference that included the slide itself
    // would drift down with it and hide exactly the slow decline we look for.
    const half = Math.ceil(bw.length / 2);
    const refVals: number[] = [];
    for (const w of bw.slice(0, half)) {
      const v = s.metrics.get(w)?.[m];
      if (v !== null && v !== undefined) refVals.push(v);
    }
    if (refVals.length >= 3) {
      const ref = baseline(refVals, scaleFloor(m, median(refVals), cfg));
      const series = [...bw.slice(half), week].map((w) => s.metrics.get(w)?.[m] ?? null);
      e.cusumRef = ref;
      e.cusum = cusumDown(series, ref.median, ref.scale, cfg.cusum_k);
      e.zSeries = series.map((x) => (x === null ? null : robustZ(x, ref)));
    }
  }
  return e;
}

function hasAny(m: WeeklyMetrics | undefined): boolean {
  if (!m) return false;
  return m.absent_days !== null || m.comms !== null || m.crm !== null || m.arrival !== null || m.moved_out !== 0 || m.exported !== 0;
}

const logExcess = (e: MetricEvidence): number => (e.value === null || !e.base ? 0 : Math.log1p(Math.max(0, e.value - e.base.median)));
const up = (e: MetricEvidence, shift = 0): number => (e.z === null ? 0 : clip(e.z - shift, 0, 6));
const down = (e: MetricEvidence, shift = 0): number => (e.z === null ? 0 : clip(-(e.z - shift), 0, 6));

/** The feature vector: every entry >= 0, 0 meaning "no evidence of risk". */
export function featuresOf(ev: Evidence): Record<Feature, number> {
  const f: Record<Feature, number> = {
    absence: up(ev.absent_days),
    leave: up(ev.leave_days),
    late_arrival: up(ev.arrival),
    early_departure: down(ev.departure),
    hours_drop: down(ev.hours),
    comms_drop: down(ev.comms, ev.comms.peerZ ?? 0),
    comms_decline: clip(ev.comms.cusum?.s ?? 0, 0, 10),
    crm_drop: down(ev.crm, ev.crm.peerZ ?? 0),
    crm_decline: clip(ev.crm.cusum?.s ?? 0, 0, 10),
    customers_moved_out: logExcess(ev.moved_out),
    customer_exports: logExcess(ev.exported),
  };
  // -0 (from negating a zero z) and NaN both mean "no evidence".
  for (const k of FEATURES) f[k] = Number.isFinite(f[k]) ? f[k] || 0 : 0;
  return f;
}
