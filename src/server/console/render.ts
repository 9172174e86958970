/**
 * Server-rendered console pages: Handlebars (escapes every value by default, so a scraped
 * product name with markup shows as text), one layout, UI strings in console/i18n/<locale>.yaml.
 * Templates and strings are read once per process from the package's console/ folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { parse } from 'yaml';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: Locale[] = ['zh-CN', 'en'];

/** The console's own files (views, static, i18n), beside src/ and dist/ in the package. */
export const CONSOLE_ROOT = fileURLToPath(new URL('../../../console/', import.meta.url));

const env = Handlebars.create();
let views: Map<string, Handlebars.TemplateDelegate> | null = null;
let strings: Record<Locale, Record<string, string>> | null = null;

function load(): void {
  if (views) return;
  views = new Map();
  const dir = join(CONSOLE_ROOT, 'views');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.hbs'))) {
    const name = f.replace(/\.hbs$/, '');
    const src = readFileSync(join(dir, f), 'utf8');
    if (name.startsWith('_')) env.registerPartial(name.slice(1), src);
    else views.set(name, env.compile(src, { strict: false }));
  }
  strings = Object.fromEntries(LOCALES.map((l) => [l, parse(readFileSync(join(CONSOLE_ROOT, 'i18n', `${l}.yaml`), 'utf8')) as Record<string, string>])) as Record<Locale, Record<string, string>>;
}

export function translate(locale: Locale, key: string, vars: Record<string, unknown> = {}): string {
  load();
  const s = strings![locale][key] ?? strings!.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

interface Root {
  locale: Locale;
  timeZone: string;
}

const root = (o: Handlebars.HelperOptions): Root => (o.data as { root: Root }).root;

env.registerHelper('t', function (key: string, o: Handlebars.HelperOptions) {
  return translate(root(o).locale, key, o.hash as Record<string, unknown>);
});
env.registerHelper('concat', (...a: unknown[]) => a.slice(0, -1).join(''));
env.registerHelper('array', (...a: unknown[]) => a.slice(0, -1));
env.registerHelper('lt0', (n: unknown) => typeof n === 'number' && n < 0);
env.registerHelper('add1', (n: unknown) => (typeof n === 'number' ? n + 1 : n));
env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
env.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
env.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
env.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
env.registerHelper('not', (a: unknown) => !a);
env.registerHelper('includes', (list: unknown, x: unknown) => Array.isArray(list) && list.includes(x));
env.registerHelper('enc', (s: unknown) => encodeURIComponent(String(s ?? '')));
env.registerHelper('get', (obj: unknown, key: unknown) => (obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[String(key)] : undefined));
env.registerHelper('join', (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : ''));
env.registerHelper('len', (list: unknown) => (Array.isArray(list) ? list.length : 0));
env.registerHelper('time', function (iso: unknown, o: Handlebars.HelperOptions) {
  if (typeof iso !== 'string' || !iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(root(o).locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: root(o).timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
});
env.registerHelper('num', function (n: unknown, o: Handlebars.HelperOptions) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '–';
  return new Intl.NumberFormat(root(o).locale === 'zh-CN' ? 'zh-CN' : 'en-US', { maximumFractionDigits: 2 }).format(n);
});
env.registerHelper('signed', (n: unknown) => (typeof n === 'number' ? `${n > 0 ? '+' : ''}${n}` : '–'));
env.registerHelper('pct', (n: unknown) => (typeof n === 'number' ? `${n > 0 ? '+' : ''}${n}%` : '–'));
/** What to do about a failure class, in the reader's language; the service's English line otherwise. */
env.registerHelper('adviceText', function (failureClass: unknown, fallback: unknown, o: Handlebars.HelperOptions) {
  if (typeof failureClass !== 'string') return fallback ?? '';
  const key = `advice.${failureClass.startsWith('http_') && !['http_404', 'http_429', 'http_503'].includes(failureClass) ? 'http' : failureClass}`;
  const s = translate(root(o).locale, key);
  return s === key ? (fallback ?? '') : s;
});
env.registerHelper('text', (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)));
env.registerHelper('localised', function (zh: unknown, en: unknown, o: Handlebars.HelperOptions) {
  return root(o).locale === 'zh-CN' ? (zh ?? en ?? '') : (en ?? zh ?? '');
});
/** A small line chart of numbers, drawn here (no script): only numbers go into the SVG. */
env.registerHelper('spark', (values: unknown, o: Handlebars.HelperOptions) => {
  const pts = (Array.isArray(values) ? values : []).map((v) => (typeof v === 'number' ? v : typeof v === 'object' && v && typeof (v as { amount?: unknown }).amount === 'number' ? (v as { amount: number }).amount : typeof v === 'object' && v && typeof (v as { index?: unknown }).index === 'number' ? (v as { index: number }).index : null)).filter((v): v is number => v !== null);
  const w = Number(o.hash.width ?? 120);
  const h = Number(o.hash.height ?? 28);
  const label = String(o.hash.label ?? '');
  if (pts.length < 2) return '';
  const min = Math.min(...pts);
  const max = Math.max(...pts);
  const span = max - min || 1;
  const xy = pts.map((v, i) => `${((i / (pts.length - 1)) * (w - 4) + 2).toFixed(1)},${(h - 2 - ((v - min) / span) * (h - 4)).toFixed(1)}`);
  return new Handlebars.SafeString(
    `<svg class="spark" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${Handlebars.escapeExpression(label)}"><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="${xy.join(' ')}"/><circle cx="${xy.at(-1)!.split(',')[0]}" cy="${xy.at(-1)!.split(',')[1]}" r="2.5" fill="currentColor"/></svg>`,
  );
});

export interface PageModel {
  title: string;
  locale: Locale;
  timeZone: string;
  [k: string]: unknown;
}

/** The page inside the layout. */
export function render(view: string, model: PageModel): string {
  load();
  const page = views!.get(view);
  if (!page) throw new Error(`console: no view ${view}`);
  const body = page(model);
  return views!.get('layout')!({ ...model, body: new Handlebars.SafeString(body) });
}
