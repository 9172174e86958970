import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Locale } from '../alerts/route.js';

export type Strings = Record<string, string>;

const cache = new Map<string, Strings>();

/**
 * UI strings for a locale: templates/i18n/<locale>.yaml plus one file per section,
 * templates/i18n/<topic>.<locale>.yaml, so a new section brings its own strings. English fills gaps.
 */
export function loadStrings(templatesDir: string, locale: Locale): Strings {
  const key = `${templatesDir}\0${locale}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const dir = join(templatesDir, 'i18n');
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  const read = (l: string): Strings => {
    const mine = files.filter((f) => f === `${l}.yaml` || f.endsWith(`.${l}.yaml`));
    return Object.assign({}, ...mine.map((f) => (parse(readFileSync(join(dir, f), 'utf8')) as Strings | null) ?? {}));
  };
  const strings = { ...read('en'), ...read(locale) };
  cache.set(key, strings);
  return strings;
}

/**
 * The string for a count: `<key>_one` when n is 1 and the locale has one ("1 competitor price cut",
 * not "1 … cuts"), else `<key>`; `fallback` when the locale has neither. English fills gaps, so a
 * locale with one form for every count sets its `_one` strings to that form.
 */
export function counted(t: Strings, key: string, n: number, fallback: string): string {
  return (n === 1 ? t[`${key}_one`] : undefined) ?? t[key] ?? fallback;
}

/** `{name}` placeholders filled from vars. */
export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}
