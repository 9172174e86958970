import type { CheerioAPI } from 'cheerio';
import type { Alert } from '../alerts/model.js';
import type { Rules } from '../config/rules-schema.js';
import type { Target } from '../config/target-schema.js';
import type { RawItem } from '../extract/items.js';
import { extractJobPostings, type JobPostingData } from '../extract/jobposting.js';
import { DEFAULT_TIME_ZONE, parseDate } from '../parse/date.js';
import { parseSalary } from '../parse/salary.js';
import { detectSpike, isoWeek, jobRulesSchema, roleCategory, salaryRange, salaryShift, shiftWeek, weeksBetween, type JobRules, type SalaryRange } from '../rules/job-signals.js';
import { canonicalCity, resolveRegion, type RegionMap } from '../rules/regions.js';
import { tenderRules } from './tender.js';
import type { DecideContext, Decision, DetailPage, Item, ItemData, KindPlugin, NormaliseResult } from './types.js';
import { numberOrNull, textOrNull } from '../core/values.js';

export interface JobPostingRef {
  title: string;
  url: string | null;
  /** Pay as the site wrote it (15-25K·13薪), when it did. */
  salaryText: string | null;
  salaryMin: number | null;
  salaryMax: number | null;
  salaryPeriod: string | null;
  currency: string | null;
}

export interface JobAlertPayload {
  signal: 'spike' | 'new_city' | 'salary_shift';
  targetId: string;
  competitor: string;
  region: string;
  city: string;
  /** Role category id from rules/jobs.yaml (sales, engineering, support ...). */
  category: string;
  /** ISO week the signal is about (`2026-W48`). */
  week: string;
  /** New postings in the week (spike), or postings in the new city. */
  count: number;
  /** Average new postings per week before (spike only). */
  baseline: number | null;
  baselineWeeks: number | null;
  postings: JobPostingRef[];
  salary: { fromLo: number; fromHi: number; toLo: number; toHi: number; currency: string | null; pct: number } | null;
}

interface JobState {
  /** First week whose postings we could see (backdated by posting dates on the first run). */
  since: string | null;
  /** city|category → ISO week → new postings that week. */
  weeks: Record<string, Record<string, number>>;
  cities: string[];
  /** city|category → the salary range last alerted on (or first seen). */
  salary: Record<string, SalaryRange>;
}

export function jobRules(rules: Rules): JobRules {
  return (rules.kinds?.job as JobRules | undefined) ?? jobRulesSchema.parse({});
}

function regionMap(rules: Rules): RegionMap {
  return jobRules(rules).regions ?? tenderRules(rules).regions;
}


/**
 * A posting's link as its key: without fragment or tracking parameters. Not extract/items.ts's
 * canonical(): its list of tracking parameters differs, and changing either would re-key the items
 * already in snapshots (each would alert once as removed and once as new).
 */
function canonical(url: string): string {
  try {
    const u = new URL(url);
    u.hash = '';
    for (const p of [...u.searchParams.keys()]) if (/^(utm_|spm$|from$|ref$|source$)/i.test(p)) u.searchParams.delete(p);
    return u.toString();
  } catch {
    return url;
  }
}

/** JSON-LD JobPosting → raw item, numbers kept as numbers. */
function rawFromPosting(p: JobPostingData, pageUrl: string): RawItem {
  const s = p.salary;
  // Postings on one page without their own link would share the page URL as key.
  const key = p.url && p.url !== pageUrl ? canonical(p.url) : `${p.title ?? ''}|${p.city ?? ''}|${p.datePosted?.toISOString() ?? ''}`;
  return {
    key,
    fields: { title: p.title, url: p.url, city: p.city ?? p.region, company: p.company, date: p.datePosted?.toISOString() ?? null },
    extra: {
      region: p.region,
      employmentType: p.employmentType,
      salaryMin: s?.min ?? null,
      salaryMax: s?.max ?? null,
      salaryPeriod: s?.period ?? null,
      salaryCurrency: s?.currency ?? null,
      annualMin: s?.annualMin ?? null,
      annualMax: s?.annualMax ?? null,
    },
  };
}

/** Raw text fields (+ structured extras) → job data. */
function jobData(fields: Record<string, string | null | undefined>, extra: Record<string, unknown>, target: Target): ItemData {
  const timeZone = target.time_zone ?? DEFAULT_TIME_ZONE;
  const location = fields.city ?? fields.location ?? textOrNull(extra.region);
  const data: ItemData = {
    title: fields.title ?? null,
    url: fields.url ?? null,
    city: canonicalCity(location),
    location: location ?? null,
    company: fields.company ?? null,
  };
  const dateText = fields.date ?? fields.posted ?? null;
  if (dateText) data.datePosted = parseDate(dateText, { timeZone })?.toISOString() ?? null;
  if (numberOrNull(extra.annualMin) !== null || numberOrNull(extra.annualMax) !== null) {
    Object.assign(data, {
      salaryMin: numberOrNull(extra.salaryMin),
      salaryMax: numberOrNull(extra.salaryMax),
      salaryPeriod: textOrNull(extra.salaryPeriod),
      currency: textOrNull(extra.salaryCurrency),
      annualMin: numberOrNull(extra.annualMin),
      annualMax: numberOrNull(extra.annualMax),
    });
  } else if (fields.salary) {
    const s = parseSalary(fields.salary, { defaultCurrency: target.currency });
    Object.assign(data, { salaryText: fields.salary, salaryMin: s.min, salaryMax: s.max, salaryPeriod: s.period, currency: s.currency, annualMin: s.annualMin ?? null, annualMax: s.annualMax ?? null });
  }
  for (const [k, v] of Object.entries(fields)) if (!(k in data) && !['date', 'posted', 'salary', 'location'].includes(k) && v !== undefined) data[k] = v;
  return data;
}

