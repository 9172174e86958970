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
  // When they joined: a new hire's sales target is pro-rated (src/sales/targets).
  hired: ['入职日期', 'hiredate', 'hired'],
  // The person's own address: only the health index's optional weekly card uses it.
  email: ['邮箱', '员工邮箱', '工作邮箱', 'email'],
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

/**
 * Event-level CRM exports read by the sales health index (src/health/), not by the attrition
 * importer: one row per follow-up, lead, customer record, deal stage change, or per person-day
 * of customer-chat statistics. Their kinds belong to the health importer.
 */
export type HealthSourceKind = 'followups' | 'leads' | 'customers' | 'deals' | 'chats';

export interface HealthPreset {
  kind: HealthSourceKind;
  columns: Aliases;
  required: string[];
}

const CUSTOMER_ID = ['客户编号', '客户id', '客户代码', 'customerid', 'customerno'];
// Event exports carry record ids too: a bare "ID" column is never taken for the employee number.
const OWNER_ID = [...ID.filter((a) => a !== 'id'), '负责人工号', '所有人工号'];

const FOLLOWUPS: Aliases = {
  time: ['跟进时间', '拜访时间', '记录时间', '时间', 'time', 'datetime'],
  employee_id: OWNER_ID,
  name: NAME,
  customer: [...CUSTOMER_ID, '线索编号', '客户', '客户名称', 'customer'],
  method: ['跟进方式', '方式', '联系方式', 'method', 'channel'],
  type: ['跟进类型', '拜访类型', '类型', 'type'],
  notes: ['拜访纪要', '纪要', '拜访记录', '备注', 'notes'],
};

const LEADS: Aliases = {
  created: ['创建时间', '线索创建时间', '时间', 'created', 'createdat'],
  employee_id: OWNER_ID,
  name: [...NAME, '负责人'],
  lead: ['线索编号', '线索id', 'leadid', 'lead'],
  source: ['线索来源', '来源', 'source'],
};

const CUSTOMERS: Aliases = {
  created: ['创建时间', '建档时间', 'created', 'createdat'],
  employee_id: OWNER_ID,
  name: ['负责人', ...NAME],
  customer: CUSTOMER_ID,
  customer_name: ['客户名称', '公司名称', 'customername'],
  contact: ['联系人', '联系人姓名', 'contact'],
  phone: ['联系电话', '电话', '手机', 'phone'],
  industry: ['行业', '所属行业', 'industry'],
  address: ['地址', '详细地址', 'address'],
  source: ['客户来源', '来源', 'source'],
  level: ['客户级别', '级别', 'level'],
};

const DEALS: Aliases = {
  time: ['变更时间', '阶段变更时间', '时间', 'time', 'changedat'],
  deal: ['商机编号', '商机id', 'dealid', 'opportunityid'],
  employee_id: OWNER_ID,
  name: ['负责人', ...NAME],
  from_stage: ['原阶段', '变更前阶段', 'fromstage'],
  to_stage: ['新阶段', '变更后阶段', '阶段', 'tostage', 'stage'],
  amount: ['商机金额(万元)', '金额(万元)', '商机金额', '金额', 'amount'],
  margin: ['毛利(万元)', '预计毛利(万元)', '毛利', 'grossmargin', 'margin'],
};

const CHATS: Aliases = {
  date: ['日期', '统计日期', 'date'],
  employee_id: OWNER_ID,
  name: NAME,
  chats: ['客户聊天数', '聊天总数', '聊天数', 'chats'],
  replied: ['已回复聊天数', '已回复聊天', 'repliedchats', 'replied'],
  reply_minutes: ['平均首次回复时长(分钟)', '平均首次回复时长', '平均回复时长(分钟)', 'avgfirstreplyminutes', 'avgreplyminutes'],
};

export const HEALTH_PRESETS: Record<string, HealthPreset> = {
  'crm-followups': { kind: 'followups', columns: FOLLOWUPS, required: ['time', 'employee_id|name', 'customer'] },
  'crm-leads': { kind: 'leads', columns: LEADS, required: ['created', 'employee_id|name', 'lead'] },
  'crm-customers': { kind: 'customers', columns: CUSTOMERS, required: ['created', 'employee_id|name', 'customer'] },
  'crm-opportunities': { kind: 'deals', columns: DEALS, required: ['time', 'deal', 'employee_id|name', 'to_stage'] },
  'wecom-customer-stats': { kind: 'chats', columns: CHATS, required: ['date', 'employee_id|name', 'chats'] },
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
export function mapHeader(header: Cell[], p: Pick<Preset, 'columns'>): ColumnIndex {
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

export function missingRequired(index: ColumnIndex, p: Pick<Preset, 'required'>): string[] {
  return p.required.filter((r) => !r.split('|').some((f) => index[f] !== undefined));
}

/**
 * How far down we look for the header: exports often start with a title line
 * ("考勤报表 2026-11-01 至 2026-11-30") or notes before the real header.
 */
export const HEADER_SCAN_ROWS = 20;
