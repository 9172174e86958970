/**
 * The monthly scorecard's hand-worked exports (February 2026, four 客户经理: 张三 and 李四 in
 * 华东一组 under a-mgr@example.com, 王五 and 赵六 in 华东二组 under b-mgr@example.com), written
 * into a workspace as the sales ops would leave them: the org export with a BOM, the ERP in GBK
 * under a title line, one unreadable satisfaction score. The numbers are worked out in
 * test/sales/scorecard.test.ts; the console tests read the same cards.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { Workspace } from './workspace.js';

/** When the job runs: February is the last complete month. */
export const SCORECARD_NOW = '2026-03-16T09:00+08:00';

const ORG = [
  ['工号', '姓名', '岗位', '区域', '团队', '经理邮箱', '邮箱'],
  ['10001', '张三', '客户经理', '华东', '华东一组', 'a-mgr@example.com', 's1@example.com'],
  ['10002', '李四', '客户经理', '华东', '华东一组', 'a-mgr@example.com', 's2@example.com'],
  ['10003', '王五', '客户经理', '华东', '华东二组', 'b-mgr@example.com', 's3@example.com'],
  ['10004', '赵六', '客户经理', '华东', '华东二组', 'b-mgr@example.com', 's4@example.com'],
];
const erp = (date: string, inv: string, id: string, amount: number, margin: number, n: number) => [date, `R${n}`, `客户${n}`, '华东', id, '', inv, String(amount), String(margin)];
const ERP = [
  ['回款日期', '回款单号', '客户名称', '区域', '业务员工号', '业务员', '开票日期', '回款金额(元)', '毛利(元)'],
  erp('2026-01-15', '2026-01-05', '10001', 40000, 5000, 1),
  erp('2026-01-15', '2026-01-05', '10002', 100000, 30000, 2),
  erp('2026-01-15', '2026-01-05', '10003', 60000, 10000, 3),
  erp('2026-01-15', '2026-01-05', '10004', 80000, 20000, 4),
  erp('2026-02-10', '2026-01-31', '10001', 100000, 30000, 5),
  erp('2026-02-10', '2026-01-21', '10002', 80000, 10000, 6),
  erp('2026-02-10', '2026-01-11', '10003', 60000, 20000, 7),
  erp('2026-02-10', '2025-12-02', '10004', 40000, 5000, 8),
];
const CUSTOMERS = [
  ['创建时间', '负责人工号', '客户编号'],
  ['2026-02-03 10:00', '10001', 'C1'],
  ['2026-02-04 10:00', '10002', 'C2'],
  ['2026-02-05 10:00', '10002', 'C3'],
  ['2026-02-06 10:00', '10002', 'C4'],
  ['2026-02-07 10:00', '10003', 'C5'],
  ['2026-02-08 10:00', '10003', 'C6'],
  ['2026-03-02 10:00', '10004', 'C7'],
];
const SAT = [
  ['回访日期', '负责人工号', '客户编号', '满意度'],
  ['2026-02-12', '10001', 'C1', '5'],
  ['2026-02-12', '10002', 'C2', '4'],
  ['2026-02-13', '10002', 'C3', '3'],
  ['2026-02-14', '10004', 'C9', '4'],
  ['2026-02-15', '10004', 'C9', '很满意'],
];
const RULES = `
inputs_dir: inputs
sources:
  - { path: org.csv, preset: org }
  - { path: erp.csv, preset: erp-collections }
  - { path: customers.csv, preset: crm-customers }
  - { path: sat.csv, preset: customer-satisfaction }
dimensions:
  - { id: collections, weight: 40, course: { zh: 回款管理与催收实务, en: Collections management } }
  - { id: margin, weight: 25, course: { zh: 价值销售与报价策略, en: Value selling } }
  - { id: new_customers, weight: 15, course: { zh: 新客户开发, en: Prospecting } }
  - { id: satisfaction, weight: 10, course: { zh: 客户服务与回访, en: Customer care } }
  - { id: compliance, weight: 10 }
collection_cycle:
  course: { zh: 商务谈判与回款条款, en: Negotiating payment terms }
`;

const csv = (rows: string[][]): string => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';

/**
 * Writes an export as the sales ops' tools save one: CRLF lines, UTF-8 with a BOM (Excel's
 * "CSV UTF-8"), or GBK without one (a Chinese ERP); `title` is the line some exports put above the
 * header (the period they cover). Cells are written as given: quote one that holds a comma.
 */
export function writeCsvExport(file: string, rows: string[][], opts: { title?: string; encoding?: 'utf-8' | 'gbk' } = {}): void {
  const text = (opts.title === undefined ? '' : opts.title + '\r\n') + csv(rows);
  writeFileSync(file, opts.encoding === 'gbk' ? iconv.encode(text, 'gbk') : '\uFEFF' + text);
}

/** Writes the exports into <home>/inputs and rules/scorecard.yaml; returns the inputs folder. */
export function writeScorecardExports(ws: Workspace): string {
  const dir = join(ws.home, 'inputs');
  mkdirSync(dir, { recursive: true });
  writeCsvExport(join(dir, 'org.csv'), ORG);
  writeCsvExport(join(dir, 'erp.csv'), ERP, { title: '回款明细 统计日期：2026-01-01 至 2026-03-15', encoding: 'gbk' });
  writeCsvExport(join(dir, 'customers.csv'), CUSTOMERS);
  writeCsvExport(join(dir, 'sat.csv'), SAT);
  ws.writeRule('scorecard.yaml', RULES);
  return dir;
}
