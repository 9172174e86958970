import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Locale } from '../alerts/route.js';

export type Strings = Record<string, string>;

const cache = new Map<string, Strings>();

/** UI strings for a locale from templates/i18n/<locale>.yaml; English fills gaps. */
export function loadStrings(templatesDir: string, locale: Locale): Strings {
  const key = `${templatesDir}\0${locale}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const read = (l: string): Strings => {
    const f = join(templatesDir, 'i18n', `${l}.yaml`);
    return existsSync(f) ? ((parse(readFileSync(f, 'utf8')) as Strings | null) ?? {}) : {};
  };
  const strings = { ...read('en'), ...read(locale) };
  cache.set(key, strings);
  return strings;
}

/** `{name}` placeholders filled from vars. */
export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}
