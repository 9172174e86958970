import type { Locale } from '../../alerts/route.js';
import type { TenderAlertPayload } from '../../kinds/tender.js';
import { formatInZone } from '../../parse/date.js';
import type { StoredAlert } from '../../store/outbox.js';
import { formatDate, formatMoney } from '../format.js';
import { fill } from '../i18n.js';
import type { Section, SectionContext } from './types.js';

const payloads = (alerts: StoredAlert[]) => alerts.map((a) => a.payload as unknown as TenderAlertPayload);

/** Budgets as a Chinese reader says them (¥120万, ¥1.5亿); English keeps the full figure. */
export function formatBudget(amount: number | null, currency: string | null, locale: Locale): string | null {
  if (amount === null || !Number.isFinite(amount)) return null;
  if (locale === 'zh-CN' && (currency === 'CNY' || currency === null)) {
    const n = (x: number) => String(Math.round(x * 100) / 100);
    if (amount >= 1e8) return `¥${n(amount / 1e8)}亿`;
    if (amount >= 1e4) return `¥${n(amount / 1e4)}万`;
  }
  return formatMoney(amount, currency, locale);
}

/** Calendar days from today to the deadline's day, in the digest's zone (0 = closes today). */
export function daysLeft(deadline: Date, now: Date, timeZone: string): number {
  const day = (d: Date) => {
    const [y, m, dd] = formatInZone(d, timeZone).slice(0, 10).split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, dd) / 86_400_000;
  };
  return day(deadline) - day(now);
}

function daysLeftText(deadline: Date, ctx: SectionContext): { text: string; urgent: boolean } {
  if (deadline.getTime() <= ctx.now.getTime()) return { text: ctx.t['tender.closed'] ?? 'closed', urgent: false };
  const n = daysLeft(deadline, ctx.now, ctx.timeZone);
  const key = n <= 0 ? 'tender.days_left_today' : n === 1 ? 'tender.days_left_one' : 'tender.days_left';
  return { text: fill(ctx.t[key] ?? '{n} days left', { n }), urgent: n <= 3 };
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export const tenderSection: Section = {
  topic: 'tender',
  // After the price comparison (10), which leads a regional digest, before plain price moves (20).
  order: 15,
  title: (ctx) => ctx.t['tender.title'] ?? 'Tenders',
  view(alerts, ctx: SectionContext) {
    const row = (p: TenderAlertPayload) => {
      const deadline = p.deadline ? new Date(p.deadline) : null;
      const left = deadline ? daysLeftText(deadline, ctx) : null;
      return {
        title: p.title ?? p.key,
        url: p.url,
        buyer: p.buyer,
        number: p.number,
        source: p.source,
        place: p.place,
        category: p.category,
        budget: formatBudget(p.budget, p.currency, ctx.locale),
        deadline: deadline ? formatDate(deadline, ctx.timeZone, ctx.locale, { time: true, now: ctx.now }) : null,
        daysLeft: left?.text ?? null,
        urgent: left?.urgent ?? false,
        keywords: p.keywords.join(', '),
      };
    };
    // Soonest deadline first: that is the order a bid has to be prepared in.
    const byDeadline = (a: TenderAlertPayload, b: TenderAlertPayload) => (a.deadline ?? '9999').localeCompare(b.deadline ?? '9999');
    const ps = payloads(alerts);
    return {
      fresh: ps.filter((p) => p.change === 'new').sort(byDeadline).map(row),
      reminders: ps.filter((p) => p.change === 'reminder').sort(byDeadline).map(row),
    };
  },
  // When a digest must be split: reminders first (their deadline is near), then the biggest budgets.
  weight(a) {
    const p = a.payload as unknown as TenderAlertPayload;
    return p.change === 'reminder' ? 1e13 : (p.budget ?? 0);
  },
  headline(alerts, ctx) {
    const ps = payloads(alerts);
    const fresh = ps.filter((p) => p.change === 'new');
    if (fresh.length) {
      const top = [...fresh].sort((a, b) => (b.budget ?? 0) - (a.budget ?? 0))[0]!;
      return { text: fill(ctx.t[fresh.length === 1 ? 'tender.headline_new_one' : 'tender.headline_new'] ?? '{n} new tenders: {title}', { n: fresh.length, title: truncate(top.title ?? top.key, 28) }), weight: 30 + fresh.length };
    }
    const rem = ps.filter((p) => p.change === 'reminder').sort((a, b) => (a.deadline ?? '').localeCompare(b.deadline ?? ''));
    if (rem.length) {
      const top = rem[0]!;
      const left = top.deadline ? daysLeftText(new Date(top.deadline), ctx).text : '';
      return { text: fill(ctx.t[rem.length === 1 ? 'tender.headline_reminder_one' : 'tender.headline_reminder'] ?? '{n} tenders closing soon: {title} ({left})', { n: rem.length, title: truncate(top.title ?? top.key, 24), left }), weight: 25 };
    }
    return null;
  },
};
