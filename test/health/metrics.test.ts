import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHealthConfig } from '../../src/health/config.js';
import type { HealthData } from '../../src/health/import.js';
import { loadHealthData } from '../../src/health/job.js';
import { type PersonWeek, scoreAll } from '../../src/health/score.js';
import { V } from '../../src/health/variables.js';
import { loadKey } from '../../src/signals/store.js';
import { Pseudonymizer } from '../../src/signals/weekly.js';
import { oneWeekWindows, writeRules, writeSmallExports } from './fixtures.js';

let root: string;
let data: HealthData;
let w47: PersonWeek;
let pid: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'radar-health-metrics-'));
  writeSmallExports(join(root, 'exports'));
  const rules = writeRules(join(root, 'rules'), oneWeekWindows);
  const cfg = loadHealthConfig(rules);
  const state = join(root, 'state');
  data = await loadHealthData(cfg, { rulesDir: rules, stateDir: state, samplesDir: join(root, 'exports'), asOfWeek: '2026-W47' });
  pid = new Pseudonymizer(await loadKey(state)).id('10001');
  w47 = scoreAll(data, cfg, '2026-W47').get(pid)!.find((s) => s.week === '2026-W47')!;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const value = (id: string): number | null => w47.metrics.find((m) => m.id === id)?.value ?? null;

describe('each default metric against a small export worked out by hand (week 2026-W47)', () => {
  it('reads every export without a bad row', () => {
    expect(data.badRows).toEqual([]);
    expect(data.reports.map((r) => r.file).sort()).toEqual(['crm-activity.csv', 'crm-customers.csv', 'crm-followups.csv', 'crm-leads.csv', 'crm-opportunities.csv', 'org.csv', 'wecom-customer-stats.csv']);
    expect(w47.scored).toBe(true);
    expect(w47.workdays).toBe(5); // five days in the CRM activity export, no attendance export
  });

  it('login days: 4 of 5 workdays had a login (the Tuesday row says 0)', () => {
    expect(value('login_days')).toBe(4);
  });

  it('task completion: 12 done of 12 + 3 overdue = 80 %', () => {
    expect(value('task_completion')).toBeCloseTo(12 / 15, 12);
  });

  it('overdue tasks: 3 per 5 workdays', () => {
    expect(value('overdue_tasks')).toBe(3);
  });

  it('interaction density: 10 follow-ups over 11 customers touched in the four weeks to W47', () => {
    // W44: C1 C2; W45: C3; W46: C1 L1 L2 L4; W47: C1 C4 C5 C6 C7 C8 L4 -> 11 distinct.
    const vars = data.weeks.get(pid)!.get('2026-W47')!;
    expect(vars[V.touches]).toBe(10);
    expect(vars[V.active_customers]).toBe(11);
    expect(vars[V.customers_touched]).toBe(7);
    expect(value('interaction_density')).toBeCloseTo(10 / 11, 12);
  });

  it('first follow-up within 48 h: C4 and C6 yes, C5 (68 h) and C7 (none) no; C8 (Saturday) is not due before the week ends', () => {
    const vars = data.weeks.get(pid)!.get('2026-W47')!;
    expect(vars[V.first_visits]).toBe(5);
    expect(vars[V.first_visits_due]).toBe(4);
    expect(vars[V.first_visits_followed]).toBe(2);
    expect(value('first_followup_48h')).toBe(0.5);
  });

  it('second touch within 7 days: L1 and L4 yes, L2 no; L3 and L5 are still within their 7 days', () => {
    const vars = data.weeks.get(pid)!.get('2026-W47')!;
    expect(vars[V.leads_due]).toBe(3);
    expect(vars[V.leads_second_touch]).toBe(2);
    expect(value('second_touch_7d')).toBeCloseTo(2 / 3, 12);
  });

  it('visit notes: 4 of 6 visits (an empty cell and "无" are no notes)', () => {
    expect(value('visit_notes')).toBeCloseTo(4 / 6, 12);
  });

  it('record completeness: 6 + 2 + 5 of 3 x 6 required fields', () => {
    expect(value('record_completeness')).toBeCloseTo(13 / 18, 12);
  });

  it('stage progression: 1 + 2 + 2 stages forward over 6 deals open on Monday (D6 opened on Tuesday)', () => {
    const vars = data.weeks.get(pid)!.get('2026-W47')!;
    expect(vars[V.stage_forward]).toBe(5);
    expect(vars[V.deals_open]).toBe(6);
    expect(vars[V.deals_won]).toBe(1);
    expect(vars[V.deals_lost]).toBe(1);
    expect(data.weeks.get(pid)!.get('2026-W46')![V.stage_back]).toBe(1);
    expect(value('stage_progression')).toBeCloseTo(5 / 6, 12);
  });

  it('new leads: L3 and L5, 2 per 5 workdays', () => {
    expect(value('new_leads')).toBe(2);
  });

  it('response time: (4x10 + 3x20 + 4x15 + 2x30) / 13 replied chats', () => {
    expect(value('response_time')).toBeCloseTo(220 / 13, 12);
  });

  it("won deals' gross-margin share: 12.5 of 50", () => {
    expect(value('won_margin_share')).toBe(0.25);
  });

  it('a person with only some exports gets values where the exports say something, none where 0/0', async () => {
    const cfg = loadHealthConfig(join(root, 'rules'));
    const other = new Pseudonymizer(await loadKey(join(root, 'state'))).id('10002');
    const pw = scoreAll(data, cfg, '2026-W47').get(other)!.find((s) => s.week === '2026-W47')!;
    const v = (id: string) => pw.metrics.find((m) => m.id === id)?.value ?? null;
    expect(pw.workdays).toBe(3);
    expect(v('login_days')).toBe(5);
    expect(v('task_completion')).toBe(1);
    expect(v('first_followup_48h')).toBeNull();
    expect(v('response_time')).toBeNull();
  });
});

