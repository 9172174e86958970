/**
 * rules/compare.yaml (where our price list is and what counts as news) and rules/matches.yaml
 * (matches sales ops confirmed). Both optional: without a compare.yaml and without
 * data/pricelist.csv, price comparison is simply off.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { displayPath, validateSource, type Paths } from '../config/load.js';
import { readYamlSource } from '../config/yaml-source.js';

const percent = z.number().min(0).max(100);
const tableCadence = z.enum(['daily', 'weekly', 'alerts', 'off'], { error: 'expected daily, weekly, alerts or off' });
export type TableCadence = z.output<typeof tableCadence>;

export const compareRulesSchema = z.strictObject({
  price_list: z
    .strictObject({
      /** CSV (UTF-8, UTF-8 BOM or GBK) or XLSX; relative to the radar home. */
      file: z.string().min(1).default('data/pricelist.csv'),
      sheet: z.string().optional(),
      encoding: z.string().default('auto'),
      /** Currency of our prices when the list has no currency column. */
      currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code like CNY').default('CNY'),
      /** field → header in the file, where the headers differ from the built-in names. */
      columns: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
      /** region id → header of that region's price column. */
      region_columns: z.record(z.string(), z.string()).default({}),
    })
    .default({ file: 'data/pricelist.csv', encoding: 'auto', currency: 'CNY', columns: {}, region_columns: {} }),
  matches_file: z.string().default('rules/matches.yaml'),
  /** Competitor data older than this (a target failing for days) is left out rather than compared. */
  max_age_days: z.number().positive().default(3),
  /** Alert when a competitor is at least this much cheaper than us: `default` and per category. */
  undercut_percent: z.record(z.string(), percent).default({ default: 5 }),
  /** our SKU → a price no matched competitor product should go below (a MAP-style check). */
  floors: z.record(z.string(), z.number().positive()).default({}),
  most_expensive: z
    .strictObject({
      /** Alert when we are dearer than every competitor, once at least this many are matched. */
      min_competitors: z.number().int().min(1).default(2),
    })
    .default({ min_competitors: 2 }),
  fuzzy: z
    .strictObject({
      /** Title similarity (0..1) from which a fuzzy match is suggested; never used for alerts. */
      threshold: z.number().min(0).max(1).default(0.6),
    })
    .default({ threshold: 0.6 }),
  /** Suggest matches by standard code too (KFR-35GW/R1 ≈ KFR-35GW/N8): another model, so never alerted until confirmed. */
  model_series: z.boolean().default(true),
  /**
   * The 比价 table to each region's owners, news or not: the whole comparison of their region.
   * `send` for everyone, `owners` per address: daily, weekly (on `weekday`), alerts (only along
   * with an undercut, floor or most-expensive alert for the region) or off.
   */
  table: z
    .strictObject({
      send: tableCadence.default('daily'),
      /** For weekly: 1 = Monday ... 7 = Sunday (in rules/owners.yaml time_zone). */
      weekday: z.number().int().min(1).max(7).default(1),
      owners: z.record(z.string(), tableCadence).default({}),
      /** A competitor price from a good run older than this is marked stale in the table. */
      stale_after_hours: z.number().positive().default(36),
    })
    .prefault({}),
});

export type CompareRules = z.output<typeof compareRulesSchema>;

const entry = z.strictObject({
  our_sku: z.union([z.string().min(1), z.number()]).transform(String),
  competitor: z.string().min(1),
  key: z.union([z.string().min(1), z.number()]).transform(String),
  /** Only this target (when a competitor has several shops with the same keys). */
  target: z.string().optional(),
  note: z.string().optional(),
});

export const matchesSchema = z.strictObject({
  /** Confirmed: our SKU ≈ this competitor item. Always wins over automatic matching. */
  matches: z.array(entry).nullable().default([]).transform((v) => v ?? []),
  /** Never match these (a wrong automatic or suggested match that ops rejected). */
  rejected: z.array(entry).nullable().default([]).transform((v) => v ?? []),
});

export type MatchEntry = z.output<typeof entry> & { line: number };
export interface ExplicitMatches {
  file: string | null;
  matches: MatchEntry[];
  rejected: MatchEntry[];
}

export interface LoadedCompareRules {
  rules: CompareRules;
  /** Where the rules came from, or null for defaults. */
  file: string | null;
  priceListFile: string;
  /** Comparison is configured: a compare.yaml exists or the default price list does. */
  enabled: boolean;
}

function resolveIn(home: string, p: string): string {
  return isAbsolute(p) ? p : join(home, p);
}

/** Throws a RadarError naming file:line: field when compare.yaml is invalid. */
export function loadCompareRules(paths: Paths): LoadedCompareRules {
  const file = join(paths.rulesDir, 'compare.yaml');
  const exists = existsSync(file);
  const rules = exists ? validateSource(readYamlSource(file), compareRulesSchema) : compareRulesSchema.parse({});
  const priceListFile = resolveIn(paths.home, rules.price_list.file);
  return { rules, file: exists ? file : null, priceListFile, enabled: exists || existsSync(priceListFile) };
}

export function loadExplicitMatches(paths: Paths, rules: CompareRules): ExplicitMatches {
  const file = resolveIn(paths.home, rules.matches_file);
  if (!existsSync(file)) return { file: null, matches: [], rejected: [] };
  const src = readYamlSource(file);
  const parsed = validateSource(src, matchesSchema);
  const withLines = (list: 'matches' | 'rejected') => parsed[list].map((m, i) => ({ ...m, line: src.lineOf([list, i]) }));
  return { file: displayPath(file), matches: withLines('matches'), rejected: withLines('rejected') };
}

export function undercutPercent(rules: CompareRules, category: string | null): number {
  const byCat = rules.undercut_percent;
  return (category !== null ? byCat[category] : undefined) ?? byCat.default ?? 5;
}
