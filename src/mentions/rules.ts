import { z } from 'zod';

const email = z.email({ error: 'expected an email address' });
const words = z.array(z.string().trim().min(1));

/** Someone whose mentions matter: a competitor, our own brand or product, a key customer. */
const watchSchema = z.strictObject({
  name: z.string().trim().min(1),
  role: z.enum(['competitor', 'brand', 'customer']),
  /** Other ways the name is written: 东岳空调, Dongyue, a product line. */
  aliases: words.default([]),
  /** Regions whose heads hear about it (competitors active there, a key customer's region); default: the region of the source. */
  regions: z.array(z.string().min(1)).optional(),
  /** People who hear about it as well (a key account's owner); our brand goes to `marketing` anyway. */
  notify: z.array(email).default([]),
});

/** The topics sales cares about; a rule file may add its own or replace a list. */
export const DEFAULT_TOPICS: Record<string, string[]> = {
  price_cut: ['降价', '直降', '降至', '打折', '折扣', '优惠', '促销', '让利', '价格战', '特价', '补贴', 'price cut', 'discount', 'cuts prices'],
  launch: ['发布', '新品', '上市', '首发', '推出', '发布会', '亮相', 'launch', 'launches', 'unveil', 'unveils', 'new model'],
  recall_quality: ['召回', '质量问题', '投诉', '故障', '缺陷', '漏水', '起火', '维权', '质检不合格', '抽检不合格', 'recall', 'recalls', 'recalled', 'defect', 'complaint', 'complaints', 'faulty'],
  lawsuit: ['起诉', '诉讼', '官司', '判决', '侵权', '仲裁', '立案', '被告', '原告', 'lawsuit', 'sued', 'sues', 'court'],
  executive: ['离职', '辞职', '卸任', '接任', '任命', '换帅', '总裁', '总经理', '董事长', 'CEO', 'steps down', 'resigns', 'appointed'],
  financing: ['融资', '募资', '增资', '投资方', '领投', '估值', '上市申请', 'IPO', 'funding', 'raises', 'financing'],
  contract_win: ['中标', '签约', '大单', '战略合作', '采购合同', '订单', 'wins contract', 'contract win', 'awarded'],
};

/** Words that glue onto a name without making it another word: 东岳空调 is about 东岳, 东岳庙 is not. */
export const DEFAULT_SUFFIXES = ['集团', '公司', '股份', '控股', '科技', '电器', '空调', '家电', '中央空调', '手机', '汽车', '品牌', '官方', '官微', '旗舰店', '专卖店', '门店', '售后', '客服', '产品', '新品', '员工', '总部'];

/** rules/mentions.yaml: who is watched in news and social media, and what about it is news. */
export const mentionRulesSchema = z.strictObject({
  /** Marketing: our brand's mentions, and urgent items about it. */
  marketing: z.array(email).default([]),
  watch: z.array(watchSchema).default([]),
  compound_suffixes: words.default(DEFAULT_SUFFIXES),
  tone: z
    .strictObject({
      /** Score at or below this is negative, at or above `positive_at` positive, in between neutral. */
      negative_at: z.number().max(0).default(-1),
      positive_at: z.number().min(0).default(1),
      /** Strongly negative (for urgent items). */
      strong_negative_at: z.number().max(0).default(-3),
      /** Added to (or overriding) the built-in lexicon: word → weight, e.g. { 爆雷: -2 }. */
      words: z.record(z.string().min(1), z.number().min(-5).max(5)).default({}),
    })
    .prefault({}),
  /** Topic id → words; listed topics replace the built-in list of that id, others are added. */
  topics: z.record(z.string().regex(/^[a-z0-9_]+$/, 'expected a topic id like price_cut'), words).default({}),
  stories: z
    .strictObject({
      /** Which stories reach the digest: negative ones, ones with a topic, positive ones, or all. */
      alert_when: z.array(z.enum(['negative', 'topic', 'positive', 'any'])).default(['negative', 'topic']),
      /** SimHash bits (of 64) two texts may differ in and still be one story. */
      max_distance: z.number().int().min(0).max(24).default(12),
      /** A repost this long after the story was first seen starts a new story. */
      window_days: z.number().min(1).max(60).default(7),
      /** Older mentions (by published time) are counted, never alerted: a new source's backlog is not news. */
      max_age_hours: z.number().min(1).default(48),
    })
    .prefault({}),
  spike: z
    .strictObject({
      /** Mentions a day ≥ factor × the daily average of the days before ... */
      factor: z.number().min(1).default(3),
      /** ... and at least this many. */
      min_mentions: z.number().int().min(1).default(5),
      baseline_days: z.number().int().min(2).max(90).default(14),
      /** Days of history needed before anything can spike (a series we only started watching cannot). */
      min_history_days: z.number().int().min(1).default(3),
    })
    .prefault({}),
  negative_burst: z
    .strictObject({
      /** Distinct negative stories a day (reposts of one story count once) ≥ factor × usual ... */
      factor: z.number().min(1).default(3),
      /** ... and at least this many. */
      min_stories: z.number().int().min(1).default(3),
    })
    .prefault({}),
  urgent: z
    .strictObject({
      /** Our brand, strongly negative and spreading: on at least this many sources ... */
      min_sources: z.number().int().min(1).default(3),
      /** ... or with at least this many reposts + comments in all. */
      min_engagement: z.number().int().min(1).default(1000),
    })
    .prefault({}),
  /** Days of processed mentions and daily counts kept. */
  keep_days: z.number().int().min(7).max(365).default(60),
});

export type MentionRules = z.output<typeof mentionRulesSchema>;
export type WatchEntry = MentionRules['watch'][number];

/** The topics in force: the built-in ones, with the rule file's lists replacing or adding. */
export function topicsOf(rules: MentionRules): Record<string, string[]> {
  return { ...DEFAULT_TOPICS, ...rules.topics };
}
