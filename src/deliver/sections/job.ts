import type { Locale } from '../../alerts/route.js';
import type { JobAlertPayload, JobPostingRef } from '../../kinds/job.js';
import type { StoredAlert } from '../../store/outbox.js';
import { formatPct } from '../format.js';
import { fill, type Strings } from '../i18n.js';
import type { Section, SectionContext } from './types.js';

const payloads = (alerts: StoredAlert[]) => alerts.map((a) => a.payload as unknown as JobAlertPayload);

/** An annual range the way each reader says it: 18万–24万/年, or ¥180k–240k/yr. */
export function formatAnnualRange(lo: number, hi: number, currency: string | null, locale: Locale): string {
  const sym = currency === 'CNY' || currency === null ? '¥' : currency === 'USD' ? '$' : currency === 'EUR' ? '€' : `${currency} `;
  const r = (x: number) => String(Math.round(x * 10) / 10);
  if (locale === 'zh-CN' && sym === '¥') {
    const w = (x: number) => `${r(x / 1e4)}万`;
    return lo === hi ? `${w(lo)}/年` : `${w(lo)}–${w(hi)}/年`;
  }
  const k = (x: number) => `${r(x / 1e3)}k`;
  return lo === hi ? `${sym}${k(lo)}/yr` : `${sym}${k(lo)}–${k(hi)}/yr`;
}

const PERIOD: Record<string, { zh: string; en: string }> = {
  hour: { zh: '时', en: 'hr' },
  day: { zh: '天', en: 'day' },
  week: { zh: '周', en: 'wk' },
  month: { zh: '月', en: 'mo' },
  year: { zh: '年', en: 'yr' },
};

/** A posting's pay: as the site wrote it, else its range in the reader's style (2万–3万/月, ¥20k–30k/mo). */
export function formatPay(p: JobPostingRef, locale: Locale): string | null {
  if (p.salaryText) return p.salaryText;
  const lo = p.salaryMin ?? p.salaryMax;
  const hi = p.salaryMax ?? p.salaryMin;
  if (lo === null || hi === null) return null;
  const per = p.salaryPeriod ? PERIOD[p.salaryPeriod] : undefined;
  const cny = p.currency === 'CNY' || p.currency === null;
  const r = (x: number) => String(Math.round(x * 10) / 10);
  if (locale === 'zh-CN' && cny && lo >= 1e4) {
    const w = (x: number) => `${r(x / 1e4)}万`;
    return `${lo === hi ? w(lo) : `${w(lo)}–${w(hi)}`}${per ? `/${per.zh}` : ''}`;
  }
  const sym = cny ? '¥' : p.currency === 'USD' ? '$' : p.currency === 'EUR' ? '€' : `${p.currency} `;
  const k = (x: number) => (x >= 1000 ? `${r(x / 1e3)}k` : r(x));
  return `${sym}${lo === hi ? k(lo) : `${k(lo)}–${k(hi)}`}${per ? `/${locale === 'zh-CN' ? per.zh : per.en}` : ''}`;
}

export function categoryLabel(category: string, t: Strings): string {
  return t[`job.category.${category}`] ?? category;
}

export const jobSection: Section = {
  topic: 'job',
  order: 30,
  title: (ctx) => ctx.t['job.title'] ?? 'Competitor hiring',
  view(alerts, ctx: SectionContext) {
    const ps = payloads(alerts);
    const base = (p: JobAlertPayload) => ({
      competitor: p.competitor,
      city: p.city,
      category: categoryLabel(p.category, ctx.t),
      week: p.week,
      count: p.count,
      baseline: p.baseline,
      postings: p.postings.map((x) => ({ title: x.title, url: x.url, salary: formatPay(x, ctx.locale) })),
    });
    return {
      spikes: ps.filter((p) => p.signal === 'spike').sort((a, b) => b.count - a.count).map(base),
      cities: ps.filter((p) => p.signal === 'new_city').map(base),
      salaries: ps
        .filter((p) => p.signal === 'salary_shift' && p.salary)
        .map((p) => ({
          ...base(p),
          from: formatAnnualRange(p.salary!.fromLo, p.salary!.fromHi, p.salary!.currency, ctx.locale),
          to: formatAnnualRange(p.salary!.toLo, p.salary!.toHi, p.salary!.currency, ctx.locale),
          pct: formatPct(p.salary!.pct),
          up: p.salary!.pct > 0,
        })),
    };
  },
  // When a digest must be split: spikes (largest first), then new cities, then pay.
  weight(a) {
    const p = a.payload as unknown as JobAlertPayload;
    return p.signal === 'spike' ? 3000 + p.count : p.signal === 'new_city' ? 2000 : 1000;
  },
  headline(alerts, ctx) {
    const ps = payloads(alerts);
    const vars = (p: JobAlertPayload) => ({ competitor: p.competitor, city: p.city, count: p.count, category: categoryLabel(p.category, ctx.t) });
    const spike = ps.filter((p) => p.signal === 'spike').sort((a, b) => b.count - a.count)[0];
    if (spike) {
      return { text: fill(ctx.t['job.headline_spike'] ?? '{competitor} hiring spike: {count} new {category} postings in {city} this week', vars(spike)), weight: 20 };
    }
    const city = ps.find((p) => p.signal === 'new_city');
    if (city) return { text: fill(ctx.t['job.headline_city'] ?? '{competitor} hiring in {city} for the first time', vars(city)), weight: 12 };
    const pay = ps.find((p) => p.signal === 'salary_shift' && p.salary);
    if (pay) {
      return { text: fill(ctx.t['job.headline_salary'] ?? '{competitor} {category} pay in {city} {pct}', { ...vars(pay), pct: formatPct(pay.salary!.pct) }), weight: 8 };
    }
    return null;
  },
};
