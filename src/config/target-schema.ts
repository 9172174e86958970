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

/** Page or offset parameter, incremented until a page has no items or max_pages is reached. */
const paginateSchema = z.strictObject({
  param: z.string().min(1).describe('Query parameter (GET) or body field (POST with a mapping body), e.g. page or offset'),
  start: z.number().int().min(0).default(1),
  step: z.number().int().positive().default(1).describe('1 for page numbers; the page size for offsets'),
});

const waitMs = z.number().int().min(0).max(60_000);
/** A step whose element only sometimes shows (a cookie banner, a pop-up answered once per session): skipped when it is not there. */
const optional = z.boolean().optional().describe('skip this step when its element is not on the page (it waits at most 3 s for it); without it, a missing element fails the run');
/** Browser steps, run in order before the page is read. */
export const stepSchema = z.union(
  [
    z.strictObject({ click: selector, times: z.number().int().positive().max(200).default(1), wait_ms: waitMs.default(3000), optional }),
    z.strictObject({ scroll: z.number().int().positive().max(200), wait_ms: waitMs.default(3000) }),
    z.strictObject({ fill: selector, value: z.string(), submit: z.boolean().default(false), wait_ms: waitMs.default(0), optional }),
    z.strictObject({ select: selector, value: z.string(), wait_ms: waitMs.default(0), optional }),
    z.strictObject({ wait_for: selector, timeout_ms: waitMs.optional(), optional }),
    z.strictObject({ wait_ms: waitMs }),
  ],
  { error: 'expected a step: { click }, { scroll }, { fill, value }, { select, value }, { wait_for } or { wait_ms }' },
);
export type BrowserStep = z.output<typeof stepSchema>;

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
  proxy: z.string().optional().describe('http(s)://[user:pass@]host:port, may use ${ENV_VAR}; "direct" ignores RADAR_PROXY/HTTPS_PROXY'),
  ignore_robots: z.boolean().default(false).describe('Fetch even where robots.txt disallows it (logged on every run)'),
  check_complete: z.boolean().default(true).describe('Fail a page whose HTML stops before </html>; false only for a site that never closes its pages'),
  min_interval_ms: z.number().int().min(0).optional(),
  retries: z.number().int().min(0).max(10).default(2).describe('Retries for network errors, timeouts, 5xx, 408 and 429'),
  // http and json
  method: z.enum(['GET', 'POST']).default('GET'),
  body: z
    .union([z.string(), z.record(z.string(), z.unknown())], { error: 'expected a string or a mapping (sent as JSON)' })
    .optional()
    .describe('Request body; a mapping is sent as JSON. Values may use ${ENV_VAR}'),
  paginate: paginateSchema.optional(),
  // browser
  wait_for: selector.optional().describe('Browser: wait until this selector is on the page'),
  wait_timeout_ms: z.number().int().positive().max(300_000).default(15_000),
  steps: z.array(stepSchema).default([]).describe('Browser: actions before reading the page'),
  block_resources: z
    .array(z.enum(['image', 'font', 'media', 'stylesheet', 'script', 'xhr', 'fetch', 'websocket', 'other', 'tracker']))
    .default(['image', 'font', 'media', 'tracker'])
    .describe('Browser: resource types not loaded; tracker = analytics and ad scripts ([] loads everything)'),
}).superRefine((f, ctx) => {
  const only = (field: string, mode: string) => ctx.addIssue({ code: 'custom', path: [field], message: `only used with mode: ${mode}` });
  if (f.mode !== 'browser') {
    if (f.wait_for !== undefined) only('wait_for', 'browser');
    if (f.steps.length) only('steps', 'browser');
  } else if (f.body !== undefined || f.method !== 'GET') only(f.body !== undefined ? 'body' : 'method', 'http or json');
  if (f.paginate && (f.pages || f.next)) ctx.addIssue({ code: 'custom', path: ['paginate'], message: 'use one of pages, next or paginate' });
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
  suspect_percent: z.number().positive().optional().describe('A move at least this large is held back until the next good run confirms it (rules/price.yaml suspect_when)'),
});

const stockDirection = z.strictObject({ alert: z.boolean().optional(), after_runs: z.number().int().min(1).max(100).optional() });
/** Per target: availability alerts on or off per direction, their debounce, and which items. */
const stockSchema = z.strictObject({
  back_in_stock: stockDirection.optional(),
  out_of_stock: stockDirection.optional(),
  items: z.array(z.union([z.string(), z.number()])).optional().describe('Only these item keys (default: every item)'),
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
  stock: stockSchema.optional().describe('Availability alerts (back in stock, out of stock) for this target; default: rules/price.yaml stock'),
  detail: detailSchema.optional(),
  time_zone: z.string().refine(isValidTimeZone, 'expected an IANA time zone like Asia/Shanghai').optional().describe('Zone of dates on the site (default Asia/Shanghai)'),
  history_limit: z.number().int().positive().max(10_000).default(100),
  requires: z
    .strictObject({
      proxy_group: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected a group name like "east" (lower-case letters, digits, - and _)').describe('Only workers started with --proxy-group <name> run this target'),
    })
    .optional()
    .describe('Distributed mode (radar worker): what a worker must offer to run this target; browser targets need a --browser worker anyway'),
}).superRefine((t, ctx) => {
  // JSON has no markup to fall back on: items must say where they are.
  if (t.fetch.mode === 'json' && !t.items) ctx.addIssue({ code: 'custom', path: ['items'], message: 'required with fetch.mode: json (paths into the JSON, e.g. each: "data.list[*]")' });
});

export type TargetInput = z.input<typeof targetSchema>;
export type Target = z.output<typeof targetSchema> & { file: string };
export type PageRange = { from: number; to: number };
