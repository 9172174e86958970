import { describe, expect, it } from 'vitest';
import type { Rules } from '../../src/config/load.js';
import { ownersSchema, priceRulesSchema } from '../../src/config/rules-schema.js';
import { targetSchema, type Target } from '../../src/config/target-schema.js';
import { diffItems, type StoredItem } from '../../src/diff/diff.js';
import { jobKind, type JobAlertPayload } from '../../src/kinds/job.js';
import type { Item, KindState } from '../../src/kinds/types.js';
import { detectSpike, isoWeek, jobRulesSchema, roleCategory, salaryRange, salaryShift, shiftWeek } from '../../src/rules/job-signals.js';
import { tenderRulesSchema } from '../../src/rules/tender-rules.js';

describe('ISO weeks on the calendar of a zone', () => {
  it.each([
    ['2026-11-26T02:00:00Z', 'Asia/Shanghai', '2026-W48'],
    ['2026-11-29T16:30:00Z', 'Asia/Shanghai', '2026-W49'], // Monday 00:30 in Shanghai ...
    ['2026-11-29T16:30:00Z', 'UTC', '2026-W48'], // ... still Sunday in UTC
    ['2027-01-01T04:00:00Z', 'Asia/Shanghai', '2026-W53'],
    ['2025-12-29T04:00:00Z', 'Asia/Shanghai', '2026-W01'],
  ])('%s in %s → %s', (iso, tz, week) => {
    expect(isoWeek(new Date(iso), tz)).toBe(week);
  });

  it('shifts across year ends', () => {
    expect(shiftWeek('2026-W01', -1)).toBe('2025-W52');
    expect(shiftWeek('2026-W53', 1)).toBe('2027-W01');
    expect(shiftWeek('2026-W48', -4)).toBe('2026-W44');
  });
});

describe('detectSpike', () => {
  const rules = { factor: 2, min_new: 5, baseline_weeks: 4 };
  it.each<[string, Record<string, number>, string | null, number | null]>([
    ['6 against 1.5 a week', { '2026-W44': 1, '2026-W45': 2, '2026-W46': 1, '2026-W47': 2, '2026-W48': 6 }, null, 1.5],
    ['5 against nothing before', { '2026-W48': 5 }, null, 0],
    ['4 is below min_new', { '2026-W47': 0, '2026-W48': 4 }, null, null],
    ['7 against 4 a week is below 2×', { '2026-W44': 4, '2026-W45': 4, '2026-W46': 4, '2026-W47': 4, '2026-W48': 7 }, null, null],
    ['8 against 4 a week', { '2026-W44': 4, '2026-W45': 4, '2026-W46': 4, '2026-W47': 4, '2026-W48': 8 }, null, 4],
    ['watched only since last week: too little baseline', { '2026-W47': 0, '2026-W48': 9 }, '2026-W47', null],
    ['watched for two weeks: average of those', { '2026-W46': 1, '2026-W47': 3, '2026-W48': 9 }, '2026-W46', 2],
  ])('%s', (_name, counts, since, baseline) => {
    const s = detectSpike(counts, '2026-W48', since, rules);
    expect(s?.baseline ?? null).toBe(baseline);
  });
});

describe('role categories and salary ranges', () => {
  const cats = jobRulesSchema.parse({}).categories;
  it.each([
    ['销售工程师', 'sales'],
    ['售后服务工程师', 'support'],
    ['嵌入式软件工程师', 'engineering'],
    ['Senior Account Manager', 'sales'],
    ['行政助理', 'other'],
  ])('%s → %s', (title, cat) => {
    expect(roleCategory(title, cats)).toBe(cat);
  });

  it('compares the median range of open postings against the last one', () => {
    const before = salaryRange([{ lo: 240_000, hi: 360_000, currency: 'CNY' }, { lo: 240_000, hi: 360_000, currency: 'CNY' }, { lo: 200_000, hi: 300_000, currency: 'CNY' }], 3)!;
    expect(before).toEqual({ lo: 240_000, hi: 360_000, n: 3, currency: 'CNY' });
    expect(salaryRange([{ lo: 1, hi: 2, currency: 'CNY' }, { lo: null, hi: null, currency: null }], 2)).toBeNull();
    expect(salaryShift(before, { ...before, lo: 264_000, hi: 396_000 }, 15)).toBeNull(); // +10 %
    expect(salaryShift(before, { ...before, lo: 300_000, hi: 420_000 }, 15)).toBe(20);
    expect(salaryShift(before, { ...before, lo: 180_000, hi: 300_000 }, 15)).toBe(-20);
    expect(salaryShift(before, { ...before, lo: 300_000, hi: 420_000, currency: 'USD' }, 15)).toBeNull();
  });
});

