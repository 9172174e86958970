/**
 * How metric values read in emails, the heat map and the terminal: 87%, 4.6 天 / 4.6 d,
 * 35 分钟 / 35 min. One place, so the same number never reads two ways.
 */
import type { MetricInput } from './config.js';

export type Locale = 'zh-CN' | 'en';

export interface ValueFormat {
  unit: MetricInput['unit'];
  decimals?: number | undefined;
}

const DEFAULT_DECIMALS: Record<MetricInput['unit'], number> = { pct: 0, days: 1, count: 1, ratio: 2, minutes: 0, hours: 1 };

function fixed(x: number, d: number): string {
  const s = x.toFixed(d);
  // "4.0" reads as "4"; "0.50" keeps its decimals (a ratio).
  return d > 0 && /\.0+$/.test(s) && Math.abs(x) >= 1 ? s.replace(/\.0+$/, '') : s;
}

export function formatValue(value: number | null | undefined, f: ValueFormat, locale: Locale, opts: { short?: boolean } = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const d = f.decimals ?? DEFAULT_DECIMALS[f.unit];
  const zh = locale === 'zh-CN';
  switch (f.unit) {
    case 'pct':
      return `${fixed(value * 100, d)}%`;
    case 'days':
      return opts.short ? fixed(value, d) : zh ? `${fixed(value, d)} 天` : `${fixed(value, d)} d`;
    case 'minutes':
      return opts.short ? `${fixed(value, d)}m` : zh ? `${fixed(value, d)} 分钟` : `${fixed(value, d)} min`;
    case 'hours':
      return opts.short ? `${fixed(value, d)}h` : zh ? `${fixed(value, d)} 小时` : `${fixed(value, d)} h`;
    default:
      return fixed(value, d);
  }
}

/** "+3.2" / "−1.5" / "±0": a trend in index points. */
export function formatTrend(delta: number | null | undefined): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return '';
  const r = Math.round(delta * 10) / 10;
  if (r === 0) return '±0';
  return r > 0 ? `+${r.toFixed(1)}` : `−${Math.abs(r).toFixed(1)}`;
}

export function formatIndex(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : String(Math.round(x));
}
