import type { Locale } from '../alerts/route.js';

const SYMBOLS: Record<string, string> = { CNY: '¥', USD: '$', EUR: '€', GBP: '£', JPY: '¥', HKD: 'HK$', TWD: 'NT$', KRW: '₩', INR: '₹' };

export function formatMoney(amount: number | null | undefined, currency: string | null | undefined, locale: Locale): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return locale === 'zh-CN' ? '面议' : 'n/a';
  const sym = currency ? (SYMBOLS[currency] ?? `${currency} `) : '';
  const digits = Number.isInteger(amount) ? 0 : 2;
  return `${sym}${amount.toLocaleString(locale === 'zh-CN' ? 'zh-CN' : 'en-US', { minimumFractionDigits: digits, maximumFractionDigits: 2 })}`;
}

/** "¥", "$", or the code and a space for currencies without a well-known sign. */
export function currencySymbol(currency: string | null | undefined): string {
  return currency ? (SYMBOLS[currency] ?? `${currency} `) : '';
}

export function formatPct(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '';
  const s = Math.abs(p) >= 10 ? p.toFixed(0) : p.toFixed(1);
  return `${p > 0 ? '+' : p < 0 ? '-' : ''}${s.replace('-', '')}%`;
}

export function formatDateTime(d: Date, timeZone: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d);
}
