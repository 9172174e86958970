/**
 * Attainment from a small ERP export (GBK, a title line declaring its period, Chinese headers,
 * amounts written as ￥20,000.00, 1万 and (10,000.00)) whose every number is worked out by hand, and
 * the weekly job through the real CLI: who gets which digest, and red alerts once per episode.
 *
 * Hand working (fiscal year = calendar year, now 2026-03-16 09:00 → measured to 2026-03-15):
 *   2025 collections (the base that splits targets): 张三 600 000, 李四 200 000 (华东一组 800 000),
 *   王五 200 000 (华东二组), 赵六 500 000 (华南一组).
 *   Targets 2026: 华东 120 万, 华南 60 万. 华东一组 = 1 200 000 × 800/1000 = 960 000, 华东二组 240 000;
 *   张三 720 000, 李四 240 000, 王五 240 000, 赵六 600 000. Even split: a twelfth a month.
 *   Year to date = Jan + Feb + 15/31 of Mar = 2.4838710 months' worth.
 *     张三  60 000 × 2.48387 = 149 032.26; collected 150 000 → 100.6 % green
 *     李四  20 000 × 2.48387 =  49 677.42; collected  30 000 →  60.4 % red
 *     王五  49 677.42; collected 40 000 → 80.5 % yellow
 *     华东一组 198 709.68; 180 000 → 90.6 % green
 *     华东二组  49 677.42;  40 000 → 80.5 % yellow
 *     华东 248 387.10; 220 000 → 88.6 % yellow; gap 28 387.10: 华东一组 18 709.68 (65.9 %), 华东二组 9 677.42 (34.1 %)
 *     华南 / 华南一组 / 赵六 124 193.55; 50 000 + 40 000 − 10 000 = 80 000 → 64.4 % red
 *     集团 372 580.65; 300 000 → 80.5 % yellow
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeCsvExport } from '../helpers/scorecard-exports.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

// Hooks that spawn the CLI and render charts: on a loaded two-core machine they take longer than one test.
const SLOW = 180_000;
vi.setConfig({ testTimeout: SLOW });

const NOW = '2026-03-16T09:00+08:00';
const ORG = [
  ['工号', '姓名', '区域', '团队', '直属上级', '经理邮箱', '邮箱'],
  ['10001', '张三', '华东', '华东一组', '甲经理', 'a-mgr@example.com', 's1@example.com'],
  ['10002', '李四', '华东', '华东一组', '甲经理', 'a-mgr@example.com', 's2@example.com'],
  ['10003', '王五', '华东', '华东二组', '乙经理', 'b-mgr@example.com', 's3@example.com'],
  ['10004', '赵六', '华南', '华南一组', '丙经理', 'c-mgr@example.com', 's4@example.com'],
];
const ERP = [
  ['回款日期', '回款单号', '客户名称', '区域', '业务员工号', '业务员', '回款金额(元)', '毛利(元)'],
  ['2025-06-10', 'R1', '甲公司', '华东', '10001', '张三', '600000', '120000'],
  ['2025-06-11', 'R2', '乙公司', '华东', '10002', '李四', '200000', '40000'],
  ['2025-06-12', 'R3', '丙公司', '华东', '10003', '王五', '200000', '40000'],
  ['2025-06-13', 'R4', '丁公司', '华南', '10004', '赵六', '500000', '100000'],
  ['2026-01-05', 'R5', '甲公司', '华东', '10001', '张三', '"60,000.00"', '12000'],
  ['2026-01-06', 'R6', '乙公司', '华东', '10002', '李四', '"￥20,000.00"', '4000'],
  ['2026-01-07', 'R7', '丙公司', '华东', '10003', '王五', '40000', '8000'],
  ['2026-01-08', 'R8', '丁公司', '华南', '10004', '赵六', '50000', '10000'],
  ['2026-02-05', 'R9', '甲公司', '华东', '10001', '张三', '60000', '12000'],
  ['2026-02-06', 'R10', '乙公司', '华东', '', '李四', '1万', '2000'],
  ['2026-02-08', 'R11', '丁公司', '华南', '10004', '赵六', '40000', '8000'],
  ['2026-02-30', 'R12', '甲公司', '华东', '10001', '张三', '99999', '0'],
  ['2026-03-02', 'R13', '戊公司', '华东', '', '钱七', '88888', '0'],
  ['2026-03-05', 'R14', '丁公司', '华南', '10004', '赵六', '"(10,000.00)"', '-2000'],
  ['2026-03-10', 'R15', '甲公司', '华东', '10001', '张三', '30000', '6000'],
  ['2026-03-16', 'R16', '甲公司', '华东', '10001', '张三', '77777', '0'],
];
const RULES = `
inputs_dir: inputs
sources:
  - { path: org.csv, preset: org }
  - { path: erp.csv, preset: erp-collections }
targets:
  "2026":
    regions: { 华东: 120, 华南: 60 }
digest:
  group: [vp@example.com]
forecast: { months: 3 }
`;

let ws: Workspace;

beforeAll(() => {
  ws = makeWorkspace();
  const dir = join(ws.home, 'inputs');
  mkdirSync(dir);
  writeCsvExport(join(dir, 'org.csv'), ORG);
  // As a Chinese ERP saves it: GBK, a title line with the period above the header.
  writeCsvExport(join(dir, 'erp.csv'), ERP, { title: '回款明细表 统计日期：2025-01-01 至 2026-03-31', encoding: 'gbk' });
  ws.writeRule('targets.yaml', RULES);
});
afterAll(() => ws.cleanup());

interface ShownUnit {
  key: string;
  name: string;
  annual: number | null;
  target: number | null;
  actual: number;
  ratio: number | null;
  band: string | null;
  gap: number | null;
  contributors: { name: string; gap: number; share: number | null }[];
}

describe('radar targets show on a hand-worked export', () => {
  let units: Record<string, ShownUnit>;
  let shown: { fy: number; from: string; asOf: string; units: ShownUnit[] };
  let stderr: string;

  beforeAll(async () => {
    const r = await ws.radar('targets', 'show', '--level', 'person', '--now', NOW, '--json', '--inputs', join(ws.home, 'inputs'));
    expect(r.code, r.stderr).toBe(0);
    shown = JSON.parse(r.stdout);
    units = Object.fromEntries(shown.units.map((u) => [u.name, u]));
    const t = await ws.radar('targets', 'show', '--now', NOW, '--inputs', join(ws.home, 'inputs'));
    stderr = t.stderr;
  }, SLOW);

  it('measures the year to date up to yesterday, not to the end of the declared period', () => {
    expect(shown).toMatchObject({ fy: 2026, from: '2026-01-01', asOf: '2026-03-15' });
  });

  it('splits region targets to teams and people by their 2025 collections', () => {
    expect(units['集团']!.annual).toBeCloseTo(1_800_000, 6);
    expect(units['华东一组']!.annual).toBeCloseTo(960_000, 6);
    expect(units['华东二组']!.annual).toBeCloseTo(240_000, 6);
    expect(units['张三']!.annual).toBeCloseTo(720_000, 6);
    expect(units['李四']!.annual).toBeCloseTo(240_000, 6);
    expect(units['赵六']!.annual).toBeCloseTo(600_000, 6);
  });

  it('gives every level its target to date, collections, ratio and colour', () => {
    const months = 2 + 15 / 31;
    const expectUnit = (name: string, target: number, actual: number, band: string) => {
      const u = units[name]!;
      expect(u.target, name).toBeCloseTo(target, 4);
      expect(u.actual, name).toBeCloseTo(actual, 6);
      expect(u.ratio, name).toBeCloseTo((100 * actual) / target, 6);
      expect(u.band, name).toBe(band);
    };
    expectUnit('张三', 60_000 * months, 150_000, 'green');
    expectUnit('李四', 20_000 * months, 30_000, 'red');
    expectUnit('王五', 20_000 * months, 40_000, 'yellow');
    expectUnit('华东一组', 80_000 * months, 180_000, 'green');
    expectUnit('华东二组', 20_000 * months, 40_000, 'yellow');
    expectUnit('华东', 100_000 * months, 220_000, 'yellow');
    expectUnit('华南', 50_000 * months, 80_000, 'red');
    expectUnit('赵六', 50_000 * months, 80_000, 'red');
    expectUnit('集团', 150_000 * months, 300_000, 'yellow');
  });

  it('names the gap and its largest contributors one level down', () => {
    const east = units['华东']!;
    expect(east.gap).toBeCloseTo(28_387.0968, 3);
    expect(east.contributors.map((c) => c.name)).toEqual(['华东一组', '华东二组']);
    expect(east.contributors[0]!.gap).toBeCloseTo(18_709.6774, 3);
    expect(east.contributors[0]!.share).toBeCloseTo(65.909, 2);
    expect(east.contributors[1]!.share).toBeCloseTo(34.091, 2);
    // A unit ahead of its target has no positive gap and names nobody below it who is ahead.
    expect(units['张三']!.gap).toBeLessThan(0);
    expect(units['华东一组']!.contributors.map((c) => c.name)).toEqual(['李四']);
  });

  it('reports the rows it could not use by file:line and counts everything else', () => {
    expect(stderr).toContain('erp.csv:14: unreadable date "2026-02-30" in 回款日期');
    expect(stderr).toContain('erp.csv:15: 业务员 not found in the org export and no 业务员工号 on the row');
    expect(stderr).not.toContain('R16');
  });

  it('reads the same export saved as XLSX to the same numbers', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('回款');
    sheet.addRow(['回款明细表 统计日期：2025-01-01 至 2026-03-31']);
    for (const r of ERP) sheet.addRow(r.map((c) => c.replace(/^"|"$/g, '')));
    const dir = join(ws.home, 'xlsx');
    mkdirSync(dir);
    writeCsvExport(join(dir, 'org.csv'), ORG);
    await wb.xlsx.writeFile(join(dir, 'erp.xlsx'));
    ws.writeRule('targets.yaml', RULES.replace('erp.csv', 'erp.xlsx'));
    try {
      const r = await ws.radar('targets', 'show', '--level', 'person', '--now', NOW, '--json', '--inputs', dir);
      expect(r.code, r.stderr).toBe(0);
      const x = Object.fromEntries((JSON.parse(r.stdout) as typeof shown).units.map((u) => [u.name, u]));
      for (const name of Object.keys(units)) expect(x[name]!.actual, name).toBeCloseTo(units[name]!.actual, 6);
    } finally {
      ws.writeRule('targets.yaml', RULES);
    }
  });
});

describe('radar targets run: digests per head, red alerts once', () => {
  let emails: Awaited<ReturnType<Workspace['emails']>>;
  const to = (m: (typeof emails)[number]): string => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address ?? '';
  const mailTo = (addr: string) => emails.find((m) => to(m) === addr)!;

  beforeAll(async () => {
    const r = await ws.radar('targets', 'run', '--now', NOW, '--inputs', join(ws.home, 'inputs'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/turned red: 华南, 华南一组/);
    emails = await ws.emails();
  }, SLOW);

  it('sends each head one digest with the units they head and nothing else', () => {
    expect(emails.map(to).sort()).toEqual(['a-mgr@example.com', 'b-mgr@example.com', 'c-mgr@example.com', 'east-head@example.com', 'south-head@example.com', 'vp@example.com']);
    const east = mailTo('east-head@example.com').text!;
    for (const n of ['华东一组', '华东二组', '张三', '李四', '王五']) expect(east).toContain(n);
    expect(east).not.toContain('赵六');
    expect(east).not.toContain('华南');
    const a = mailTo('a-mgr@example.com').text!;
    expect(a).toContain('张三');
    // 李四 went red this week: marked (!) in the table (people get no alert of their own).
    expect(a).toContain('李四 (!): 3.0 万 / 5.0 万 = 60.4%, 缺口 2.0 万');
    for (const n of ['王五', '赵六', '华东二组']) expect(a).not.toContain(n);
    const vp = mailTo('vp@example.com').text!;
    for (const n of ['集团', '华东', '华南', '张三', '赵六']) expect(vp).toContain(n);
  });

  it('carries the gap chart as an inline PNG', async () => {
    const m = await simpleParser(readFileSync(join(ws.outbox, mailTo('east-head@example.com').file)), { keepCidLinks: true });
    const png = m.attachments.find((x) => x.contentType === 'image/png')!;
    expect(png.contentDisposition).toBe('inline');
    expect(String(m.html)).toContain(`src="cid:${png.cid}"`);
    // Two bars (华东一组, 华东二组): wide enough to read, one row each.
    const img = PNG.sync.read(png.content);
    expect(img.width).toBeGreaterThan(1000);
    expect(img.height).toBeGreaterThan(100);
  });

  it('alerts the heads of a unit that turned red, and not again while it stays red', async () => {
    const south = mailTo('south-head@example.com');
    expect(south.subject).toContain('华南');
    expect(south.text).toContain('华南 转为红色：截至 2026-03-15 达成 64%');
    expect(mailTo('c-mgr@example.com').text).toContain('华南一组 转为红色');
    expect(mailTo('east-head@example.com').text).not.toContain('转为红色：');
    const again = await ws.radar('targets', 'run', '--now', '2026-03-23T09:00+08:00', '--inputs', join(ws.home, 'inputs'));
    expect(again.stdout).toMatch(/turned red: none/);
  });

  it('traces a person\'s numbers to the rows of the export', async () => {
    const r = await ws.radar('targets', 'explain', '李四', '--now', NOW, '--inputs', join(ws.home, 'inputs'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('李四: 24.0 万 a year (share of 华东一组 by collections 2025-01..2025-12: 20.0 万 of 80.0 万)');
    expect(r.stdout).toMatch(/erp\.csv:8 +2026-01-06 +R6 +乙公司 +2\.0 万/);
    expect(r.stdout).toMatch(/erp\.csv:12 +2026-02-06 +R10 +乙公司 +1\.0 万/);
    expect(r.stdout).toContain('actual to date 3.0 万 / target 5.0 万 = 60.4% (red)');
  });
});