describe('job kind on a fixed series of weekly snapshots', () => {
  const target = { ...targetSchema.parse({ id: 'acme-careers', kind: 'job', competitor: 'Acme', region: 'north', fetch: { url: 'https://acme.example/careers' } }), file: 'acme.yaml' } as Target;
  const rules = {
    owners: ownersSchema.parse({ regions: { south: { owners: ['s@example.com'] }, north: { owners: ['n@example.com'] } } }),
    price: priceRulesSchema.parse({}),
    kinds: { tender: tenderRulesSchema.parse({ regions: { south: ['广东'] } }), job: jobRulesSchema.parse({}) },
  } as Rules;

  /** Runs the kind over snapshots of the listing: each entry is (when, the postings listed then). */
  function replay(series: [string, Item[]][]): JobAlertPayload[][] {
    let items: ReadonlyMap<string, StoredItem> = new Map();
    let state: KindState = {};
    let lastGood: string | null = null;
    const out: JobAlertPayload[][] = [];
    for (const [iso, listed] of series) {
      const now = new Date(iso);
      const diff = diffItems(items, listed, { now, removedAfterRuns: 2, changedFields: jobKind.changedFields });
      const d = jobKind.decide(diff, { target, rules, now, hasBaseline: lastGood !== null, epoch: lastGood ?? 'first', state });
      items = diff.next;
      state = d.state;
      lastGood = iso;
      out.push(d.alerts.map((a) => a.payload as JobAlertPayload));
      // Ids are stable within a week: a rerun of the same week's news is the same alert.
      expect(new Set(d.alerts.map((a) => a.id)).size).toBe(d.alerts.length);
    }
    return out;
  }

  let seq = 0;
  /** `n` undated sales postings in Shenzhen, as a careers page without dates would list them. */
  const undated = (n: number): Item[] => Array.from({ length: n }, () => ({ key: `p${++seq}`, data: { title: '销售经理', city: '深圳', url: `https://acme.example/job/${seq}` } }));

  it('counts undated postings in the week first seen, not the standing list, and alerts a spike only against weeks it watched', () => {
    const listed: Item[] = undated(3); // the standing list at the first run: not news
    const weekly = [0, 1, 2, 1, 6, 4, 5, 8]; // new postings in weeks 40 .. 47
    const series: [string, Item[]][] = [];
    const thursdays = ['2026-10-01', '2026-10-08', '2026-10-15', '2026-10-22', '2026-10-29', '2026-11-05', '2026-11-12', '2026-11-19'];
    thursdays.forEach((day, i) => {
      listed.push(...undated(weekly[i]!));
      series.push([`${day}T02:00:00Z`, [...listed]]);
    });
    const alerts = replay(series);
    const spikes = alerts.map((run) => run.filter((a) => a.signal === 'spike').map((a) => `${a.week} ${a.count} vs ${a.baseline}`));
    expect(spikes).toEqual([
      [], // W40: first run, baseline only
      [], // W41: 1
      [], // W42: 2 — one watched week before it is too little to judge
      [], // W43: 1
      ['2026-W44 6 vs 1.3'], // 6 ≥ 2 × (1+2+1)/3 and ≥ 5
      [], // W45: 4 < 5
      [], // W46: 5 < 2 × 3.25
      ['2026-W47 8 vs 4'], // 8 ≥ 2 × (5+4+6+1)/4
    ]);
    expect(alerts[4]![0]!.region).toBe('south'); // 深圳 → 广东 → south, not the target's north
  });

  it('backdates by posting date on the first run, so the second run can already see a spike', () => {
    const dated = (n: number, date: string, city = '深圳'): Item[] =>
      Array.from({ length: n }, () => ({ key: `d${++seq}`, data: { title: '大客户经理', city, datePosted: `${date}T02:00:00.000Z` } }));
    const before = [...dated(1, '2026-10-28'), ...dated(2, '2026-11-04'), ...dated(1, '2026-11-11'), ...dated(2, '2026-11-18')];
    const alerts = replay([
      ['2026-11-26T02:00:00Z', before],
      ['2026-11-26T08:00:00Z', [...before, ...dated(5, '2026-11-25'), ...dated(1, '2026-11-26', '广州')]],
    ]);
    expect(alerts[0]).toEqual([]);
    expect(alerts[1]!.map((a) => [a.signal, a.city, a.count])).toEqual([
      ['spike', '深圳', 5],
      ['new_city', '广州', 1],
    ]);
  });
});
