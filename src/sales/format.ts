/**
 * Amounts and rates as the sales emails and the terminal show them: 元 are shown in 万 for zh-CN
 * ("1,234.5 万") and in thousands for en ("12,345k"), percentages without decimals.
 */
export type Locale = 'zh-CN' | 'en';

export function money(yuan: number | null | undefined, locale: Locale): string {
  if (yuan === null || yuan === undefined || !Number.isFinite(yuan)) return '–';
  if (locale === 'zh-CN') return `${(yuan / 1e4).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} 万`;
  return `${(yuan / 1e3).toLocaleString('en-US', { maximumFractionDigits: 0 })}k`;
}

export function percent(x: number | null | undefined, decimals = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return `${x.toFixed(decimals)}%`;
}

/** "+3.2" / "−1.5" / "±0". */
export function signed(x: number | null | undefined, decimals = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '';
  const r = Number(x.toFixed(decimals));
  if (r === 0) return '±0';
  return r > 0 ? `+${r.toFixed(decimals)}` : `−${Math.abs(r).toFixed(decimals)}`;
}