describe('import through the signals table reader', () => {
  it('reads a GBK follow-up export and lists broken rows with file:line, the rest still counting', async () => {
    const dir = join(root, 'gbk');
    writeSmallExports(dir);
    const text = ['跟进时间,工号,客户编号,跟进方式,跟进类型,拜访纪要', '2026-11-16 10:00,10001,C4,拜访,首次拜访,是', '2026-13-45 10:00,10001,C5,拜访,,是', '2026-11-17 09:00,,C4,电话,,', '2026-11-17 09:30,10001,C4,电话,,'].join('\r\n') + '\r\n';
    writeFileSync(join(dir, 'crm-followups.csv'), iconv.encode(text, 'gbk'));
    const cfg = loadHealthConfig(join(root, 'rules'));
    const d = await loadHealthData(cfg, { rulesDir: join(root, 'rules'), stateDir: join(root, 'state'), samplesDir: dir, asOfWeek: '2026-W47' });
    expect(d.badRows).toEqual([
      { file: 'crm-followups.csv', line: 3, reason: 'unreadable date "2026-13-45 10:00" in 跟进时间' },
      { file: 'crm-followups.csv', line: 4, reason: 'no 工号 and no 姓名' },
    ]);
    const vars = d.weeks.get(pid)!.get('2026-W47')!;
    expect(vars[V.touches]).toBe(2);
    expect(vars[V.first_visits_followed]).toBe(1);
  });

  it('names a deal stage it does not know, and a missing export, without stopping', async () => {
    const dir = join(root, 'odd');
    writeSmallExports(dir);
    writeFileSync(join(dir, 'crm-opportunities.csv'), '\uFEFF变更时间,商机编号,负责人工号,原阶段,新阶段\r\n2026-11-17 10:00,D1,10001,线索,验收\r\n2026-11-17 11:00,D1,10001,线索,意向\r\n');
    rmSync(join(dir, 'crm-leads.csv'));
    const cfg = loadHealthConfig(join(root, 'rules'));
    const d = await loadHealthData(cfg, { rulesDir: join(root, 'rules'), stateDir: join(root, 'state'), samplesDir: dir, asOfWeek: '2026-W47' });
    expect(d.badRows).toContainEqual({ file: 'crm-leads.csv', line: 0, reason: `no file matches (looked in ${dir})` });
    expect(d.badRows).toContainEqual({ file: 'crm-opportunities.csv', line: 2, reason: 'stage "验收" is not in deal_stages or deal_lost of rules/health.yaml (1 row)' });
    expect(d.weeks.get(pid)!.get('2026-W47')![V.stage_forward]).toBe(1);
  });
});
