/**
 * The vocabulary of the health index: weekly per-person numbers the importer computes from the
 * exports, which metric formulas in rules/health.yaml combine. A new metric over these needs no
 * code; a new variable is a line here plus its row handler in import.ts.
 *
 * Every variable is a sum over the person's week, so a metric's `window_weeks` can add weeks up
 * and a ratio of two sums stays a proper rate.
 */
export type VariableKind = 'attendance' | 'activity' | 'followups' | 'leads' | 'customers' | 'deals' | 'chats';

export interface VariableInfo {
  /** Which export it comes from (coverage: a week no such export covers is unknown, not zero). */
  kinds: VariableKind[];
  zh: string;
  en: string;
}

export const VARIABLES = {
  workdays: { kinds: [], zh: '可工作日', en: 'workdays available' },
  activity_days: { kinds: ['activity'], zh: 'CRM 记录天数', en: 'days in the CRM activity export' },
  login_days: { kinds: ['activity'], zh: '登录天数', en: 'days with a CRM login' },
  logins: { kinds: ['activity'], zh: '登录次数', en: 'CRM logins' },
  tasks_done: { kinds: ['activity'], zh: '完成任务', en: 'tasks done' },
  tasks_overdue: { kinds: ['activity'], zh: '逾期任务', en: 'tasks overdue' },
  crm_leads: { kinds: ['activity'], zh: '线索（活动表）', en: 'leads (activity export)' },
  crm_visits: { kinds: ['activity'], zh: '拜访（活动表）', en: 'visits (activity export)' },
  new_customers: { kinds: ['activity'], zh: '新客户', en: 'new customers' },
  touches: { kinds: ['followups'], zh: '跟进次数', en: 'follow-ups' },
  visits: { kinds: ['followups'], zh: '拜访次数', en: 'visits' },
  visits_with_notes: { kinds: ['followups'], zh: '上传纪要的拜访', en: 'visits with notes uploaded' },
  customers_touched: { kinds: ['followups'], zh: '本周跟进客户数', en: 'customers followed up this week' },
  active_customers: { kinds: ['followups'], zh: '活跃客户（近 4 周有跟进）', en: 'active customers (followed up in the last 4 weeks)' },
  first_visits: { kinds: ['followups'], zh: '首次拜访', en: 'first visits' },
  first_visits_due: { kinds: ['followups'], zh: '48 小时期限到期的首访', en: 'first visits whose 48 h window ended' },
  first_visits_followed: { kinds: ['followups'], zh: '48 小时内有跟进的首访', en: 'first visits followed up within 48 h' },
  new_leads: { kinds: ['leads'], zh: '新线索', en: 'new leads' },
  leads_due: { kinds: ['leads', 'followups'], zh: '7 天期限到期的线索', en: 'leads whose 7-day window ended' },
  leads_second_touch: { kinds: ['leads', 'followups'], zh: '7 天内二次触达的线索', en: 'leads touched twice within 7 days' },
  records_created: { kinds: ['customers'], zh: '新建客户资料', en: 'customer records created' },
  required_fields: { kinds: ['customers'], zh: '必填字段', en: 'required fields' },
  required_filled: { kinds: ['customers'], zh: '已填必填字段', en: 'required fields filled' },
  stage_forward: { kinds: ['deals'], zh: '商机前进阶段数', en: 'deal stages moved forward' },
  stage_back: { kinds: ['deals'], zh: '商机后退阶段数', en: 'deal stages moved back' },
  deals_open: { kinds: ['deals'], zh: '周初在手商机', en: 'open deals at the start of the week' },
  deals_won: { kinds: ['deals'], zh: '赢单数', en: 'deals won' },
  deals_lost: { kinds: ['deals'], zh: '输单数', en: 'deals lost' },
  won_amount: { kinds: ['deals'], zh: '赢单金额（万元）', en: 'won amount (10k CNY)' },
  won_margin: { kinds: ['deals'], zh: '赢单毛利（万元）', en: 'won gross margin (10k CNY)' },
  chats: { kinds: ['chats'], zh: '客户聊天', en: 'customer chats' },
  replied_chats: { kinds: ['chats'], zh: '已回复聊天', en: 'chats replied' },
  reply_minutes: { kinds: ['chats'], zh: '首次回复总分钟', en: 'first-reply minutes (sum)' },
} as const satisfies Record<string, VariableInfo>;

export type Variable = keyof typeof VARIABLES;
export const VARIABLE_NAMES = Object.keys(VARIABLES) as Variable[];
export const V = Object.fromEntries(VARIABLE_NAMES.map((v, i) => [v, i])) as Record<Variable, number>;

/** One person-week: a slot per variable. */
export type WeekVars = Float64Array;
export const newWeekVars = (): WeekVars => new Float64Array(VARIABLE_NAMES.length);

/** Words of the formula language that are not variables. */
const KEYWORDS = new Set(['and', 'or', 'not', 'if', 'then', 'else', 'in', 'of', 'mod', 'true', 'false']);

/** The variable names a formula mentions (strings and function names left out). */
export function formulaIdentifiers(formula: string): string[] {
  const noStrings = formula.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const out = new Set<string>();
  for (const m of noStrings.matchAll(/'([^']+)'|(?<![0-9.])([A-Za-z_][A-Za-z0-9_.]*)(\s*\()?/g)) {
    if (m[1] !== undefined) out.add(m[1]);
    else if (m[2] !== undefined && m[3] === undefined && !KEYWORDS.has(m[2])) out.add(m[2]);
  }
  return [...out];
}
