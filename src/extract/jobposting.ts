/**
 * schema.org `JobPosting` from JSON-LD blocks: bare, in arrays, in `@graph`, in an `ItemList`
 * (`itemListElement` → `ListItem.item`) or under `mainEntity`.
 *
 * Never throws: broken JSON-LD blocks are repaired when cheap (HTML comments, CDATA, trailing
 * commas, raw newlines in strings) and skipped otherwise.
 *
 * Heuristics (one line each):
 * - A node counts when its `@type` (string or array, any prefix like `schema:`) is `JobPosting`.
 * - `title` falls back to `name`; `url` is resolved against the page and falls back to the page URL.
 * - The first `jobLocation` with an address gives city/region/country; a plain string location is the city.
 * - `baseSalary` without `unitText` gets its period from `inferSalaryPeriod`; a string is parsed by
 *   `parseSalary`; `estimatedSalary` is used when `baseSalary` is missing.
 * - `employmentType` arrays are joined with ', '.
 */
import type { CheerioAPI } from 'cheerio';
import { parseDate } from '../parse/date.js';
import { loadHtml, releaseDocument } from './selector.js';
import { completeSalary, inferSalaryPeriod, parseSalary, type Salary, type SalaryPeriod } from '../parse/salary.js';

export interface JobPostingData {
  title: string | null;
  company: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  salary: Salary | null;
  datePosted: Date | null;
  validThrough: Date | null;
  url: string | null;
  employmentType: string | null;
}

