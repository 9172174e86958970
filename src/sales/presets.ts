/**
 * Column presets of the exports the sales analysers read, in the same form as the attrition and
 * health presets (src/signals/mapping.ts): field → header aliases, matched after normalising
 * (full-width, case, spaces, punctuation). A source in a rule file picks one with `preset:` and
 * can override single headers with `columns: { amount: 实收金额 }`.
 */
import { type Aliases, BUILTIN_PRESETS, HEALTH_PRESETS } from '../signals/mapping.js';
import type { Columns } from '../signals/rows.js';

const ID = ['工号', '员工工号', '员工编号', '人员编号', 'employeeid', 'employeeno', 'staffid'];
const OWNER_ID = [...ID, '业务员工号', '销售员工号', '负责人工号', '所有人工号', '销售工号'];
const CUSTOMER_ID = ['客户编号', '客户id', '客户代码', 'customerid', 'customerno'];

/** ERP / finance: one row per receipt (回款单). Amounts in 元 unless the header says 万元. */
const COLLECTIONS: Aliases = {
  date: ['回款日期', '收款日期', '到账日期', '回款时间', '单据日期', '日期', 'date', 'receiptdate'],
  receipt: ['回款单号', '收款单号', '单据编号', '凭证号', '单号', 'receiptno', 'receipt'],
  customer: [...CUSTOMER_ID, '客户名称', '客户', 'customer'],
  region: ['区域', '大区', '销售区域', 'region'],
  team: ['团队', '销售团队', '小组', 'team'],
  employee_id: OWNER_ID,
  name: ['业务员', '销售员', '负责人', '姓名', 'salesperson', 'name'],
  amount: ['回款金额(元)', '回款金额(万元)', '回款金额', '收款金额', '到账金额', '实收金额', '金额', 'amount'],
  margin: ['毛利(元)', '毛利(万元)', '毛利额', '毛利贡献', '毛利', 'grossmargin', 'margin'],
  invoiced: ['开票日期', '发票日期', '应收日期', 'invoicedate'],
};

/** CRM: one row per activity (visit, call, WeChat, demo, feedback entry). */
const ACTIVITIES: Aliases = {
  time: ['活动时间', '跟进时间', '拜访时间', '记录时间', '时间', 'time', 'datetime'],
  employee_id: OWNER_ID,
  name: ['负责人', '跟进人', '姓名', 'owner', 'name'],
  customer: [...CUSTOMER_ID, '线索编号', '客户名称', '客户', 'customer'],
  opportunity: ['商机编号', '商机id', 'opportunityid', 'dealid'],
  type: ['活动类型', '跟进类型', '类型', 'type'],
  method: ['跟进方式', '方式', '联系方式', 'method', 'channel'],
  notes: ['内容', '拜访纪要', '纪要', '备注', 'notes'],
};

/** CRM: one row per opportunity stage change (the stage history); extra columns may carry criteria (需求确认单 …). */
const OPPORTUNITY_LOG: Aliases = {
  time: ['变更时间', '阶段变更时间', '时间', 'time', 'changedat'],
  opportunity: ['商机编号', '商机id', 'opportunityid', 'dealid'],
  title: ['商机名称', '名称', 'title'],
  customer: [...CUSTOMER_ID, '客户名称', '客户', 'customer'],
  employee_id: OWNER_ID,
  name: ['负责人', '姓名', 'owner', 'name'],
  from_stage: ['原阶段', '变更前阶段', 'fromstage'],
  to_stage: ['新阶段', '变更后阶段', '阶段', '当前阶段', 'tostage', 'stage'],
  amount: ['商机金额(万元)', '预计金额(万元)', '商机金额', '金额', 'amount'],
};

/** Customer satisfaction survey (回访): one row per answer about a salesperson. */
const SATISFACTION: Aliases = {
  date: ['回访日期', '调查日期', '日期', 'date'],
  employee_id: OWNER_ID,
  name: ['负责人', '业务员', '姓名', 'name'],
  customer: [...CUSTOMER_ID, '客户名称', '客户', 'customer'],
  score: ['满意度', '满意度评分', '评分', '得分', 'score', 'rating'],
};

export const SALES_PRESETS = {
  'erp-collections': { columns: COLLECTIONS, required: ['date', 'amount', 'region|employee_id|name'] },
  'crm-activities': { columns: ACTIVITIES, required: ['time', 'employee_id|name', 'customer|opportunity'] },
  'crm-opportunity-log': { columns: OPPORTUNITY_LOG, required: ['time', 'opportunity', 'to_stage', 'employee_id|name'] },
  'customer-satisfaction': { columns: SATISFACTION, required: ['date', 'employee_id|name', 'score'] },
} satisfies Record<string, Columns>;

export type SalesPresetName = keyof typeof SALES_PRESETS | 'org' | 'crm-customers';

/** Every preset a sales rule file may name: its own, the org sheet and the CRM customer list of the health index. */
export function salesPreset(name: string): Columns | undefined {
  if (name in SALES_PRESETS) return SALES_PRESETS[name as keyof typeof SALES_PRESETS];
  if (name === 'org') return BUILTIN_PRESETS.org;
  if (name === 'crm-customers') return HEALTH_PRESETS['crm-customers'];
  return undefined;
}

export const SALES_PRESET_NAMES = [...Object.keys(SALES_PRESETS), 'org', 'crm-customers'];
