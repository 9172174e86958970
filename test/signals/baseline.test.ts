import { describe, expect, it } from 'vitest';
import { baseline, cusumDown, cusumDownZ, mad, MAD_SCALE, median, percentileRank, percentileRankSorted, robustZ } from '../../src/signals/baseline.js';
import { DEFAULT_ATTRITION } from '../../src/signals/config.js';
import { shiftWeek } from '../../src/signals/dates.js';
import { featuresOf, personEvidence, type PersonSeries, weeklyMetrics, type WeeklyMetrics } from '../../src/signals/features.js';
import { F, newAcc } from '../../src/signals/weekly.js';

describe('robust baseline maths (hand-computed)', () => {
  it('median and MAD', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // |x - 5| for [1, 4, 5, 6, 20] = [4, 1, 0, 1, 15] -> median 1
    expect(mad([1, 4, 5, 6, 20])).toBe(1);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('robust z uses 1.4826 x MAD with a floor', () => {
    const b = baseline([10, 12, 14, 16, 100], 0.5); // median 14, |dev| = [4,2,0,2,86] -> MAD 2
    expect(b.median).toBe(14);
    expect(b.mad).toBe(2);
    expect(b.scale).toBeCloseTo(2 * MAD_SCALE, 12);
    expect(b.mean).toBe(30.4);
    expect(robustZ(8, b)).toBeCloseTo(-6 / 2.9652, 12);
    // A perfectly regular history: MAD 0, so the floor is the unit.
    const flat = baseline([0, 0, 0, 0], 0.5);
    expect(flat.scale).toBe(0.5);
    expect(robustZ(2, flat)).toBe(4);
  });

  it('downward CUSUM accumulates a slow slide and forgets noise', () => {
    // ref 100, scale 10, k 0.5: increments (100 - x)/10 - 0.5
    // x: 100 -> -0.5 -> S 0 ; 95 -> 0 -> S 0 ; 90 -> 0.5 ; 85 -> 0.5+1.0 = 1.5 ; 80 -> 1.5+1.5 = 3.0
    expect(cusumDown([100, 95, 90, 85, 80], 100, 10, 0.5)).toEqual({ s: 3, run: 3 });
    // Nulls are skipped; a recovery resets it.
    expect(cusumDown([80, null, 120, 100], 100, 10, 0.5)).toEqual({ s: 0, run: 0 });
    expect(cusumDownZ([-2, -2, null, -1], 0.5)).toEqual({ s: 1.5 + 1.5 + 0.5, run: 3 });
  });

  it('percentile rank counts ties half', () => {
    expect(percentileRank(3, [1, 2, 3, 4])).toBe(62.5);
    expect(percentileRank(0, [1, 2])).toBe(0);
    expect(percentileRank(5, [1, 2])).toBe(100);
    // The binary-search form the scorer uses gives the same numbers, ties and -0 included.
    const values = [3, 1, 2, 2, 0, -0, 5, 2.5, 1, 7, -1];
    const sorted = Float64Array.from(values).sort();
    for (const x of [...values, -2, 0.5, 2, 4, 8]) expect(percentileRankSorted(x, sorted)).toBe(percentileRank(x, values));
  });
});

describe('weekly metrics', () => {
  it('derives means and volumes from a week of sums', () => {
    const a = newAcc();
    a[F.att_days] = 5;
    a[F.absent] = 1;
    a[F.leave] = 1;
    a[F.arr_sum] = 3 * 540; // three clock-ins at 09:00
    a[F.arr_n] = 3;
    a[F.dep_sum] = 3 * 1080;
    a[F.dep_n] = 3;
    a[F.hours_sum] = 27;
    a[F.hours_n] = 3;
    a[F.calls] = 40;
    a[F.messages] = 100;
    a[F.emails] = 10;
    a[F.logins] = 8;
    a[F.visits] = 4;
    a[F.new_customers] = 1;
    a[F.moved_out] = 14;
    const m = weeklyMetrics(a, () => true);
    expect(m).toEqual({ absent_days: 1, leave_days: 1, arrival: 540, departure: 1080, hours: 9, comms: 150, crm: 13, moved_out: 14, exported: 0 });
    // No file covered comms that week: unknown, not zero.
    expect(weeklyMetrics(a, (f) => f !== 'calls' && f !== 'messages' && f !== 'emails').comms).toBeNull();
    // Covered but the person had no rows: zero activity is a value.
    expect(weeklyMetrics(undefined, () => true).comms).toBe(0);
    expect(weeklyMetrics(undefined, () => true).absent_days).toBeNull();
  });

  it('scores a week against the previous 12 (hand-computed evidence and features)', () => {
    const week = '2026-W47';
    const metrics = new Map<string, WeeklyMetrics>();
    const base: WeeklyMetrics = { absent_days: 0, leave_days: 0, arrival: 530, departure: 1100, hours: 9.5, comms: 300, crm: 20, moved_out: 0, exported: 0 };
    // Baseline: comms alternates 290 / 310 (median 300, MAD 10), one customer moved in one week.
    for (let i = 12; i >= 1; i--) {
      metrics.set(shiftWeek(week, -i), { ...base, comms: i % 2 === 0 ? 290 : 310, moved_out: i === 5 ? 1 : 0 });
    }
    metrics.set(week, { ...base, absent_days: 2, arrival: 560, departure: 1040, comms: 150, moved_out: 14 });
    const s: PersonSeries = { pid: 'p-test', firstWeek: shiftWeek(week, -12), metrics };
    const { evidence, history, hasWeek } = personEvidence(s, week, DEFAULT_ATTRITION);
    expect(history).toBe(12);
    expect(hasWeek).toBe(true);
    // comms: median 300, MAD 10 -> 14.826; floors: 10 % of 300 = 30, sqrt(300) = 17.3 -> scale 30
    expect(evidence.comms.base?.median).toBe(300);
    expect(evidence.comms.base?.scale).toBe(30);
    expect(evidence.comms.z).toBe(-5);
    // absent: median 0, MAD 0 -> floor 0.5: z = 2 / 0.5 = 4
    expect(evidence.absent_days.z).toBe(4);
    // arrival: floor 10 min: 30 min late -> z 3 ; departure 60 min early -> z -6
    expect(evidence.arrival.z).toBe(3);
    expect(evidence.departure.z).toBe(-6);
    // moved out: mean 1/12, median 0
    expect(evidence.moved_out.base?.mean).toBeCloseTo(1 / 12, 12);
    // CUSUM reference: the older 6 weeks (290/310 -> median 300, scale 30); monitored: 6 weeks of
    // 290/310 (increments -0.5 -/+ 0.33 -> stays 0) then 150 -> (300-150)/30 - 0.5 = 4.5
    expect(evidence.comms.cusum?.s).toBeCloseTo(4.5, 12);
    expect(evidence.comms.cusum?.run).toBe(1);
    const f = featuresOf(evidence);
    expect(f.absence).toBe(4);
    expect(f.late_arrival).toBe(3);
    expect(f.early_departure).toBe(6);
    expect(f.comms_drop).toBe(5);
    expect(f.comms_decline).toBeCloseTo(4.5, 12);
    expect(f.customers_moved_out).toBeCloseTo(Math.log1p(14), 12);
    expect(f.customer_exports).toBe(0);
    expect(f.crm_drop).toBe(0);
  });

  it('needs history: weeks before the first appearance are unknown', () => {
    const week = '2026-W47';
    const metrics = new Map<string, WeeklyMetrics>();
    for (let i = 4; i >= 0; i--) metrics.set(shiftWeek(week, -i), weeklyMetrics(undefined, () => true));
    const s: PersonSeries = { pid: 'p-new', firstWeek: shiftWeek(week, -4), metrics };
    const { history } = personEvidence(s, week, DEFAULT_ATTRITION);
    expect(history).toBeLessThan(DEFAULT_ATTRITION.min_history_weeks);
  });
});