export interface JobPostingOptions {
  /** The page URL: base for relative links and fallback for `url`. */
  url: string;
  /** Zone for dates without an offset; default Asia/Shanghai. */
  timeZone?: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasType(node: Obj, type: string): boolean {
  const t = node['@type'] ?? node['type'];
  const list = Array.isArray(t) ? t : [t];
  return list.some((x) => typeof x === 'string' && x.replace(/^.*[/#:]/, '').toLowerCase() === type.toLowerCase());
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

/** Plain text of a JSON-LD value: strings (tags stripped, entities decoded), numbers, `{name}`/`{@value}`, first of an array. */
function text(v: unknown, depth = 0): string | null {
  if (depth > 4) return null;
  if (typeof v === 'string') {
    const t = decodeEntities(v.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
    return t === '' ? null : t;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) {
    for (const x of v) {
      const t = text(x, depth + 1);
      if (t !== null) return t;
    }
    return null;
  }
  if (isObj(v)) return text(v['name'] ?? v['@value'] ?? v['value'], depth + 1);
  return null;
}

function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : null;
  if (typeof v === 'string') {
    const t = v.replace(/[,\s]/g, '');
    if (!/^\d+(\.\d+)?$/.test(t)) return null;
    const n = Number(t);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function periodFromUnit(u: unknown): SalaryPeriod | null {
  const t = text(u)?.toLowerCase();
  if (!t) return null;
  if (/hour|小时|时/.test(t)) return 'hour';
  if (/day|daily|天|日/.test(t)) return 'day';
  if (/week|周|週/.test(t)) return 'week';
  if (/month|月/.test(t)) return 'month';
  if (/year|annual|annum|年/.test(t)) return 'year';
  return null;
}

function salaryFrom(v: unknown, postingCurrency: string | null, depth = 0): Salary | null {
  if (depth > 4 || v === null || v === undefined) return null;
  if (Array.isArray(v)) {
    for (const x of v) {
      const s = salaryFrom(x, postingCurrency, depth + 1);
      if (s) return s;
    }
    return null;
  }
  if (typeof v === 'number' || (typeof v === 'string' && num(v) !== null)) {
    const n = num(v);
    if (n === null) return null;
    return completeSalary({ min: n, max: n, period: inferSalaryPeriod(n, postingCurrency), monthsPerYear: null, currency: postingCurrency, negotiable: false });
  }
  if (typeof v === 'string') {
    const s = parseSalary(v, postingCurrency ? { defaultCurrency: postingCurrency } : undefined);
    return s.min === null && s.max === null && !s.negotiable ? null : s;
  }
  if (!isObj(v)) return null;

  const currency = text(v['currency']) ?? postingCurrency;
  const inner = v['value'];
  let min: number | null = null;
  let max: number | null = null;
  let unit: unknown = v['unitText'];
  if (isObj(inner)) {
    min = num(inner['minValue']) ?? num(inner['value']);
    max = num(inner['maxValue']) ?? num(inner['value']);
    unit = inner['unitText'] ?? unit;
  } else if (inner !== undefined) {
    if (typeof inner === 'string' && num(inner) === null) {
      const s = parseSalary(inner, currency ? { defaultCurrency: currency } : undefined);
      if (s.min === null && s.max === null) return null;
      const p = periodFromUnit(unit);
      return p ? completeSalary({ ...s, period: p }) : s;
    }
    min = num(inner);
    max = min;
  } else {
    // Some sites put the range on the MonetaryAmount itself.
    min = num(v['minValue']);
    max = num(v['maxValue']);
  }
  if (min === null && max === null) return null;
  if (min !== null && max !== null && min > max) [min, max] = [max, min];
  const period = periodFromUnit(unit) ?? inferSalaryPeriod(max ?? min ?? 0, currency);
  return completeSalary({ min, max, period, monthsPerYear: null, currency: currency ? currency.toUpperCase() : null, negotiable: false });
}

interface Place {
  city: string | null;
  region: string | null;
  country: string | null;
}

function placeFrom(v: unknown, depth = 0): Place | null {
  if (depth > 4 || v === null || v === undefined) return null;
  if (Array.isArray(v)) {
    for (const x of v) {
      const p = placeFrom(x, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (typeof v === 'string') {
    const t = text(v);
    return t ? { city: t, region: null, country: null } : null;
  }
  if (!isObj(v)) return null;
  const addr = v['address'];
  if (addr !== undefined) {
    if (typeof addr === 'string') {
      const t = text(addr);
      if (t) return { city: t, region: null, country: null };
    } else if (Array.isArray(addr)) {
      const p = placeFrom(addr.map((a) => ({ address: a })), depth + 1);
      if (p) return p;
    } else if (isObj(addr)) {
      const p: Place = {
        city: text(addr['addressLocality']),
        region: text(addr['addressRegion']),
        country: text(addr['addressCountry']),
      };
      if (p.city || p.region || p.country) return p;
    }
  }
  // A PostalAddress given directly as jobLocation.
  if (v['addressLocality'] !== undefined || v['addressRegion'] !== undefined || v['addressCountry'] !== undefined) {
    const p: Place = { city: text(v['addressLocality']), region: text(v['addressRegion']), country: text(v['addressCountry']) };
    if (p.city || p.region || p.country) return p;
  }
  return null;
}

function resolveUrl(v: unknown, base: string): string | null {
  const u = text(v);
  try {
    if (u) return new URL(u, base).href;
  } catch {
    // fall through to the page URL
  }
  try {
    return typeof base === 'string' && base !== '' ? new URL(base).href : null;
  } catch {
    return typeof base === 'string' && base !== '' ? base : null;
  }
}

/** One JSON-LD node → JobPostingData, or null when it is not a `JobPosting`. */
export function jobPostingFromJsonLd(obj: unknown, opts: JobPostingOptions): JobPostingData | null {
  try {
    if (!isObj(obj) || !hasType(obj, 'JobPosting')) return null;
    const dateOpts = { timeZone: opts?.timeZone ?? 'Asia/Shanghai' };
    const postingCurrency = text(obj['salaryCurrency']);
    const place = placeFrom(obj['jobLocation']);
    const employment = obj['employmentType'];
    const employmentType = Array.isArray(employment)
      ? employment.map((e) => text(e)).filter((e): e is string => e !== null).join(', ') || null
      : text(employment);
    return {
      title: text(obj['title']) ?? text(obj['name']),
      company: text(obj['hiringOrganization']),
      city: place?.city ?? null,
      region: place?.region ?? null,
      country: place?.country ?? null,
      salary: salaryFrom(obj['baseSalary'], postingCurrency) ?? salaryFrom(obj['estimatedSalary'], postingCurrency),
      datePosted: parseDate(text(obj['datePosted']), dateOpts),
      validThrough: parseDate(text(obj['validThrough']), dateOpts),
      url: resolveUrl(obj['url'], opts?.url),
      employmentType,
    };
  } catch {
    return null;
  }
}

/** JobPosting nodes inside a parsed JSON-LD value. */
function collect(v: unknown, out: Obj[], depth = 0): void {
  if (depth > 12) return;
  if (Array.isArray(v)) {
    for (const x of v) collect(x, out, depth + 1);
    return;
  }
  if (!isObj(v)) return;
  if (hasType(v, 'JobPosting')) {
    out.push(v);
    return;
  }
  for (const key of ['@graph', 'itemListElement', 'item', 'mainEntity', 'mainEntityOfPage', 'hasPart']) {
    if (v[key] !== undefined) collect(v[key], out, depth + 1);
  }
}

/** JSON.parse with cheap repairs for what CMSs emit; undefined when still broken. */
export function parseJsonLoose(raw: string): unknown {
  let s = raw
    .trim()
    .replace(/^<!--/, '')
    .replace(/-->$/, '')
    .replace(/^\s*(?:\/\/\s*)?<!\[CDATA\[/, '')
    .replace(/(?:\/\/\s*)?\]\]>\s*$/, '')
    .trim()
    .replace(/;\s*$/, '');
  if (s === '') return undefined;
  try {
    return JSON.parse(s);
  } catch {
    // repair below
  }
  s = s.replace(/[\u0000-\u001f]+/g, ' ').replace(/,\s*([}\]])/g, '$1');
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** All JobPostings in the page's JSON-LD, in document order. A page already parsed is read as it is (and left to its owner to release). */
export function extractJobPostings(html: string | CheerioAPI, opts: JobPostingOptions): JobPostingData[] {
  try {
    if (typeof html === 'string' && html === '') return [];
    if (typeof html !== 'string' && typeof html !== 'function') return [];
    const parsedHere = typeof html === 'string';
    const $ = parsedHere ? loadHtml(html) : html;
    const out: JobPostingData[] = [];
    try {
      $('script').each((_, el) => {
        const type = ($(el).attr('type') ?? '').toLowerCase();
        if (!type.includes('ld+json')) return;
        const data = parseJsonLoose($(el).text());
        if (data === undefined) return;
        const nodes: Obj[] = [];
        collect(data, nodes);
        for (const n of nodes) {
          const j = jobPostingFromJsonLd(n, opts);
          if (j) out.push(j);
        }
      });
    } finally {
      if (parsedHere) releaseDocument($);
    }
    return out;
  } catch {
    return [];
  }
}
