import { describe, expect, it } from 'vitest';
import { checkHealthConfig, type HealthConfig } from '../../src/health/config.js';
import type { HealthData } from '../../src/health/import.js';
import { bandOf, baselineScore, scoreAll, targetScore, weekRange } from '../../src/health/score.js';
import { newWeekVars, V, type Variable, type VariableKind } from '../../src/health/variables.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { errorLine } from '../../src/core/errors.js';

const BASE = `
sources: [{ path: org.csv, preset: org }]
baseline_weeks: 4
min_history_weeks: 3
peer_adjust: false
metrics:
  - { id: done, label_zh: 完成, label_en: Done, source: crm-activity, formula: tasks_done, direction: higher, target: 10, floor: 2 }
  - { id: late, label_zh: 逾期, label_en: Late, source: crm-activity, formula: tasks_overdue, direction: lower, target: 2, worst: 12, floor: 2, weight: 3 }
`;

function config(yaml = BASE): HealthConfig {
  return checkHealthConfig(parseYamlSource('rules/health.yaml', yaml));
}

function configError(yaml: string): string {
  try {
    config(yaml);
  } catch (e) {
    return errorLine(e);
  }
  return 'no error';
}

const WEEKS = weekRange('2026-W40', '2026-W47');

/** People x weeks of variables, covered by the CRM activity export, five workdays each. */
function data(people: Record<string, Partial<Record<Variable, number>>[]>, kinds: VariableKind[] = ['activity']): HealthData {
  const d: HealthData = { people: new Map(), weeks: new Map(), coverage: new Map(kinds.map((k) => [k, new Set(WEEKS)])), reports: [], badRows: [] };
  for (const [pid, weeks] of Object.entries(people)) {
    d.people.set(pid, { name: pid, team: 'T', managerEmail: 'm@example.com' });
    const byWeek = new Map();
    weeks.forEach((vars, i) => {
      const w = newWeekVars();
      w[V.activity_days] = 5;
      for (const [k, v] of Object.entries(vars)) w[V[k as Variable]] = v as number;
      byWeek.set(WEEKS[i], w);
    });
    d.weeks.set(pid, byWeek);
  }
  return d;
}

describe('bands', () => {
  it('default edges: 90 is green, just below is yellow, 70 is yellow, just below is red', () => {
    const b = config().bands;
    expect(bandOf(100, b)).toBe('green');
    expect(bandOf(90, b)).toBe('green');
    expect(bandOf(89.999, b)).toBe('yellow');
    expect(bandOf(70, b)).toBe('yellow');
    expect(bandOf(69.999, b)).toBe('red');
    expect(bandOf(0, b)).toBe('red');
  });

  it('edges come from rules/health.yaml, for the index and every metric', () => {
    const cfg = config(BASE + 'bands: { green: 80, yellow: 60 }\n');
    expect(bandOf(80, cfg.bands)).toBe('green');
    expect(bandOf(79.9, cfg.bands)).toBe('yellow');
    expect(bandOf(60, cfg.bands)).toBe('yellow');
    expect(bandOf(59.9, cfg.bands)).toBe('red');
    // done = 8 of target 10 -> 80 exactly (no baseline yet): green under these bands, yellow under the defaults.
    const d = data({ p: [{ tasks_done: 8, tasks_overdue: 2 }] });
    const pw = scoreAll(d, cfg, '2026-W40').get('p')![0]!;
    expect(pw.metrics[0]!.score).toBe(80);
    expect(pw.metrics[0]!.band).toBe('green');
    expect(scoreAll(d, config(), '2026-W40').get('p')![0]!.metrics[0]!.band).toBe('yellow');
    expect(configError(BASE + 'bands: { green: 70, yellow: 70 }\n')).toMatch(/^rules\/health\.yaml:\d+: bands\.green: must be above bands\.yellow/);
  });
});

