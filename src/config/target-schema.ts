import { z } from 'zod';
import { isValidTimeZone } from '../parse/date.js';

/** `1..5`, `3` (= 1..3) or a number. */
const pagesSchema = z
  .union([z.number({ error: 'expected "1..5" or a number' }).int().positive(), z.string().regex(/^\s*\d+\s*\.\.\s*\d+\s*$/, 'expected "1..5" or a number')], {
    error: 'expected "1..5" or a number',
  })
  .transform((v) => {
    if (typeof v === 'number') return { from: 1, to: v };
    const [a, b] = v.split('..').map((s) => Number(s.trim())) as [number, number];
    return { from: a, to: b };
  })
  .refine((r) => r.from >= 0 && r.to >= r.from, { message: 'expected a range like "1..5" with from ≤ to' })
  .refine((r) => r.to - r.from < 1000, { message: 'at most 1000 pages' });

/** A selector, optionally with `@attr`: `.price`, `a@href`, `@data-sku` (attribute of the item itself). */
const selector = z.string().min(1, 'expected a CSS selector like ".price" or "a@href"');

const fetchSchema = z.strictObject({
  url: z.string().min(1, 'expected a URL'),
  mode: z.enum(['http', 'browser', 'json']).default('http'),
  pages: pagesSchema.optional(),
  next: selector.optional().describe('Selector of the "next page" link, e.g. "a.next@href"'),
  max_pages: z.number().int().positive().max(1000).default(50),
  charset: z.string().default('auto').describe('auto reads the header and <meta>; or gbk, gb2312, gb18030, big5, utf-8 ...'),
  timeout_ms: z.number().int().positive().max(300_000).default(20_000),
  max_bytes: z.number().int().positive().default(10 * 1024 * 1024),
  max_redirects: z.number().int().min(0).max(20).default(5),
  headers: z.record(z.string(), z.string()).default({}),
  cookies: z.record(z.string(), z.string()).default({}).describe('Values may use ${ENV_VAR}'),
  proxy: z.string().optional().describe('http(s)://host:port, may use ${ENV_VAR}'),
  ignore_robots: z.boolean().default(false),
  min_interval_ms: z.number().int().min(0).optional(),
});

const itemsSchema = z.strictObject({
  each: selector,
  key: selector.optional().describe('Stable id of an item; falls back to its link'),
  fields: z.record(z.string(), selector).refine((f) => Object.keys(f).length > 0, { message: 'expected at least one field' }),
  required: z.array(z.string()).optional(),
});

/** Follow each new item's own page for what the listing does not show (a tender's budget and deadline). */
const detailSchema = z.strictObject({
  link: z.string().default('url').describe('Item field holding the detail page link'),
  fields: z
    .record(z.string(), selector)
    .default({})
    .describe('CSS selector ("td.budget", "meta[name=x]@content") or "label:预算金额|采购预算" for the text after a label'),
  max_per_run: z.number().int().positive().max(1000).default(30).describe('New items followed per run; the rest wait for the next run'),
});

const thresholdsSchema = z.strictObject({
  change_percent: z.number().min(0).optional(),
  change_abs: z.number().min(0).optional(),
});

export const targetSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected lower-case letters, digits, dot, dash or underscore'),
  kind: z.string().default('price'),
  competitor: z.string().min(1),
  region: z.string().min(1).describe('Routes alerts to the owners of this region (rules/owners.yaml)'),
  schedule: z.string().default('0 8 * * *'),
  enabled: z.boolean().default(true),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code like CNY').default('CNY'),
  locale: z.enum(['zh-CN', 'en']).optional(),
  fetch: fetchSchema,
  items: itemsSchema.optional(),
  thresholds: thresholdsSchema.optional(),
  detail: detailSchema.optional(),
  time_zone: z.string().refine(isValidTimeZone, 'expected an IANA time zone like Asia/Shanghai').optional().describe('Zone of dates on the site (default Asia/Shanghai)'),
  history_limit: z.number().int().positive().max(10_000).default(100),
});

export type TargetInput = z.input<typeof targetSchema>;
export type Target = z.output<typeof targetSchema> & { file: string };
export type PageRange = { from: number; to: number };
