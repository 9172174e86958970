/**
 * Column mapping: which header of an export is which field. Built-in presets cover the common
 * Chinese exports (DingTalk attendance, WeCom and CRM activity, the CRM customer-transfer log,
 * an HR roster and an org sheet); rules/signals.yaml can extend them or define new ones.
 *
 * Headers are matched after normalising (full-width to half-width, case, spaces, punctuation),
 * so "上班打卡时间", "上班 打卡时间" and "Check-in Time" can all be listed once.
 */
import type { Cell } from './table.js';
import type { PresetConfig, SourceKind } from './config.js';
import { RadarError } from '../core/errors.js';

export type Aliases = Record<string, string[]>;

export interface Preset {
  kind: SourceKind;
  /** field -> header aliases, most specific first. */
  columns: Aliases;
  /** A header row must map all of these; `a|b` means either. */
  required: string[];
}

const ID = ['工号', '员工工号', '员工编号', '人员编号', 'userid', '员工id', 'employeeid', 'employeeno', 'staffid', 'id'];
const NAME = ['姓名', '员工姓名', '成员', '成员姓名', 'name', 'employeename'];
const DEPT = ['部门', '所属部门', '部门名称', 'department', 'dept'];

const ATTENDANCE: Aliases = {
  employee_id: ID,
  name: NAME,
  department: DEPT,
  date: ['日期', '考勤日期', '工作日', 'date', 'workdate'],
  check_in: ['上班打卡时间', '上班1打卡时间', '上班时间', '签到时间', '首次打卡', 'checkin', 'checkintime', 'clockin'],
  check_out: ['下班打卡时间', '下班1打卡时间', '下班时间', '签退时间', '末次打卡', 'checkout', 'checkouttime', 'clockout'],
  status: ['打卡结果', '考勤结果', '上班1打卡结果', '考勤状态', '状态', 'status', 'result'],
};

const ACTIVITY: Aliases = {
  employee_id: ID,
  name: NAME,
  department: DEPT,
  date: ['日期', '统计日期', '时间', 'date', 'day'],
  calls: ['通话次数', '电话次数', '外呼次数', '通话数', '拨打电话', '电话', 'calls'],
  call_minutes: ['通话时长(分钟)', '通话时长分钟', '通话时长', 'callminutes'],
  messages: ['消息数', '发送消息数', '聊天消息数', '发消息数', '消息', 'messages', 'messagessent'],
  emails: ['邮件数', '发送邮件数', '邮件', 'emails', 'emailssent'],
  logins: ['登录', '登录次数', 'crm登录', 'logins'],
  visits: ['拜访', '拜访次数', '外勤拜访', '客户拜访', 'visits'],
  new_customers: ['新客户', '新增客户', '新建客户', 'newcustomers'],
  tasks_done: ['任务完成', '完成任务', 'tasksdone'],
  tasks_overdue: ['任务逾期', '逾期任务', 'tasksoverdue'],
  followups: ['跟进', '跟进次数', '跟进记录', 'followups'],
  leads: ['线索', '新增线索', 'leads'],
  opp_moves: ['商机推进', '商机阶段推进', '商机阶段变更', 'opportunitymoves'],
};

const TRANSFERS: Aliases = {
  customer: ['客户', '客户名称', 'customer'],
  from_owner: ['原负责人', '原跟进人', '转出人', '操作人', 'fromowner', 'from'],
  to_owner: ['新负责人', '接收人', '转入人', 'toowner', 'to'],
  time: ['时间', '操作时间', '日期', 'time', 'date'],
  operation: ['操作', '操作类型', 'operation', 'action'],
  count: ['数量', '客户数', 'count'],
};

const ROSTER: Aliases = {
  employee_id: ID,
  name: NAME,
  department: DEPT,
  role: ['岗位', '职位', '职务', 'role', 'title', 'jobrole'],
  region: ['区域', '大区', 'region'],
  hired: ['入职日期', 'hiredate', 'hired'],
  status: ['员工状态', '在职状态', '状态', 'status'],
  notice_date: ['离职申请日期', '提交离职日期', '申请离职日期', 'noticedate'],
  last_day: ['最后工作日', '预计离职日期', '离职日期', 'lastday'],
};

