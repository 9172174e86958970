/**
 * A small set of CRM exports for two people in ISO week 2026-W47 (Mon 2026-11-16 .. Sun 11-22),
 * with a few rows in the weeks before, small enough that every metric can be worked out by hand
 * (the expected values and how they come about are in metrics.test.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_RULES = join(import.meta.dirname, '..', '..', 'rules');

const csv = (rows: (string | number)[][]): string => '\uFEFF' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n';

export function writeSmallExports(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const put = (name: string, rows: (string | number)[][]) => writeFileSync(join(dir, name), csv(rows));
  put('org.csv', [
    ['工号', '姓名', '部门', '团队', '区域', '直属上级', '经理邮箱', '邮箱'],
    [10001, '张三', '华东销售部', '华东一组', '华东', '王经理', 'mgr@example.com', 's1@example.com'],
    [10002, '李四', '华东销售部', '华东一组', '华东', '王经理', 'mgr@example.com', 's2@example.com'],
  ]);
  put('crm-activity.csv', [
    ['日期', '工号', '姓名', '登录', '任务完成', '任务逾期', '线索', '拜访', '新客户'],
    ['2026-11-16', 10001, '张三', 2, 3, 0, 0, 1, 0],
    ['2026-11-17', 10001, '张三', 0, 2, 1, 0, 1, 1],
    ['2026-11-18', 10001, '张三', 1, 4, 0, 1, 1, 0],
    ['2026-11-19', 10001, '张三', 3, 1, 2, 0, 1, 1],
    ['2026-11-20', 10001, '张三', 1, 2, 0, 0, 2, 0],
    ['2026-11-16', 10002, '李四', 1, 5, 0, 0, 0, 0],
    ['2026-11-17', 10002, '李四', 1, 5, 0, 0, 0, 0],
    ['2026-11-18', 10002, '李四', 1, 5, 0, 0, 0, 0],
  ]);
  put('crm-followups.csv', [
    ['跟进时间', '工号', '客户编号', '跟进方式', '跟进类型', '拜访纪要'],
    // Weeks before: only to make customers "active" (touched in the last four weeks).
    ['2026-10-26 10:00', 10001, 'C1', '电话', '', ''],
    ['2026-10-27 10:00', 10001, 'C2', '微信', '', ''],
    ['2026-11-03 10:00', 10001, 'C3', '电话', '', ''],
    ['2026-11-10 10:00', 10001, 'L1', '电话', '', ''],
    ['2026-11-11 10:00', 10001, 'L2', '微信', '', ''],
    ['2026-11-12 10:00', 10001, 'C1', '电话', '', ''],
    ['2026-11-13 15:00', 10001, 'L4', '电话', '', ''],
    ['2026-11-14 10:00', 10001, 'L1', '微信', '', ''],
    // W47
    ['2026-11-16 10:00', 10001, 'C4', '拜访', '首次拜访', '是'],
    ['2026-11-17 09:00', 10001, 'C4', '电话', '', ''],
    ['2026-11-17 14:00', 10001, 'C5', '拜访', '首次拜访', ''],
    ['2026-11-18 11:00', 10001, 'C1', '拜访', '', '是'],
    ['2026-11-19 15:00', 10001, 'C6', '拜访', '首次拜访', '无'],
    ['2026-11-19 16:00', 10001, 'L4', '微信', '', ''],
    ['2026-11-20 09:00', 10001, 'C6', '电话', '', ''],
    ['2026-11-20 10:00', 10001, 'C5', '电话', '', ''],
    ['2026-11-20 16:00', 10001, 'C7', '拜访', '首次拜访', '是'],
    ['2026-11-21 10:00', 10001, 'C8', '拜访', '首次拜访', '是'],
  ]);
  put('crm-leads.csv', [
    ['创建时间', '负责人工号', '线索编号', '线索来源'],
    ['2026-11-09 09:00', 10001, 'L1', '官网'],
    ['2026-11-10 10:00', 10001, 'L2', '展会'],
    ['2026-11-13 11:00', 10001, 'L4', '转介绍'],
    ['2026-11-16 10:00', 10001, 'L3', '官网'],
    ['2026-11-18 09:00', 10001, 'L5', '电话开发'],
  ]);
  put('crm-customers.csv', [
    ['创建时间', '负责人工号', '客户编号', '联系人', '联系电话', '行业', '地址', '客户来源', '客户级别'],
    ['2026-11-16 11:00', 10001, 'C4', '王经理', '13800000000', '制造', '浦东新区', '展会', 'A'],
    ['2026-11-17 15:00', 10001, 'C5', '李经理', '13900000000', '', '', '', ''],
    ['2026-11-19 16:00', 10001, 'C6', '赵经理', '13700000000', '贸易', '天河区', '官网', ''],
  ]);
  put('crm-opportunities.csv', [
    ['变更时间', '商机编号', '负责人工号', '原阶段', '新阶段', '商机金额(万元)', '毛利(万元)'],
    ['2026-11-02 10:00', 'D1', 10001, '', '线索', 20, ''],
    ['2026-11-03 10:00', 'D2', 10001, '', '意向', 30, ''],
    ['2026-11-04 10:00', 'D3', 10001, '', '方案', 50, ''],
    ['2026-11-05 10:00', 'D4', 10001, '', '谈判', 40, ''],
    ['2026-11-06 10:00', 'D5', 10001, '', '线索', 10, ''],
    ['2026-11-09 10:00', 'D7', 10001, '方案', '意向', 15, ''],
    ['2026-11-17 10:00', 'D1', 10001, '线索', '意向', 20, ''],
    ['2026-11-17 11:00', 'D6', 10001, '', '线索', 25, ''],
    ['2026-11-18 10:00', 'D2', 10001, '意向', '谈判', 30, ''],
    ['2026-11-19 10:00', 'D3', 10001, '方案', '赢单', 50, 12.5],
    ['2026-11-20 10:00', 'D4', 10001, '谈判', '输单', 40, ''],
  ]);
  put('wecom-customer-stats.csv', [
    ['日期', '工号', '姓名', '客户聊天数', '已回复聊天数', '平均首次回复时长(分钟)'],
    ['2026-11-16', 10001, '张三', 4, 4, 10],
    ['2026-11-17', 10001, '张三', 3, 3, 20],
    ['2026-11-18', 10001, '张三', 5, 4, 15],
    ['2026-11-19', 10001, '张三', 2, 2, 30],
    ['2026-11-20', 10001, '张三', 0, 0, ''],
  ]);
}

/**
 * rules/ for a test: the shipped health.yaml, optionally rewritten (e.g. every window to one
 * week and no minimum counts, so a week's value is that week's numbers alone).
 */
export function writeRules(dir: string, edit: (yaml: string) => string = (y) => y): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'health.yaml'), edit(readFileSync(join(REPO_RULES, 'health.yaml'), 'utf8')));
  writeFileSync(join(dir, 'signals.yaml'), readFileSync(join(REPO_RULES, 'signals.yaml'), 'utf8'));
  writeFileSync(join(dir, 'owners.yaml'), 'regions: {}\nops: [sales-ops@example.com]\nhr: [hr-partner@example.com]\n');
  return dir;
}

export const oneWeekWindows = (y: string): string => y.replace(/\n {4}window_weeks: \d+/g, '').replace(/\n {4}min_count: \{[^}]*\}/g, '');
