/**
 * Checks a CSS selector when the config is read, so `li.g-card[` fails `radar validate` with
 * its file and line instead of failing every run later as "layout changed". css-what is the
 * parser cheerio itself uses (through css-select); it is small, so the daemon can check on
 * every reload without loading cheerio.
 */
import { parse, type Selector } from 'css-what';

/**
 * Pseudo-classes cheerio can evaluate: css-select's filters, pseudos, aliases and subselects,
 * plus cheerio-select's jQuery positionals. test/unit/selector-check.test.ts keeps this list
 * equal to what the installed libraries accept.
 */
export const KNOWN_PSEUDOS: ReadonlySet<string> = new Set([
  // css-select filters
  'contains', 'icontains', 'nth-child', 'nth-last-child', 'nth-of-type', 'nth-last-of-type', 'root', 'scope', 'hover', 'visited', 'active',
  // css-select pseudos
  'empty', 'first-child', 'last-child', 'first-of-type', 'last-of-type', 'only-of-type', 'only-child',
  // css-select aliases
  'any-link', 'link', 'disabled', 'enabled', 'checked', 'required', 'optional', 'selected', 'checkbox', 'file', 'password', 'radio', 'reset', 'image', 'submit', 'parent', 'header', 'button', 'input', 'text',
  // css-select subselects
  'is', 'matches', 'where', 'not', 'has',
  // cheerio-select positionals
  'first', 'last', 'eq', 'nth', 'gt', 'lt', 'even', 'odd',
]);

/** Null when cheerio can use `css`; otherwise one sentence saying what is wrong. */
export function selectorProblem(css: string): string | null {
  if (css.trim() === '') return null;
  let parsed: Selector[][];
  try {
    parsed = parse(css);
  } catch (e) {
    return `not a valid CSS selector: ${plain(css, e instanceof Error ? e.message : String(e))}`;
  }
  return walk(parsed);
}

function walk(groups: Selector[][]): string | null {
  for (const group of groups) {
    for (const token of group) {
      if (token.type === 'pseudo-element') return `"::${token.name}" is a pseudo-element; radar reads elements and their attributes, not ::${token.name}`;
      if (token.type !== 'pseudo') continue;
      if (!KNOWN_PSEUDOS.has(token.name)) return `":${token.name}" is not a pseudo-class radar knows (e.g. :first, :eq(0), :contains(text), :not(...), :has(...))`;
      if (Array.isArray(token.data)) {
        const inner = walk(token.data);
        if (inner) return inner;
      }
    }
  }
  return null;
}

/** css-what's messages, said for people: "Expected name, found " after `li.g-card[` is an unclosed bracket. */
function plain(css: string, msg: string): string {
  const opens = (c: string, d: string): boolean => css.split(c).length > css.split(d).length;
  if (opens('[', ']') || /Attribute selector didn't terminate/i.test(msg)) return 'a "[" is never closed with "]"';
  if (opens('(', ')') || /Parenthesis not matched/i.test(msg)) return 'a "(" is never closed with ")"';
  if (opens(']', '[') || opens(')', '(')) return `a "${opens(']', '[') ? ']' : ')'}" closes nothing`;
  const found = /Expected name, found (.*)$/.exec(msg);
  if (found) return found[1] ? `"${found[1].slice(0, 1)}" must be followed by a name (like .price or #main)` : 'it ends where a name is expected';
  if (/Empty sub-selector/i.test(msg)) return 'an empty part between commas';
  return msg;
}
