import type { Alert } from '../alerts/model.js';
import type { Rules } from '../config/rules-schema.js';
import type { Target } from '../config/target-schema.js';
import type { RawItem } from '../extract/items.js';
import { DEFAULT_TIME_ZONE, parseDate } from '../parse/date.js';
import { parseMoney } from '../parse/money.js';
import { resolveRegion } from '../rules/regions.js';
import { isOpen, keywordsIn, matchTender, tenderDedupeKey, tenderRulesSchema, type TenderFacts, type TenderRules } from '../rules/tender-rules.js';
import type { DecideContext, Decision, DetailPage, Item, ItemData, KindPlugin, NormaliseResult } from './types.js';
import { textOrNull } from '../core/values.js';

export interface TenderAlertPayload {
  change: 'new' | 'reminder';
  targetId: string;
  /** The site the notice was read from (the target's `competitor:`). */
  source: string;
  region: string;
  /** The place that decided the region (深圳, 广东), null when it fell back to the target's region. */
  place: string | null;
  dedupeKey: string;
  key: string;
  title: string | null;
  url: string | null;
  number: string | null;
  buyer: string | null;
  agency: string | null;
  category: string | null;
  budget: number | null;
  currency: string | null;
  /** ISO instants. */
  deadline: string | null;
  publishedAt: string | null;
  keywords: string[];
}

interface Seen {
  at: string;
  matched: boolean;
  alerted: boolean;
  deadline: string | null;
  reminded?: string;
}

const DAY = 86_400_000;

/** Labels Chinese tender notices use, most specific first; a target's `detail.fields` overrides any of them. */
export const TENDER_DETAIL_FIELDS: Readonly<Record<string, string>> = {
  number: 'label:项目编号|招标编号|采购项目编号|招标项目编号|采购编号|项目代码|标段编号',
  budget: 'label:预算金额|采购预算金额|项目预算金额|采购预算|项目预算|预算|最高限价|招标控制价|控制价',
  deadline: 'label:投标截止时间|提交投标文件截止时间|递交投标文件截止时间|响应文件提交截止时间|提交响应文件截止时间|投标文件递交截止时间|截止时间|开标时间',
  buyer: 'label:采购人名称|采购人|招标人名称|招标人|采购单位|建设单位',
  agency: 'label:采购代理机构名称|采购代理机构|招标代理机构名称|招标代理机构|代理机构',
  region: 'label:项目所在地区|项目所在地|所属地区|行政区划|项目地点|地区',
  category: 'label:采购类别|项目类别|品目|采购品目',
  scope: 'label:采购需求|采购内容|招标内容|招标范围|采购标的|项目概况',
  published: 'label:发布时间|公告日期|发布日期|公告时间',
};

export function tenderRules(rules: Rules): TenderRules {
  return (rules.kinds?.tender as TenderRules | undefined) ?? tenderRulesSchema.parse({});
}

