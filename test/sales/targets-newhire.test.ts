/**
 * A new hire's target is pro-rated, through the real CLI on a small export worked out by hand.
 *
 * Fiscal year = calendar 2026, base months 2025-01..12, even split. 华东 150 万, one team 华东一组:
 *   张三 (there all along): base 600 000.
 *   李四 joined 2025-10-01: 150 000 in the 3 base months he was there → annualised 150 000 × 12 / 3 = 600 000;
 *        here the whole of 2026 (year share 1).
 *   王小二 joined 2026-07-01: no base month → his team-mates' average, (600 000 + 600 000) / 2 = 600 000;
 *        here 6 of 12 months (year share 0.5).
 *   Shares by base × year share: 600 000 : 600 000 : 300 000 of 1 500 000 → 600 000, 600 000, 300 000.
 *   王小二's months: nothing before July, 50 000 a month July to December.
 * 华南 60 万, one team, 赵六 alone, joined 2026-07-16: the team's 600 000 over the 5 + 16/31 months he is
 *   there: July 600 000 × 16/171 = 56 140.35, each later month 600 000 × 31/171 = 108 771.93.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeCsvExport } from '../helpers/scorecard-exports.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

vi.setConfig({ testTimeout: 180_000 });

const NOW = '2026-08-16T09:00+08:00';
const ORG = [
  ['工号', '姓名', '区域', '团队', '经理邮箱', '邮箱', '入职日期'],
  ['10001', '张三', '华东', '华东一组', 'a-mgr@example.com', 's1@example.com', '2019-03-01'],
  ['10002', '李四', '华东', '华东一组', 'a-mgr@example.com', 's2@example.com', '2025-10-01'],
  ['10003', '王小二', '华东', '华东一组', 'a-mgr@example.com', 's3@example.com', '2026年7月1日'],
  ['10004', '赵六', '华南', '华南一组', 'c-mgr@example.com', 's4@example.com', '2026-07-16'],
  ['10005', '钱七', '华北', '华北一组', 'd-mgr@example.com', 's5@example.com', '2026-13-01'],
];
const ERP = [
  ['回款日期', '回款单号', '客户名称', '区域', '业务员工号', '回款金额(元)'],
  ['2025-06-10', 'R1', '甲公司', '华东', '10001', '600000'],
  ['2025-11-11', 'R2', '乙公司', '华东', '10002', '150000'],
  ['2026-08-01', 'R3', '丙公司', '华东', '10003', '10000'],
];
const RULES = `
inputs_dir: inputs
sources:
  - { path: org.csv, preset: org }
  - { path: erp.csv, preset: erp-collections }
targets:
  "2026":
    regions: { 华东: 150, 华南: 60 }
`;

interface Explained {
  unit: { annual: number; newHire: { hired: string; baseMonthsThere: number; annualisedBase: number; yearShare: number } | null; monthlyTarget: Record<string, number>; target: number };
}

let ws: Workspace;
let dir: string;
const explain = async (who: string): Promise<Explained> => {
  const r = await ws.radar('targets', 'explain', who, '--now', NOW, '--json', '--inputs', dir);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Explained;
};

beforeAll(() => {
  ws = makeWorkspace();
  dir = join(ws.home, 'inputs');
  mkdirSync(dir);
  writeCsvExport(join(dir, 'org.csv'), ORG);
  // The title line declares the period the export covers: all of 2025 is there, so it is the base.
  writeCsvExport(join(dir, 'erp.csv'), ERP, { title: '回款明细 统计日期：2025-01-01 至 2026-08-15' });
  ws.writeRule('targets.yaml', RULES);
});
afterAll(() => ws.cleanup());

describe('new hires get a pro-rated target', () => {
  it("shares a team's target by base × the part of the year each person is there", async () => {
    const [a, b, c] = [await explain('张三'), await explain('李四'), await explain('王小二')];
    expect(a.unit.newHire).toBeNull();
    expect(a.unit.annual).toBeCloseTo(600_000, 6);
    expect(b.unit.newHire).toEqual({ hired: '2025-10-01', baseMonthsThere: 3, annualisedBase: 600_000, yearShare: 1 });
    expect(b.unit.annual).toBeCloseTo(600_000, 6);
    expect(c.unit.newHire).toEqual({ hired: '2026-07-01', baseMonthsThere: 0, annualisedBase: 600_000, yearShare: 0.5 });
    expect(c.unit.annual).toBeCloseTo(300_000, 6);
  });

  it("spreads a new hire's target over the months from their start", async () => {
    const c = await explain('王小二');
    const months = c.unit.monthlyTarget;
    for (const m of ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']) expect(months[m], m).toBe(0);
    for (const m of ['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']) expect(months[m], m).toBeCloseTo(50_000, 6);
    // Year to date (to 2026-08-15): July, and 15 of August's 31 days.
    expect(c.unit.target).toBeCloseTo(50_000 + (50_000 * 15) / 31, 4);
    const d = await explain('赵六');
    expect(d.unit.annual).toBeCloseTo(600_000, 6);
    expect(d.unit.monthlyTarget['2026-06']).toBe(0);
    expect(d.unit.monthlyTarget['2026-07']).toBeCloseTo((600_000 * 16) / 171, 4);
    expect(d.unit.monthlyTarget['2026-08']).toBeCloseTo((600_000 * 31) / 171, 4);
  });

  it('radar targets explain says how a new hire\'s share was weighed', async () => {
    const r = await ws.radar('targets', 'explain', '王小二', '--now', NOW, '--inputs', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('王小二: 30.0 万 a year (share of 华东一组 by collections 2025-01..2025-12: 30.0 万 of 150.0 万)');
    expect(r.stdout).toContain("joined 2026-07-01: base counted as 60.0 万 a year (0 base months there: the team-mates' average) × 50.0% of the year here; no target before 2026-07");
  });

  it('names the row of a start date it cannot read and goes on', async () => {
    const r = await ws.radar('targets', 'show', '--now', NOW, '--inputs', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('org.csv:6: unreadable date "2026-13-01" in 入职日期');
  });
});
