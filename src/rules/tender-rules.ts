import { createHash } from 'node:crypto';
import { z } from 'zod';
import { stringOrNull } from '../core/values.js';
import { regionMapSchema } from './regions.js';

/** rules/tenders.yaml: which public tenders are worth a regional head's time, and where they go. */
export const tenderRulesSchema = z.strictObject({
  /** Our regions by province/city names (Chinese or English); jobs use the same map unless rules/jobs.yaml has its own. */
  regions: regionMapSchema,
  /** A tender must mention at least one of these (title, category or scope); empty = every tender. */
  include: z.array(z.string().min(1)).default([]),
  /** A tender mentioning any of these is skipped (维修, 物业 ...). */
  exclude: z.array(z.string().min(1)).default([]),
  /** Procurement categories to keep (货物, 工程, 服务 ...); empty = all. A tender without a category passes. */
  categories: z.array(z.string().min(1)).default([]),
  /** Smallest budget worth bidding for, in the budget's currency (CNY on Chinese sites); 0 = any. */
  min_budget: z.number().min(0).default(0),
  /** Skip tenders whose budget is not stated (default: let them through, the head decides). */
  require_budget: z.boolean().default(false),
  /** The deadline must be at least this many days away to be worth preparing a bid. */
  min_days_left: z.number().min(0).default(0),
  require_deadline: z.boolean().default(false),
  /** A reminder goes this many days before the deadline while the tender is still listed and open; 0 = none. */
  remind_days_before: z.number().min(0).default(3),
  /** Notices published longer ago than this are old news, even on a source's first run. */
  max_age_days: z.number().int().positive().default(30),
  /** Alert on matching open tenders on a source's first run too (they are news to the regional head). */
  alert_first_run: z.boolean().default(true),
  /** Words that mark a notice as closed or not an invitation (终止, 废标, 中标公告 ...). */
  closed_words: z
    .array(z.string().min(1))
    .default(['终止', '废标', '流标', '撤销', '取消', '暂停', '已截止', '已结束', '中标公告', '成交公告', '结果公告', '中标结果', '成交结果', '合同公告']),
});

export type TenderRules = z.output<typeof tenderRulesSchema>;

/** What the rules look at, already parsed by the kind. */
export interface TenderFacts {
  title: string | null;
  category: string | null;
  scope: string | null;
  status: string | null;
  budget: number | null;
  deadline: Date | null;
  publishedAt: Date | null;
}

export type TenderMatch =
  | { ok: true; keywords: string[]; daysLeft: number | null }
  | { ok: false; reason: string };

const DAY = 86_400_000;