describe('metric scores and the index', () => {
  it('target half: 100 at or beyond the target, 0 at worst, linear between (both directions)', () => {
    const [done, late] = config().metrics;
    expect(targetScore(10, done!)).toBe(100);
    expect(targetScore(15, done!)).toBe(100);
    expect(targetScore(5, done!)).toBe(50);
    expect(targetScore(0, done!)).toBe(0);
    expect(targetScore(2, late!)).toBe(100);
    expect(targetScore(7, late!)).toBe(50);
    expect(targetScore(12, late!)).toBe(0);
    expect(targetScore(20, late!)).toBe(0);
  });

  it('own-baseline half: 100 at or above normal, 50 one step below, 0 at two steps', () => {
    expect(baselineScore(0.4, 2)).toBe(100);
    expect(baselineScore(0, 2)).toBe(100);
    expect(baselineScore(-1, 2)).toBe(50);
    expect(baselineScore(-2, 2)).toBe(0);
    expect(baselineScore(-3, 2)).toBe(0);
  });

  it('one week by hand: 10,10,10 then 8 done, overdue steady at 2 -> 65 and 100 -> index 91.25 with weights 1 and 3', () => {
    const d = data({ p: [...Array(3).fill({ tasks_done: 10, tasks_overdue: 2 }), { tasks_done: 8, tasks_overdue: 2 }] });
    const s = scoreAll(d, config(), '2026-W43').get('p')!;
    const pw = s[3]!;
    const done = pw.metrics[0]!;
    // Baseline: median 10, MAD 0 -> scale = floor 2; z = (8 - 10) / 2 = -1 -> baseline half 50; target half 80.
    expect(done.base).toEqual({ median: 10, scale: 2, weeks: 3 });
    expect(done.z).toBe(-1);
    expect(done.score).toBe(65);
    expect(done.band).toBe('red');
    expect(pw.metrics[1]!.score).toBe(100);
    expect(pw.index).toBe((65 + 3 * 100) / 4);
    expect(pw.band).toBe('green');
    expect(pw.trend).toBe(pw.index! - s[2]!.index!);
    // Before three weeks of history only the target half counts.
    expect(s[1]!.metrics[0]!.base).toBeNull();
    expect(s[1]!.metrics[0]!.score).toBe(100);
  });

  it('sums variables over window_weeks, skips weeks not scored, and wants min_count events', () => {
    const yaml = BASE.replace('formula: tasks_done,', 'formula: tasks_done / (tasks_done + tasks_overdue), window_weeks: 2, min_count: { tasks_done: 4 },');
    const d = data({ p: [{ tasks_done: 3, tasks_overdue: 1 }, { tasks_done: 2, tasks_overdue: 2 }, { tasks_done: 9, tasks_overdue: 0, activity_days: 1 }, { tasks_done: 4, tasks_overdue: 0 }] });
    const s = scoreAll(d, config(yaml), '2026-W43').get('p')!;
    expect(s[0]!.metrics[0]!.value).toBeNull(); // 3 done < min_count 4
    expect(s[1]!.metrics[0]!.value).toBe(5 / 8); // (3+2) / (3+2+1+2)
    expect(s[2]!.scored).toBe(false); // one workday
    expect(s[3]!.metrics[0]!.value).toBe(6 / 8); // W41 + W43: the unscored W42 is skipped, not a zero
  });
});

describe('slipping and attention', () => {
  const yaml = `
sources: [{ path: org.csv, preset: org }]
baseline_weeks: 4
min_history_weeks: 3
metrics:
  - { id: a, label_zh: A, label_en: A, source: crm-activity, formula: tasks_done, direction: higher, target: 1, floor: 2 }
  - { id: b, label_zh: B, label_en: B, source: crm-activity, formula: logins, direction: higher, target: 1, floor: 2, group: g }
  - { id: c, label_zh: C, label_en: C, source: crm-activity, formula: new_customers, direction: higher, target: 1, floor: 2, group: g }
  - { id: d, label_zh: D, label_en: D, source: crm-activity, formula: crm_leads, direction: higher, target: 1, floor: 2 }
`;
  const steady = { tasks_done: 10, logins: 10, new_customers: 10, crm_leads: 10 };

  it('needs two slipping groups: two metrics of one group count once', () => {
    const d = data({ p: [steady, steady, steady, { ...steady, logins: 8, new_customers: 8 }, { ...steady, logins: 8, tasks_done: 8 }] });
    const s = scoreAll(d, config(yaml), '2026-W44').get('p')!;
    expect(s[3]!.reasons.slipping).toEqual(['b', 'c']);
    expect(s[3]!.attention).toBe(false);
    expect(s[4]!.reasons.slipping).toEqual(['a', 'b']);
    expect(s[4]!.attention).toBe(true);
  });

  it('a dip everyone shares that week (a holiday) is not held against anyone', () => {
    const people: Record<string, Partial<Record<Variable, number>>[]> = {};
    for (let i = 0; i < 6; i++) people[`p${i}`] = [steady, steady, steady, { ...steady, tasks_done: 7, crm_leads: 7 }];
    people.alone = [steady, steady, steady, { ...steady, tasks_done: 7, crm_leads: 7 }];
    const shared = scoreAll(data(people), config(yaml), '2026-W43');
    expect(shared.get('alone')![3]!.attention).toBe(false);
    expect(shared.get('alone')![3]!.metrics[0]!.z).toBe(0);
    // The same drop for one person only stays.
    const one = scoreAll(data({ alone: people.alone!, ...Object.fromEntries([0, 1, 2, 3, 4, 5].map((i) => [`q${i}`, [steady, steady, steady, steady]])) }), config(yaml), '2026-W43');
    expect(one.get('alone')![3]!.metrics[0]!.z).toBe(-1.5);
    expect(one.get('alone')![3]!.attention).toBe(true);
  });

  it('weeks needing attention stay out of the baseline, so a slide does not become normal', () => {
    const low = { ...steady, tasks_done: 7, crm_leads: 7 };
    const d = data({ p: [steady, steady, steady, low, low, low, low, low] });
    const s = scoreAll(d, config(yaml), '2026-W47').get('p')!;
    expect(s.slice(3).map((pw) => pw.attention)).toEqual([true, true, true, true, true]);
    expect(s[7]!.metrics[0]!.base?.median).toBe(10);
  });
});
