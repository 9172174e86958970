/**
 * rules/targets.yaml: the collections export, how regions are tiered and how much each tier grows,
 * the adjustments per region with their reasons, the targets in force, the colours of attainment,
 * the forecast and who gets the weekly digest. Every error names file:line: field.
 */
import { z } from 'zod';
import { baseShape, bandsSchema, fail, readRuleFile } from '../rulefile.js';

const pct = z.number().finite();
const email = z.email();

const TierSchema = z.strictObject({
  name: z.string().min(1),
  /** Share of the regions in this tier, in percent, best first (A 20, B 50, C 30). */
  share: z.number().min(0).max(100),
  /** Growth band in percent [low, high]. */
  growth: z.tuple([pct, pct]),
});

const AdjustmentSchema = z.strictObject({
  /** Percentage points added to the tier's growth (+3 for a local subsidy, -2 for a competitor's price cut). */
  percent: pct,
  reason: z.string().min(1),
});

const TargetSetSchema = z.strictObject({
  /** Region name (as the exports write it) → annual target. */
  regions: z.record(z.string(), z.number().min(0)).default({}),
  /** Team name → annual target; teams not listed share the rest of their region's target. */
  teams: z.record(z.string(), z.number().min(0)).default({}),
  /** 工号 → annual target; people not listed share the rest of their team's target. */
  people: z.record(z.string(), z.number().min(0)).default({}),
});

export const TargetsConfigSchema = z.strictObject({
  ...baseShape,
  /** Month the fiscal year starts (1 = January). Quarters start with it. */
  fiscal_year_start: z.number().int().min(1).max(12).default(1),
  /** Unit of the targets written below: 万元 (10 000 CNY) or 元. */
  unit: z.enum(['万元', '元']).default('万元'),
  /** Months of collections a region is tiered on (and targets are split by). */
  history_months: z.number().int().min(3).max(36).default(12),
  tiers: z
    .array(TierSchema)
    .min(1)
    .default([
      { name: 'A', share: 20, growth: [8, 12] },
      { name: 'B', share: 50, growth: [12, 18] },
      { name: 'C', share: 30, growth: [18, 25] },
    ]),
  /** Where in its band a tier's growth is proposed, in percent of the band (0 = low end, 50 = middle). */
  growth_pick: z.number().min(0).max(100).default(50),
  /** Largest total adjustment per region, in percentage points either way. */
  max_adjustment: z.number().min(0).max(50).default(5),
  /** Region → adjustments, each with its reason (policy, subsidy, competitor moves). */
  adjustments: z.record(z.string(), z.array(AdjustmentSchema)).default({}),
  /** Fiscal year → the targets in force. */
  targets: z.record(z.string().regex(/^\d{4}$/, 'a fiscal year like 2026'), TargetSetSchema).default({}),
  /** Attainment is measured over the year, quarter or month to date. */
  period: z.enum(['ytd', 'qtd', 'mtd']).default('ytd'),
  /** How an annual target spreads over its months: evenly, or like the history months did. */
  split: z.enum(['even', 'history']).default('even'),
  bands: bandsSchema(90, 70),
  forecast: z
    .strictObject({
      months: z.number().int().min(1).max(12).default(6),
      /** Weights of the last months, oldest first: the newest weighs most. */
      weights: z.array(z.number().positive()).min(1).max(24).default([1, 2, 3, 4, 5, 6]),
      /** Months further than this many robust standard deviations (1.4826 × MAD) from the median are clipped to it. */
      outlier_mad: z.number().positive().default(3),
      /** Share (percent) of a quarter-end month's excess over its quarter's other two months spread back over the quarter. */
      quarter_end_spread: z.number().min(0).max(100).default(100),
    })
    .prefault({}),
  digest: z
    .strictObject({
      /** Group heads: they get the whole tree. */
      group: z.array(email).default([]),
      /** Region → heads, besides the region's owners in rules/owners.yaml. */
      regions: z.record(z.string(), z.array(email)).default({}),
      /** Team managers (经理邮箱 in the org export) get their teams. */
      team_managers: z.boolean().default(true),
      /** Largest contributors named per unit. */
      contributors: z.number().int().min(1).max(10).default(3),
      chart: z.boolean().default(true),
    })
    .prefault({}),
  alerts: z
    .strictObject({
      turned_red: z.boolean().default(true),
      forecast_below: z.boolean().default(true),
    })
    .prefault({}),
});

export type TargetsConfig = z.output<typeof TargetsConfigSchema> & { file: string };

export function loadTargetsConfig(rulesDir: string): TargetsConfig {
  const { data, src, file } = readRuleFile(rulesDir, 'targets.yaml', TargetsConfigSchema, ['erp-collections']);
  const share = data.tiers.reduce((s, t) => s + t.share, 0);
  if (Math.abs(share - 100) > 1e-9) fail(src, ['tiers'], `shares add up to ${share} %, not 100 %`);
  data.tiers.forEach((t, i) => {
    if (t.growth[0] > t.growth[1]) fail(src, ['tiers', i, 'growth'], `low end ${t.growth[0]} is above the high end ${t.growth[1]}`);
  });
  for (const [region, list] of Object.entries(data.adjustments)) {
    const sum = list.reduce((s, a) => s + a.percent, 0);
    if (Math.abs(sum) > data.max_adjustment + 1e-9) fail(src, ['adjustments', region], `adds up to ${sum > 0 ? '+' : ''}${sum} %, beyond ±${data.max_adjustment} % (max_adjustment)`);
  }
  return { ...data, file };
}