function fold(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

/**
 * Keyword test that works without word spaces: CJK keywords match as substrings (ignoring any
 * spaces in either), Latin ones on word boundaries so "AC" is not found in "academy".
 */
export function containsKeyword(text: string | null | undefined, keyword: string): boolean {
  if (typeof text !== 'string' || text === '') return false;
  const k = fold(keyword).trim();
  if (k === '') return false;
  const t = fold(text);
  if (/^[\x00-\x7f]+$/.test(k)) {
    const body = k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s*');
    return new RegExp(`(?<![a-z0-9])${body}(?![a-z0-9])`).test(t);
  }
  return t.replace(/\s+/g, '').includes(k.replace(/\s+/g, ''));
}

export function keywordsIn(text: string, keywords: readonly string[]): string[] {
  return keywords.filter((k) => containsKeyword(text, k));
}

/** Is the notice still an open invitation (not terminated, not an award)? */
export function isOpen(f: Pick<TenderFacts, 'title' | 'status' | 'deadline'>, rules: TenderRules, now: Date): boolean {
  if (f.deadline && f.deadline.getTime() <= now.getTime()) return false;
  const text = [f.title, f.status].filter(Boolean).join(' ');
  return keywordsIn(text, rules.closed_words).length === 0;
}

/** Whether a new tender is worth an alert, and why not when it is not (for `radar try` and tests). */
export function matchTender(f: TenderFacts, rules: TenderRules, now: Date): TenderMatch {
  const text = [f.title, f.category, f.scope].filter(Boolean).join(' ');
  if (!isOpen(f, rules, now)) return { ok: false, reason: f.deadline && f.deadline <= now ? 'deadline passed' : 'closed or award notice' };
  const excluded = keywordsIn(text, rules.exclude);
  if (excluded.length) return { ok: false, reason: `excluded by ${excluded.join(', ')}` };
  const keywords = keywordsIn(text, rules.include);
  if (rules.include.length && keywords.length === 0) return { ok: false, reason: 'no include keyword' };
  if (rules.categories.length && f.category && keywordsIn(f.category, rules.categories).length === 0) {
    return { ok: false, reason: `category ${f.category} not in ${rules.categories.join(', ')}` };
  }
  if (f.budget === null) {
    if (rules.require_budget) return { ok: false, reason: 'no budget stated' };
  } else if (f.budget < rules.min_budget) return { ok: false, reason: `budget ${f.budget} below ${rules.min_budget}` };
  const daysLeft = f.deadline ? (f.deadline.getTime() - now.getTime()) / DAY : null;
  if (daysLeft === null) {
    if (rules.require_deadline) return { ok: false, reason: 'no deadline stated' };
  } else if (daysLeft < rules.min_days_left) return { ok: false, reason: `${daysLeft.toFixed(1)} days left, less than ${rules.min_days_left}` };
  if (f.publishedAt && now.getTime() - f.publishedAt.getTime() > rules.max_age_days * DAY) {
    return { ok: false, reason: `published more than ${rules.max_age_days} days ago` };
  }
  return { ok: true, keywords, daysLeft };
}

// ---------------------------------------------------------------------------------------------
// Identity across sites

const NOTICE_SUFFIX = /(?:的)?(?:(?:公开|邀请|二次|重新)?(?:招标|采购|竞争性磋商|竞争性谈判|询价|单一来源|比选|遴选|竞价)?(?:采购)?(?:公告|公示|邀请书|通知))+$/;

/** Letters and digits only (CJK kept), NFKC, upper case. */
function compact(s: string): string {
  return s.normalize('NFKC').toUpperCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

export function normaliseTenderNumber(n: string | null | undefined): string | null {
  if (typeof n !== 'string') return null;
  const c = compact(n);
  // "详见公告", "无": not a number.
  return c.length >= 4 && /\d/.test(c) ? c : null;
}

/** A title as two sites would both write it: no spaces or punctuation, no "…招标公告" tail, no "关于". */
export function normaliseTenderTitle(t: string | null | undefined): string | null {
  if (typeof t !== 'string') return null;
  let c = compact(t.replace(/[（(](?:第?[一二三四五六七八九十\d]+次|重新招标|二次)[）)]/g, ''));
  c = c.replace(/^关于/, '').replace(NOTICE_SUFFIX, '');
  return c === '' ? null : c;
}

export function normaliseBuyer(b: string | null | undefined): string | null {
  if (typeof b !== 'string') return null;
  const c = compact(b.replace(/[（(](?:采购人|招标人|盖章)[）)]/g, ''));
  return c === '' ? null : c;
}

/**
 * One key per tender, the same on every site that lists it: its tender number (项目编号), else
 * its normalised title + buyer, else its link. Long keys are hashed so alert ids stay short.
 */
export function tenderDedupeKey(d: { number?: unknown; title?: unknown; buyer?: unknown; url?: unknown }, fallback: string): string {
  const num = normaliseTenderNumber(stringOrNull(d.number));
  let key: string;
  if (num) key = `no:${num}`;
  else {
    const title = normaliseTenderTitle(stringOrNull(d.title));
    const buyer = normaliseBuyer(stringOrNull(d.buyer));
    key = title ? `t:${title}|${buyer ?? ''}` : `u:${stringOrNull(d.url) ?? fallback}`;
  }
  return key.length > 64 ? `${key.split(':')[0]}:#${createHash('sha256').update(key).digest('hex').slice(0, 20)}` : key;
}
