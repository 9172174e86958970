/**
 * rules/followup.yaml: the CRM exports, which activity types are a first visit, a feedback entry or
 * a touch, the stages 线索 → 意向 → 方案 → 谈判 → 成交 with how long an opportunity may sit in each
 * and what it needs to enter it, and the follow-up rules (feedback within 48 h of a first visit, a
 * second touch within 7 days). Every error names file:line: field.
 */
import { z } from 'zod';
import { baseShape, fail, readRuleFile } from '../rulefile.js';

const words = z.array(z.string().min(1)).min(1);

/** What an opportunity needs to enter a stage: an activity of a type before it, or a column of the stage-change row filled in. */
const CriterionSchema = z.union([
  z.strictObject({
    /** An activity of this type (substring, e.g. 产品演示) on the opportunity or its customer, at or before entering the stage. */
    activity: z.string().min(1),
    label: z.string().min(1).optional(),
  }),
  z.strictObject({
    /** A column of the opportunity log (the row that enters the stage), by its header text. */
    field: z.string().min(1),
    /** Values that count (substring); omitted = anything but empty. */
    values: words.optional(),
    label: z.string().min(1).optional(),
  }),
]);
export type Criterion = z.infer<typeof CriterionSchema>;

const StageSchema = z.strictObject({
  name: z.string().min(1),
  /** Days an open opportunity may stay in this stage before it is idle. Omitted: no limit. */
  max_days: z.number().positive().optional(),
  /** Entry criteria: each must hold when an opportunity enters the stage. */
  entry: z.array(CriterionSchema).default([]),
});

export const FollowupConfigSchema = z.strictObject({
  ...baseShape,
  activities: z
    .strictObject({
      first_visit: words.default(['首次拜访', '初次拜访', 'first visit']),
      feedback: words.default(['拜访反馈', '反馈', 'feedback']),
      /** Contacts that count as a touch after the first visit (calls, WeChat, visits, demos ...). */
      touch: words.default(['电话', '微信', '拜访', '上门', '演示', '会议', '邮件', 'call', 'visit', 'meeting']),
    })
    .prefault({}),
  rules: z
    .strictObject({
      feedback_hours: z.number().positive().default(48),
      second_touch_days: z.number().positive().default(7),
      /** Items due within this many hours are listed as due soon. */
      due_soon_hours: z.number().min(0).default(24),
      /** First visits older than this are not chased any more. */
      lookback_days: z.number().int().positive().default(30),
      idle: z.boolean().default(true),
      criteria: z.boolean().default(true),
    })
    .prefault({}),
  stages: z
    .array(StageSchema)
    .min(2)
    .default([
      { name: '线索', max_days: 21, entry: [] },
      { name: '意向', max_days: 30, entry: [{ activity: '产品演示' }, { field: '需求确认单', values: ['已签'] }] },
      { name: '方案', max_days: 30, entry: [{ field: '方案评审', values: ['通过'] }] },
      { name: '谈判', max_days: 45, entry: [{ field: '报价单' }] },
      { name: '成交', entry: [] },
    ]),
  /**
   * Where a rep opens a customer or an opportunity in the CRM: URL templates with {customer} /
   * {opportunity} (URL-encoded). They become the links on a reminder (the WeCom task card's rows).
   */
  links: z
    .strictObject({
      customer: z.string().regex(/^https?:\/\/\S*\{customer\}/, 'expected an http(s) URL with {customer} in it').optional(),
      opportunity: z.string().regex(/^https?:\/\/\S*\{opportunity\}/, 'expected an http(s) URL with {opportunity} in it').optional(),
    })
    .prefault({}),
  /** Stages that close an opportunity besides the last one (lost). */
  closed: words.default(['输单', '丢单', '关闭', 'lost']),
  summary: z
    .strictObject({
      /** The timeliness ranking counts first visits whose deadlines fell in the last this many days. */
      window_days: z.number().int().positive().default(28),
      /** The funnel counts opportunities that entered each stage in the last this many days. */
      funnel_days: z.number().int().positive().default(90),
    })
    .prefault({}),
});

export type FollowupConfig = z.output<typeof FollowupConfigSchema> & { file: string };

export function loadFollowupConfig(rulesDir: string): FollowupConfig {
  const { data, src, file } = readRuleFile(rulesDir, 'followup.yaml', FollowupConfigSchema, ['crm-activities', 'crm-opportunity-log']);
  const seen = new Set<string>();
  data.stages.forEach((s, i) => {
    if (seen.has(s.name)) fail(src, ['stages', i, 'name'], `"${s.name}" is listed twice`);
    seen.add(s.name);
  });
  return { ...data, file };
}