function date(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Listing or detail fields → tender data (only the fields present). */
function parseTenderFields(f: Record<string, string | null | undefined>, target: Target, near?: Date | null): ItemData {
  const timeZone = target.time_zone ?? DEFAULT_TIME_ZONE;
  const out: ItemData = {};
  for (const k of ['title', 'url', 'number', 'buyer', 'agency', 'category', 'status', 'scope'] as const) {
    const v = f[k];
    if (v !== undefined && v !== null) out[k] = k === 'scope' ? v.slice(0, 500) : v;
  }
  if (f.region) out.regionText = f.region;
  const publishedText = f.published ?? f.date ?? null;
  const published = publishedText ? parseDate(publishedText, { timeZone }) : null;
  if (publishedText) {
    out.publishedText = publishedText;
    out.publishedAt = published?.toISOString() ?? null;
  }
  if (f.budget) {
    const m = parseMoney(f.budget, { defaultCurrency: target.currency });
    out.budgetText = f.budget;
    out.budget = m.amount;
    out.currency = m.currency ?? target.currency;
  }
  const deadlineText = f.deadline ?? f.opening ?? null;
  if (deadlineText) {
    // A deadline without a year is the one nearest the notice's publish date.
    const d = parseDate(deadlineText, { timeZone, ...((published ?? near) ? { near: (published ?? near)! } : {}) });
    out.deadlineText = deadlineText;
    out.deadline = d?.toISOString() ?? null;
  }
  return out;
}

export function tenderFacts(d: ItemData): TenderFacts {
  return {
    title: textOrNull(d.title),
    category: textOrNull(d.category),
    scope: textOrNull(d.scope),
    status: textOrNull(d.status),
    budget: typeof d.budget === 'number' ? d.budget : null,
    deadline: date(d.deadline),
    publishedAt: date(d.publishedAt),
  };
}

/** The region a tender goes to: the first place it names that the rules cover, else the source's region. */
function routeTender(d: ItemData, target: Target, rules: Rules): { region: string; place: string | null } {
  const m = resolveRegion([textOrNull(d.regionText), textOrNull(d.buyer), textOrNull(d.title), textOrNull(d.agency)], tenderRules(rules).regions);
  // A region nobody owns would land with sales ops: the source's own region is the better guess.
  return m.region && rules.owners.regions[m.region] ? { region: m.region, place: m.place } : { region: target.region, place: null };
}

function isTruncated(title: string): boolean {
  return /(\.\.\.|…)\s*$/.test(title);
}

/**
 * Public tenders (招标/采购公告): one notice per item, keyed by its tender number (项目编号) or
 * link; budget and deadline usually come from the detail page. A matching new tender alerts the
 * owners of its region once, and once more shortly before its deadline.
 */
/** The fields whose change counts (changedFields and the snapshot's fingerprints). */
const TENDER_CHANGE_FIELDS: readonly string[] = ['title', 'deadline', 'budget', 'status'];

export const tenderKind: KindPlugin = {
  name: 'tender',
  requiredFields: ['title'],
  fields: ['title', 'url', 'number', 'buyer', 'agency', 'category', 'status', 'scope', 'region', 'published', 'date', 'budget', 'deadline', 'opening'],
  describe: { zh: '招标公告', en: 'Public tenders' },
  rules: { file: 'tenders.yaml', schema: tenderRulesSchema },
  detailFields: TENDER_DETAIL_FIELDS,

  normalise(raw: RawItem, target: Target): NormaliseResult {
    const number = textOrNull(raw.fields.number);
    const key = number ? number.normalize('NFKC').trim() : raw.key;
    if (!key) return { ok: false, key: null, error: 'no key (give each tender a link, or a number field)' };
    const data: ItemData = { title: null, url: null, ...parseTenderFields(raw.fields, target) };
    for (const [k, v] of Object.entries(raw.fields)) if (!(k in data) && !['date', 'published', 'region', 'budget', 'deadline', 'opening'].includes(k)) data[k] = v;
    return { ok: true, item: { key, data } };
  },

  wantsDetail(item: Item, rules: Rules, now: Date): boolean {
    const r = tenderRules(rules);
    const f = tenderFacts(item.data);
    if (f.publishedAt && now.getTime() - f.publishedAt.getTime() > r.max_age_days * DAY) return false;
    if (!isOpen(f, r, now)) return false;
    // Excluded by the title alone: no budget or deadline on the notice can change that.
    return keywordsIn([f.title, f.category].filter(Boolean).join(' '), r.exclude).length === 0;
  },

  withDetail(item: Item, detail: DetailPage, target: Target): Item {
    const d = parseTenderFields(detail.fields, target, date(item.data.publishedAt));
    const data: ItemData = { ...item.data };
    for (const [k, v] of Object.entries(d)) {
      if (v === null || v === undefined) continue;
      // The listing's title is the notice's own; only a cut-off one gives way to the detail page's.
      if (k === 'title' && typeof data.title === 'string' && !isTruncated(data.title)) continue;
      if (k === 'url') continue;
      data[k] = v;
    }
    data.detailUrl = detail.url;
    return { key: item.key, data };
  },

  columns: ['title', 'budget', 'deadlineText', 'buyer', 'regionText', 'number'],

  explain(item: Item, target: Target, rules: Rules, now: Date): string {
    const r = tenderRules(rules);
    const m = matchTender(tenderFacts(item.data), r, now);
    if (!m.ok) return `skip: ${m.reason}`;
    const to = routeTender(item.data, target, rules);
    return `alert → ${to.region}${to.place ? ` (${to.place})` : ''}${m.keywords.length ? `: ${m.keywords.join(', ')}` : ''}`;
  },

  changeFields: TENDER_CHANGE_FIELDS,

  changedFields(prev: ItemData, next: ItemData): string[] | null {
    const fields = TENDER_CHANGE_FIELDS.filter((f) => (prev[f] ?? null) !== (next[f] ?? null));
    return fields.length ? fields : null;
  },

  decide(diff, ctx: DecideContext): Decision {
    const { target, now } = ctx;
    const rules = tenderRules(ctx.rules);
    const at = now.toISOString();
    const seen: Record<string, Seen> = { ...((ctx.state.seen as Record<string, Seen> | undefined) ?? {}) };
    const alerts: Alert<TenderAlertPayload>[] = [];
    const newNow = new Set<string>();

    const route = (d: ItemData) => routeTender(d, target, ctx.rules);
    const payload = (change: TenderAlertPayload['change'], key: string, d: ItemData, dk: string, keywords: string[]): TenderAlertPayload => {
      const r = route(d);
      return {
        change,
        targetId: target.id,
        source: target.competitor,
        region: r.region,
        place: r.place,
        dedupeKey: dk,
        key,
        title: textOrNull(d.title),
        url: textOrNull(d.url),
        number: textOrNull(d.number),
        buyer: textOrNull(d.buyer),
        agency: textOrNull(d.agency),
        category: textOrNull(d.category),
        budget: typeof d.budget === 'number' ? d.budget : null,
        currency: textOrNull(d.currency),
        deadline: textOrNull(d.deadline),
        publishedAt: textOrNull(d.publishedAt),
        keywords,
      };
    };
    const alert = (p: TenderAlertPayload): Alert<TenderAlertPayload> => ({
      // Stable per tender, not per run or site: the outbox keeps the first and ignores the rest.
      id: `tender:${p.dedupeKey}:${p.change}`,
      topic: 'tender',
      audience: { kind: 'region', region: p.region },
      createdAt: at,
      payload: p,
    });

    for (const item of diff.added) {
      const dk = tenderDedupeKey(item.data, item.key);
      if (seen[dk]) continue; // the same notice under a new link, or back after dropping off the list
      const m = matchTender(tenderFacts(item.data), rules, now);
      const alerting = m.ok && (ctx.hasBaseline || rules.alert_first_run);
      seen[dk] = { at, matched: m.ok, alerted: alerting, deadline: textOrNull(item.data.deadline) };
      if (!alerting || !m.ok) continue;
      alerts.push(alert(payload('new', item.key, item.data, dk, m.keywords)));
      newNow.add(dk);
    }

    if (rules.remind_days_before > 0) {
      for (const stored of diff.next.values()) {
        if (stored.missingRuns > 0) continue; // not on the list this run: maybe withdrawn
        const dk = tenderDedupeKey(stored.data, stored.key);
        const s = seen[dk];
        if (!s?.alerted || s.reminded || newNow.has(dk)) continue;
        const facts = tenderFacts(stored.data);
        const deadline = facts.deadline ?? date(s.deadline);
        if (!deadline || deadline.getTime() - now.getTime() > rules.remind_days_before * DAY) continue;
        if (!isOpen({ ...facts, deadline }, rules, now)) continue;
        alerts.push(alert(payload('reminder', stored.key, stored.data, dk, [])));
        seen[dk] = { ...s, deadline: deadline.toISOString(), reminded: at };
      }
    }

    return { alerts, state: { ...ctx.state, seen: prune(seen, now) } };
  },
};

/** Forget tenders long closed, so the state stays small; the outbox still knows their alert ids. */
function prune(seen: Record<string, Seen>, now: Date): Record<string, Seen> {
  const t = now.getTime();
  const kept = Object.entries(seen).filter(([, s]) => {
    const end = date(s.deadline)?.getTime() ?? (date(s.at)?.getTime() ?? t) + 180 * DAY;
    return end > t - 30 * DAY;
  });
  kept.sort((a, b) => b[1].at.localeCompare(a[1].at));
  return Object.fromEntries(kept.slice(0, 5000));
}