const ORG: Aliases = {
  employee_id: ID,
  name: NAME,
  department: DEPT,
  role: ['岗位', '职位', 'role', 'title'],
  region: ['区域', '大区', 'region'],
  team: ['团队', '小组', 'team'],
  manager_email: ['经理邮箱', '直属上级邮箱', '上级邮箱', 'manageremail'],
  manager_name: ['直属上级', '经理', '上级', 'manager'],
};

export const BUILTIN_PRESETS: Record<string, Preset> = {
  'dingtalk-attendance': { kind: 'attendance', columns: ATTENDANCE, required: ['date', 'employee_id|name'] },
  'wecom-activity': { kind: 'activity', columns: ACTIVITY, required: ['date', 'employee_id|name', 'calls|messages|emails'] },
  'crm-activity': { kind: 'activity', columns: ACTIVITY, required: ['date', 'employee_id|name', 'logins|visits|new_customers'] },
  'customer-transfer': { kind: 'transfers', columns: TRANSFERS, required: ['from_owner', 'time', 'operation'] },
  'hr-roster': { kind: 'roster', columns: ROSTER, required: ['employee_id'] },
  org: { kind: 'org', columns: ORG, required: ['employee_id'] },
};

const REQUIRED_BY_KIND: Record<SourceKind, string[]> = {
  attendance: ['date', 'employee_id|name'],
  activity: ['date', 'employee_id|name'],
  transfers: ['from_owner', 'time', 'operation'],
  roster: ['employee_id'],
  org: ['employee_id'],
};

/** Normalised header text: NFKC (full-width to ASCII), lower case, no spaces or separators. */
export function normHeader(h: Cell): string {
  if (h === null || h === undefined) return '';
  return String(h)
    .normalize('NFKC')
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[\s_\-:：·.*]/g, '');
}

const asList = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

/** Resolves a preset by name: a user preset (rules/signals.yaml) first, then a built-in one. */
export function resolvePreset(name: string, user: Record<string, PresetConfig>, where: string): Preset {
  const u = user[name];
  if (u) {
    const base = u.extends ? BUILTIN_PRESETS[u.extends] : undefined;
    if (u.extends && !base) throw new RadarError('config', `preset "${name}" extends unknown preset "${u.extends}"`, { where });
    const columns: Aliases = {};
    for (const [f, a] of Object.entries(base?.columns ?? {})) columns[f] = [...a];
    for (const [f, a] of Object.entries(u.columns)) columns[f] = [...asList(a), ...(columns[f] ?? [])];
    return { kind: u.kind, columns, required: base?.required ?? REQUIRED_BY_KIND[u.kind] };
  }
  const b = BUILTIN_PRESETS[name];
  if (!b) {
    const known = [...Object.keys(BUILTIN_PRESETS), ...Object.keys(user)].join(', ');
    throw new RadarError('config', `unknown preset "${name}" (known: ${known})`, { where });
  }
  return b;
}

/** Adds per-file header overrides in front of a preset's aliases. */
export function withOverrides(p: Preset, columns: Record<string, string | string[]> | undefined): Preset {
  if (!columns) return p;
  const merged: Aliases = {};
  for (const [f, a] of Object.entries(p.columns)) merged[f] = [...a];
  for (const [f, a] of Object.entries(columns)) merged[f] = [...asList(a), ...(merged[f] ?? [])];
  return { ...p, columns: merged };
}

/** field -> column index, for one header row. */
export type ColumnIndex = Record<string, number>;

/** Maps a header row; every field takes the first alias found, each column is used once. */
export function mapHeader(header: Cell[], p: Preset): ColumnIndex {
  const norm = header.map(normHeader);
  const taken = new Set<number>();
  const index: ColumnIndex = {};
  // Fields are tried in preset order and a column is never used twice, so the order of a
  // preset's fields settles conflicts (e.g. "日期" is the date, not the transfer time, when both exist).
  for (const [field, aliases] of Object.entries(p.columns)) {
    for (const a of aliases) {
      const i = norm.indexOf(normHeader(a));
      if (i >= 0 && !taken.has(i)) {
        index[field] = i;
        taken.add(i);
        break;
      }
    }
  }
  return index;
}

export function missingRequired(index: ColumnIndex, p: Preset): string[] {
  return p.required.filter((r) => !r.split('|').some((f) => index[f] !== undefined));
}

/**
 * How far down we look for the header: exports often start with a title line
 * ("考勤报表 2026-11-01 至 2026-11-30") or notes before the real header.
 */
export const HEADER_SCAN_ROWS = 20;
