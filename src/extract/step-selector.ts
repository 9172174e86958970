/**
 * A selector for one element a person clicked on the builder's picture, to be kept in a target's
 * `steps:` (the city in a pop-up, the search box, "load more"). Pure: the page's HTML and the
 * element's path in, a selector and what kind of element it is out.
 *
 * Why the choices: a step is replayed on every run for months, so what names the element for
 * people and tests (id, name, data-*, aria-label) beats a class name, a class name beats a
 * position, and generated class names (`css-1x2y3z`) are never used. Plain CSS only: the
 * selector is checked like every other (`radar validate`) and run by Chromium as it is.
 */
import type { CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import { loadHtml } from './selector.js';
import { isGeneratedClass, nodeAt } from './suggest-items.js';

export interface StepElement {
  /** Finds the element as the first match on the page, as short and stable as the page allows. */
  selector: string;
  /** How many elements on the page the selector matches (1 when it names the element alone). */
  matches: number;
  /** What the element is, for choosing the action: typing into a box, choosing an option, or a click. */
  kind: 'input' | 'select' | 'other';
  /** For a select: its options as people see them. */
  options: { value: string; text: string }[];
  /** The element's own text, shortened (for the list of steps). */
  text: string;
}

/** Attributes that name an element on purpose, best first. */
const NAMING = ['data-testid', 'data-test', 'data-qa', 'data-cy', 'name', 'aria-label', 'data-city', 'data-code', 'data-value', 'data-id', 'title', 'placeholder', 'for'];
const TEXT_INPUTS = new Set(['', 'text', 'search', 'email', 'tel', 'number', 'url', 'password']);

const quote = (v: string) => `"${v.replace(/["\\]/g, '\\$&')}"`;
const isEl = (n: unknown): n is Element => !!n && (n as Element).type === 'tag';
const parentOf = (el: Element): Element | null => (isEl(el.parent) ? el.parent : null);

export function stepElement(html: string, path: number[]): StepElement | null {
  const $ = loadHtml(html);
  const el = nodeAt($, path);
  if (!el || el.name === 'html' || el.name === 'body') return null;
  const selector = bestSelector($, el);
  const kind = el.name === 'select' ? 'select' : el.name === 'textarea' || (el.name === 'input' && TEXT_INPUTS.has((el.attribs.type ?? '').toLowerCase())) ? 'input' : 'other';
  const options =
    kind === 'select'
      ? $(el)
          .find('option')
          .toArray()
          .map((o) => ({ value: o.attribs.value ?? $(o).text().trim(), text: $(o).text().replace(/\s+/g, ' ').trim() }))
      : [];
  const text = (kind === 'input' ? (el.attribs.placeholder ?? '') : $(el).text()).replace(/\s+/g, ' ').trim().slice(0, 60);
  return { selector, matches: $(selector).length, kind, options, text };
}

/** The first candidate whose first match is `el`, preferring ones that match `el` alone. */
function bestSelector($: CheerioAPI, el: Element): string {
  const firstIs = (sel: string, target: Element = el) => {
    try {
      return $(sel).first()[0] === target;
    } catch {
      return false;
    }
  };
  const firstIsEl = (sel: string) => firstIs(sel);
  const unique = (sel: string, target: Element = el) => firstIs(sel, target) && $(sel).length === 1;
  const own = ownCandidates(el);
  const alone = own.find((sel) => unique(sel));
  if (alone) return alone;
  // Scoped under the nearest ancestor that names itself: ".city-list [data-code="310000"]".
  for (let a = parentOf(el), depth = 0; a && a.name !== 'body' && depth < 6; a = parentOf(a), depth++) {
    const anchor0 = a;
    const anchors = ownCandidates(a).filter((sel) => sel !== a.name && unique(sel, anchor0));
    for (const anchor of anchors.slice(0, 3)) {
      for (const c of [...own, ...positional(el)]) {
        const sel = `${anchor} ${c}`;
        if (unique(sel)) return sel;
      }
      const path = pathBetween(a, el);
      if (unique(`${anchor} > ${path}`)) return `${anchor} > ${path}`;
    }
  }
  // Nothing names it: the first of its kind on the page is still it, or a path from <body>.
  const first = own.find(firstIsEl);
  if (first) return first;
  return `body > ${pathBetween(null, el)}`;
}

/** Selectors made of the element alone: id, naming attributes, stable classes, its tag. */
function ownCandidates(el: Element): string[] {
  const t = el.name;
  const out: string[] = [];
  const id = el.attribs.id;
  if (id && !isGeneratedClass(id) && /^[A-Za-z][\w-]*$/.test(id)) out.push(`#${id}`);
  for (const a of NAMING) {
    const v = el.attribs[a];
    if (v !== undefined && v.trim() && v.length <= 80) out.push(`${t}[${a}=${quote(v)}]`);
  }
  for (const a of Object.keys(el.attribs).filter((a) => a.startsWith('data-') && !NAMING.includes(a) && !/^data-v-/.test(a))) {
    const v = el.attribs[a]!;
    if (v.trim() && v.length <= 40 && !/\d{6,}/.test(v)) out.push(`${t}[${a}=${quote(v)}]`);
  }
  if (t === 'a' && el.attribs.href && el.attribs.href.length <= 80 && !/^(#|javascript:)/i.test(el.attribs.href)) out.push(`a[href=${quote(el.attribs.href)}]`);
  if ((t === 'input' || t === 'button') && el.attribs.type) out.push(`${t}[type=${quote(el.attribs.type)}]`);
  const classes = stable(el);
  for (const c of classes) out.push(`.${c}`);
  for (const c of classes) out.push(`${t}.${c}`);
  if (classes.length > 1) out.push(`${t}.${classes.slice(0, 2).join('.')}`);
  out.push(t);
  return out;
}

function positional(el: Element): string[] {
  const parent = parentOf(el);
  const same = parent?.children.filter((c): c is Element => isEl(c) && c.name === el.name) ?? [el];
  return same.length > 1 ? [`${el.name}:nth-of-type(${same.indexOf(el) + 1})`] : [];
}

/** Child steps from `from` (exclusive; null = <body>) down to `el`: "div:nth-of-type(2) > button". */
function pathBetween(from: Element | null, el: Element): string {
  const steps: string[] = [];
  for (let e: Element | null = el; e && e !== from && e.name !== 'body' && e.name !== 'html'; e = parentOf(e)) {
    steps.unshift(positional(e)[0] ?? e.name);
  }
  return steps.join(' > ');
}

function stable(el: Element): string[] {
  return (el.attribs.class ?? '')
    .split(/\s+/)
    .filter((c) => c && !isGeneratedClass(c) && /^[A-Za-z_-][\w-]*$/.test(c) && !/^(active|selected|hover|first|last|odd|even|on|cur|current|show|open|visible|hidden)$/i.test(c));
}
