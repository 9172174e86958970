/**
 * Tiering, growth bands, adjustments and the rolling forecast, checked against values worked out
 * by hand (the working is in the comments).
 */
import { describe, expect, it } from 'vitest';
import { cleanSeries, rollingWma } from '../../src/sales/targets/forecast.js';
import { propose, tierOf } from '../../src/sales/targets/tiering.js';

const TIERS = [
  { name: 'A', share: 20, growth: [8, 12] as [number, number] },
  { name: 'B', share: 50, growth: [12, 18] as [number, number] },
  { name: 'C', share: 30, growth: [18, 25] as [number, number] },
];

describe('tiers: A the top 20 %, B the middle 50 %, C the bottom 30 %', () => {
  it('of 10 regions ranks 1-2 are A, 3-7 B, 8-10 C (position (rank - 0.5) / n)', () => {
    expect(Array.from({ length: 10 }, (_, i) => tierOf(i + 1, 10, TIERS).name).join('')).toBe('AABBBBBCCC');
  });

  it('of 4 regions: A, B, B, C; of 5: A, B, B, C, C', () => {
    expect([1, 2, 3, 4].map((r) => tierOf(r, 4, TIERS).name).join('')).toBe('ABBC');
    // positions 0.1, 0.3, 0.5, 0.7, 0.9: 0.7 is not below 0.2 + 0.5.
    expect([1, 2, 3, 4, 5].map((r) => tierOf(r, 5, TIERS).name).join('')).toBe('ABBCC');
  });

  it('proposes base × (1 + growth + adjustments) with the band middle, and ties share the better rank', () => {
    const base = new Map([
      ['华东', 1000],
      ['华南', 800],
      ['华北', 800],
      ['西南', 500],
      ['西北', 200],
    ]);
    const adjustments = { 西南: [{ percent: 4, reason: '地方补贴' }], 华南: [{ percent: -2, reason: '竞品降价' }, { percent: 1, reason: '新渠道' }] };
    const ps = propose(base, TIERS, 50, adjustments);
    const by = Object.fromEntries(ps.map((p) => [p.region, p]));
    // 华东: rank 1 of 5 → A, growth 10 % → 1100.
    expect(by['华东']).toMatchObject({ rank: 1, tier: 'A', growth: 10, adjustment: 0 });
    expect(by['华东']!.target).toBeCloseTo(1100, 9);
    // 华南 and 华北 tie at 800: both rank 2 → B (15 %); 华南 also -2 + 1 = -1 → 800 × 1.14 = 912.
    expect(by['华南']).toMatchObject({ rank: 2, tier: 'B', growth: 15, adjustment: -1 });
    expect(by['华北']).toMatchObject({ rank: 2, tier: 'B' });
    expect(by['华南']!.target).toBeCloseTo(912, 9);
    expect(by['华北']!.target).toBeCloseTo(920, 9);
    // 西南: rank 4 → position 0.7 → C, growth 21.5 % + 4 = 25.5 % → 627.5.
    expect(by['西南']).toMatchObject({ rank: 4, tier: 'C', growth: 21.5, adjustment: 4 });
    expect(by['西南']!.target).toBeCloseTo(627.5, 9);
    expect(by['西南']!.adjustments[0]!.reason).toBe('地方补贴');
    // growth_pick 0 takes the low end: 西北 (C) grows 18 %.
    expect(propose(base, TIERS, 0, {}).find((p) => p.region === '西北')!.growth).toBe(18);
  });
});

describe('rolling forecast', () => {
  it('spreads a quarter-end push back over its quarter, keeping the quarter total', () => {
    // Q1 = Jan, Feb, Mar: excess of Mar over the mean of Jan and Feb = 160 - 100 = 60, spread evenly: 120 each.
    const c = cleanSeries(
      [
        { month: '2026-01', amount: 100 },
        { month: '2026-02', amount: 100 },
        { month: '2026-03', amount: 160 },
      ],
      { fyStart: 1, spread: 1, outlierK: 3 },
    );
    expect(c.map((x) => x.spread)).toEqual([120, 120, 120]);
    expect(c[2]!.note).toBe('quarter-end');
    // Half of it (spread 0.5): 30 moved, Mar 160 - 20 = 140, Jan and Feb 110.
    expect(cleanSeries([{ month: '2026-01', amount: 100 }, { month: '2026-02', amount: 100 }, { month: '2026-03', amount: 160 }], { fyStart: 1, spread: 0.5, outlierK: 3 }).map((x) => x.spread)).toEqual([110, 110, 140]);
    // A fiscal year starting in April: March is not a quarter end... of Q4 (Jan-Mar) it is; June is.
    expect(cleanSeries([{ month: '2026-04', amount: 100 }, { month: '2026-05', amount: 100 }, { month: '2026-06', amount: 160 }], { fyStart: 4, spread: 1, outlierK: 3 })[2]!.note).toBe('quarter-end');
    expect(cleanSeries([{ month: '2026-02', amount: 100 }, { month: '2026-03', amount: 100 }, { month: '2026-04', amount: 160 }], { fyStart: 1, spread: 1, outlierK: 3 })[2]!.note).toBeNull();
  });

  it('clips an outlier month to median ± k·1.4826·MAD', () => {
    // Values (months 2026-04..09, no quarter-end excess: Jun and Sep are below their quarters' mean):
    // 100, 110, 90, 400, 95, 105 → sorted 90 95 100 105 110 400, median 102.5;
    // |x - 102.5| = 2.5 7.5 12.5 297.5 7.5 2.5 → sorted 2.5 2.5 7.5 7.5 12.5 297.5, MAD 7.5;
    // s = 1.4826 × 7.5 = 11.1195; k = 3 → upper bound 102.5 + 33.3585 = 135.8585.
    const c = cleanSeries(
      [100, 110, 90, 400, 95, 105].map((amount, i) => ({ month: `2026-${String(i + 4).padStart(2, '0')}`, amount })),
      { fyStart: 1, spread: 1, outlierK: 3 },
    );
    expect(c.map((x) => x.note)).toEqual([null, null, null, 'outlier', null, null]);
    expect(c[3]!.clean).toBeCloseTo(135.8585, 4);
    expect(c.filter((x) => x.note === null).every((x) => x.clean === x.raw)).toBe(true);
  });

  it('is a weighted moving average rolled forward month by month', () => {
    // Weights 1..3 on [100, 100, 130]: (100 + 200 + 390) / 6 = 115;
    // then [100, 130, 115]: (100 + 260 + 345) / 6 = 117.5; then [130, 115, 117.5]: (130 + 230 + 352.5) / 6 = 118.75.
    expect(rollingWma([100, 100, 130], [1, 2, 3], 3)).toEqual([115, 117.5, 118.75]);
    // Fewer months than weights: the newest weights are used.
    expect(rollingWma([100, 130], [1, 2, 3], 1)).toEqual([(100 * 2 + 130 * 3) / 5]);
  });
});
