/**
 * The follow-up SOP's hand-worked CRM export (now 2026-03-16 09:00: 张三 10001 owes K2 feedback, K4
 * a second touch, O4 is idle, K3 feedback is due; 王五 10003's O2 entered 意向 without its criteria
 * and is idle; 李四 10002 owes nothing; one row with an impossible date), written into a workspace.
 * Every item is worked out in test/sales/followup.test.ts; the WeCom test reads the same export.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Workspace } from './workspace.js';

/** When the reminders run. */
export const FOLLOWUP_NOW = '2026-03-16T09:00+08:00';

const ORG = [
  ['工号', '姓名', '区域', '团队', '直属上级', '经理邮箱', '邮箱'],
  ['10001', '张三', '华东', '华东一组', '甲经理', 'a-mgr@example.com', 's1@example.com'],
  ['10002', '李四', '华东', '华东一组', '甲经理', 'a-mgr@example.com', 's2@example.com'],
  ['10003', '王五', '华东', '华东二组', '乙经理', 'b-mgr@example.com', 's3@example.com'],
];
const ACTS = [
  ['活动时间', '负责人工号', '客户编号', '商机编号', '活动类型'],
  ['2026-01-10 10:00', '10002', 'K6', '', '首次拜访'],
  ['2026-02-08 10:00', '10001', 'K1', 'O1', '产品演示'],
  ['2026-03-01 10:00', '10002', 'K5', '', '首次拜访'],
  ['2026-03-01 18:00', '10002', 'K5', '', '拜访反馈'],
  ['2026-03-02 09:00', '10001', 'K4', '', '首次拜访'],
  ['2026-03-05 10:00', '10001', 'K4', '', '拜访反馈'],
  ['2026-03-06 10:00', '10002', 'K5', '', '拜访'],
  ['2026-03-10 10:00', '10001', 'K1', '', '首次拜访（上门）'],
  ['2026-03-11 09:00', '10001', 'K1', '', '拜访反馈'],
  ['2026-03-13 15:00', '10001', 'K2', '', '首次拜访'],
  ['2026-03-14 10:00', '10001', 'K1', '', '电话'],
  ['2026-03-14 14:00', '10001', 'K3', '', '首次拜访'],
  ['2026-03-15 10:00', '10001', 'K3', '', '微信'],
  ['2026-13-01 10:00', '10002', 'K9', '', '电话'],
  ['2026-03-20 10:00', '10001', 'K2', '', '拜访反馈'],
];
const OPPS = [
  ['变更时间', '商机编号', '商机名称', '客户编号', '负责人工号', '原阶段', '新阶段', '商机金额(万元)', '需求确认单', '方案评审', '报价单'],
  ['2026-01-05 10:00', 'O2', '王五项目', 'K7', '10003', '', '线索', '50', '', '', ''],
  ['2026-01-10 10:00', 'O4', '张三老项目', 'K8', '10001', '', '线索', '80', '', '', ''],
  ['2026-01-20 10:00', 'O2', '王五项目', 'K7', '10003', '线索', '意向', '50', '', '', ''],
  ['2026-02-01 10:00', 'O1', '张三项目', 'K1', '10001', '', '线索', '120', '', '', ''],
  ['2026-02-10 10:00', 'O1', '张三项目', 'K1', '10001', '线索', '意向', '120', '已签', '', ''],
  ['2026-02-20 10:00', 'O1', '张三项目', 'K1', '10001', '意向', '方案', '120', '', '通过', ''],
  ['2026-03-02 10:00', 'O3', '李四项目', 'K5', '10002', '', '线索', '30', '', '', ''],
  ['2026-03-05 10:00', 'O3', '李四项目', 'K5', '10002', '线索', '输单', '30', '', '', ''],
];
export const FOLLOWUP_RULES = `
inputs_dir: inputs
sources:
  - { path: org.csv, preset: org }
  - { path: acts.csv, preset: crm-activities }
  - { path: opps.csv, preset: crm-opportunity-log }
`;

const csv = (rows: string[][]): string => '\uFEFF' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n';

/** Writes the exports into <home>/inputs and `rules` as rules/followup.yaml; returns the inputs folder. */
export function writeFollowupExports(ws: Workspace, rules = FOLLOWUP_RULES): string {
  const dir = join(ws.home, 'inputs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'org.csv'), csv(ORG));
  writeFileSync(join(dir, 'acts.csv'), csv(ACTS));
  writeFileSync(join(dir, 'opps.csv'), csv(OPPS));
  ws.writeRule('followup.yaml', rules);
  return dir;
}
