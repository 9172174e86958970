/**
 * rules/scorecard.yaml: the exports, the weighted dimensions of the monthly scorecard (collections
 * 40 %, gross-margin contribution 25 %, new customers 15 %, satisfaction 10 %, compliance 10 % by
 * default), who counts as a peer, the bands and the course for each weak dimension.
 */
import { z } from 'zod';
import { baseShape, bandsSchema, courseSchema, fail, readRuleFile } from '../rulefile.js';

export const DIMENSIONS = ['collections', 'margin', 'new_customers', 'satisfaction', 'compliance'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

const DimensionSchema = z.strictObject({
  id: z.enum(DIMENSIONS),
  /** Percent of the score; the weights add up to 100. */
  weight: z.number().positive().max(100),
  /** Suggested when this dimension is weak (below bands.yellow among peers). */
  course: courseSchema.optional(),
});

export const ScorecardConfigSchema = z.strictObject({
  ...baseShape,
  dimensions: z
    .array(DimensionSchema)
    .min(1)
    .default([
      { id: 'collections', weight: 40 },
      { id: 'margin', weight: 25 },
      { id: 'new_customers', weight: 15 },
      { id: 'satisfaction', weight: 10 },
      { id: 'compliance', weight: 10 },
    ]),
  /** Who a person is compared with: the same 岗位 (role), team, region, or everyone. */
  peers: z.enum(['role', 'team', 'region', 'all']).default('role'),
  /** Fewer peers with a value than this: the dimension is not scored for them. */
  min_peers: z.number().int().min(2).default(3),
  /** Bands of the 0–100 scores (a dimension's peer percentile, and the weighted total). */
  bands: bandsSchema(60, 40),
  /** A collection cycle (invoice → receipt, amount-weighted) this much above the peers' median suggests this course instead of the collections one. */
  collection_cycle: z
    .strictObject({
      above_median_percent: z.number().min(0).default(20),
      course: courseSchema.optional(),
    })
    .prefault({}),
  /** Managers (经理邮箱) get their team's heat map and rankings; each person gets their own card. */
  send: z
    .strictObject({
      people: z.boolean().default(true),
      managers: z.boolean().default(true),
    })
    .prefault({}),
});

export type ScorecardConfig = z.output<typeof ScorecardConfigSchema> & { file: string };

export function loadScorecardConfig(rulesDir: string): ScorecardConfig {
  const { data, src, file } = readRuleFile(rulesDir, 'scorecard.yaml', ScorecardConfigSchema, ['org', 'erp-collections']);
  const sum = data.dimensions.reduce((s, d) => s + d.weight, 0);
  if (Math.abs(sum - 100) > 1e-9) fail(src, ['dimensions'], `weights add up to ${sum}, not 100`);
  const seen = new Set<string>();
  data.dimensions.forEach((d, i) => {
    if (seen.has(d.id)) fail(src, ['dimensions', i, 'id'], `${d.id} is listed twice`);
    seen.add(d.id);
  });
  return { ...data, file };
}