/**
 * Competitors' job postings: one posting per item (listing selectors, a JSON API, or JSON-LD
 * JobPosting). Signals are about hiring, not single postings: a spike in new postings per
 * competitor × city × role, a first posting in a new city, and a shift in the salary range.
 */
/** The fields whose change counts (changedFields and the snapshot's fingerprints). */
const JOB_CHANGE_FIELDS: readonly string[] = ['title', 'city', 'annualMin', 'annualMax'];

export const jobKind: KindPlugin = {
  name: 'job',
  requiredFields: ['title'],
  fields: ['title', 'url', 'city', 'location', 'company', 'date', 'posted', 'salary'],
  describe: { zh: '竞品招聘', en: 'Competitor hiring' },
  rules: { file: 'jobs.yaml', schema: jobRulesSchema },

  extractStructured(_html: string, pageUrl: string, target: Target, doc: () => CheerioAPI): RawItem[] {
    return extractJobPostings(doc(), { url: pageUrl, timeZone: target.time_zone ?? DEFAULT_TIME_ZONE }).map((p) => rawFromPosting(p, pageUrl));
  },

  normalise(raw: RawItem, target: Target): NormaliseResult {
    if (!raw.key) return { ok: false, key: null, error: 'no key (set items.key, or give each posting a link)' };
    return { ok: true, item: { key: raw.key, data: jobData(raw.fields, raw.extra ?? {}, target) } };
  },

  withDetail(item: Item, detail: DetailPage, target: Target): Item {
    const posting = extractJobPostings(detail.html, { url: detail.url, timeZone: target.time_zone ?? DEFAULT_TIME_ZONE })[0];
    const fromLd = posting ? rawFromPosting(posting, detail.url) : null;
    const fields = { ...(fromLd?.fields ?? {}), ...Object.fromEntries(Object.entries(detail.fields).filter(([, v]) => v !== null)) };
    const d = jobData(fields, fromLd?.extra ?? {}, target);
    const data: ItemData = { ...item.data };
    for (const [k, v] of Object.entries(d)) {
      if (v === null || v === undefined || k === 'url') continue;
      if (k === 'title' && data.title) continue;
      data[k] = v;
    }
    return { key: item.key, data };
  },

  columns: ['title', 'city', 'salaryText', 'annualMin', 'annualMax', 'datePosted'],

  explain(item: Item, target: Target, rules: Rules): string {
    const d = item.data;
    const m = resolveRegion([textOrNull(d.city), textOrNull(d.location), textOrNull(d.region)], regionMap(rules));
    const region = m.region && rules.owners.regions[m.region] ? m.region : target.region;
    return `${roleCategory(textOrNull(d.title), jobRules(rules).categories)} → ${region}`;
  },

  changeFields: JOB_CHANGE_FIELDS,

  changedFields(prev: ItemData, next: ItemData): string[] | null {
    const fields = JOB_CHANGE_FIELDS.filter((f) => (prev[f] ?? null) !== (next[f] ?? null));
    return fields.length ? fields : null;
  },

  decide(diff, ctx: DecideContext): Decision {
    const { target, now } = ctx;
    const rules = jobRules(ctx.rules);
    const regions = regionMap(ctx.rules);
    const tz = ctx.rules.owners.time_zone;
    const at = now.toISOString();
    const week = isoWeek(now, tz);
    const oldest = shiftWeek(week, -rules.weeks_kept + 1);
    const prev = ctx.state as Partial<JobState>;
    const state: JobState = {
      since: prev.since ?? null,
      weeks: Object.fromEntries(Object.entries(prev.weeks ?? {}).map(([k, v]) => [k, { ...v }])),
      cities: [...(prev.cities ?? [])],
      salary: { ...(prev.salary ?? {}) },
    };
    const first = !ctx.hasBaseline;
    const alerts: Alert<JobAlertPayload>[] = [];
    const catOf = (d: ItemData) => roleCategory(textOrNull(d.title), rules.categories);
    const cityOf = (d: ItemData) => textOrNull(d.city) ?? '?';
    const ref = (d: ItemData): JobPostingRef => ({
      title: textOrNull(d.title) ?? '',
      url: textOrNull(d.url),
      salaryText: textOrNull(d.salaryText),
      salaryMin: numberOrNull(d.salaryMin),
      salaryMax: numberOrNull(d.salaryMax),
      salaryPeriod: textOrNull(d.salaryPeriod),
      currency: textOrNull(d.currency),
    });
    const route = (d: ItemData) => {
      const m = resolveRegion([textOrNull(d.city), textOrNull(d.location), textOrNull(d.region)], regions);
      return m.region && ctx.rules.owners.regions[m.region] ? m.region : target.region;
    };
    const make = (p: Omit<JobAlertPayload, 'targetId' | 'competitor'>, id: string): Alert<JobAlertPayload> => ({
      id: `job:${target.competitor}:${id}`,
      topic: 'job',
      audience: { kind: 'region', region: p.region },
      createdAt: at,
      payload: { targetId: target.id, competitor: target.competitor, ...p },
    });

    // Count new postings by the week they were posted (the first run backfills past weeks from
    // posting dates); an undated posting counts in the week it was first seen, except on the first
    // run, where it is part of the standing list rather than news.
    const touched = new Map<string, ItemData[]>();
    let earliest: string | null = null;
    const known = new Set(state.cities);
    const newCities = new Map<string, ItemData[]>();
    for (const item of diff.added) {
      const d = item.data;
      const series = `${cityOf(d)}|${catOf(d)}`;
      const posted = textOrNull(d.datePosted) ? new Date(d.datePosted as string) : null;
      let w: string | null = posted && !Number.isNaN(posted.getTime()) ? isoWeek(posted, tz) : first ? null : week;
      if (w && weeksBetween(w, week) < 0) w = week; // dated in the future: a site's clock or a typo
      if (w && weeksBetween(oldest, w) >= 0) {
        const counts = (state.weeks[series] ??= {});
        counts[w] = (counts[w] ?? 0) + 1;
        if (!earliest || weeksBetween(w, earliest) > 0) earliest = w;
        if (w === week) touched.set(series, [...(touched.get(series) ?? []), d]);
      }
      const city = textOrNull(d.city);
      if (city && !known.has(city)) {
        if (!first) newCities.set(city, [...(newCities.get(city) ?? []), d]);
        else known.add(city);
      }
    }
    if (first) state.since = earliest && weeksBetween(earliest, week) >= 0 ? earliest : shiftWeek(week, 1);

    if (!first) {
      for (const [series, postings] of touched) {
        const spike = detectSpike(state.weeks[series] ?? {}, week, state.since, rules.spike);
        if (!spike) continue;
        const [city, category] = series.split('|') as [string, string];
        alerts.push(
          make(
            { signal: 'spike', region: route(postings[0]!), city, category, week, count: spike.count, baseline: spike.baseline, baselineWeeks: spike.baselineWeeks, postings: postings.slice(0, 5).map(ref), salary: null },
            // Once per series and week: more postings later in the same week are the same news.
            `${series}:spike@${week}`,
          ),
        );
      }
      if (rules.new_city) {
        for (const [city, postings] of newCities) {
          known.add(city);
          const d = postings[0]!;
          alerts.push(make({ signal: 'new_city', region: route(d), city, category: catOf(d), week, count: postings.length, baseline: null, baselineWeeks: null, postings: postings.slice(0, 5).map(ref), salary: null }, `${city}:new_city`));
        }
      } else for (const city of newCities.keys()) known.add(city);
    }
    state.cities = [...known].sort();

    // Salary range per series over every posting still listed, against the range last alerted on.
    const listed = new Map<string, ItemData[]>();
    for (const s of diff.next.values()) {
      if (s.missingRuns > 0) continue;
      const series = `${cityOf(s.data)}|${catOf(s.data)}`;
      listed.set(series, [...(listed.get(series) ?? []), s.data]);
    }
    for (const [series, postings] of listed) {
      const range = salaryRange(
        postings.map((d) => ({ lo: numberOrNull(d.annualMin), hi: numberOrNull(d.annualMax), currency: textOrNull(d.currency) })),
        rules.salary_shift.min_postings,
      );
      if (!range) continue;
      const before = state.salary[series];
      if (!before || first) {
        state.salary[series] = range;
        continue;
      }
      const pct = salaryShift(before, range, rules.salary_shift.percent);
      if (pct === null) continue;
      const [city, category] = series.split('|') as [string, string];
      alerts.push(
        make(
          {
            signal: 'salary_shift',
            region: route(postings[0]!),
            city,
            category,
            week,
            count: range.n,
            baseline: null,
            baselineWeeks: null,
            postings: postings.slice(0, 5).map(ref),
            salary: { fromLo: before.lo, fromHi: before.hi, toLo: range.lo, toHi: range.hi, currency: range.currency, pct },
          },
          `${series}:salary:${before.lo}-${before.hi}->${range.lo}-${range.hi}`,
        ),
      );
      state.salary[series] = range;
    }

    // Bounded: weeks older than weeks_kept go, and so do series left empty.
    for (const [series, counts] of Object.entries(state.weeks)) {
      for (const w of Object.keys(counts)) if (weeksBetween(oldest, w) < 0) delete counts[w];
      if (Object.keys(counts).length === 0) delete state.weeks[series];
    }
    return { alerts, state: { ...ctx.state, ...state } };
  },
};
