import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Pair, type YAMLError, type YAMLMap } from 'yaml';
import { RadarError } from '../core/errors.js';

/** A parsed YAML file that can still answer "which line is this field on?". */
export interface YamlSource {
  file: string;
  data: unknown;
  lineOf(path: readonly PropertyKey[]): number;
}

/**
 * Target and rule files are a few KB. Anything near this size is a mistake (a data dump saved
 * under scrapers/, a file appended to in a loop), and parsing it would hold up `radar validate`
 * and the daemon's reload: it is refused before it is read.
 */
export const MAX_YAML_BYTES = 1024 * 1024;

/** Shows a path the way a person typed it: relative to the working directory when shorter. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && rel.length < file.length ? rel : file;
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  // The library's own duplicate-key check compares every key with every other key of a mapping
  // (a 10 MB file took minutes); ours below is one pass with a set per mapping.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const first = doc.errors[0];
  if (first) throw syntaxError(file, text, lineCounter, first);
  const dup = firstDuplicateKey(doc);
  if (dup) {
    const at = lineCounter.linePos(dup.offset);
    const was = lineCounter.linePos(dup.firstOffset);
    throw new RadarError('config', `YAML: "${dup.key}" appears twice in the same mapping (first on line ${was.line}); keep one`, {
      where: `${displayPath(file)}:${at.line}:${at.col}`,
    });
  }
  const meant = textReadAsAliasOrTag(doc, text);
  if (meant) {
    const at = lineCounter.linePos(meant.offset);
    const sigil = meant.kind === 'alias' ? '*' : '!';
    const what = meant.kind === 'alias' ? 'a reference to an anchor (YAML *name)' : 'a YAML type tag';
    throw new RadarError('config', `YAML syntax: "${meant.value}" is read as ${what}, not as text; a value starting with ${sigil} needs quotes: "${meant.value}"`, {
      where: `${displayPath(file)}:${at.line}:${at.col}`,
    });
  }
  return {
    file,
    data: doc.toJS({ maxAliasCount: 100 }),
    lineOf: (path) => lineOfPath(doc, lineCounter, path),
  };
}

/**
 * `each: *.product` (every element's class) or `name: !important` parse without error, but as an
 * alias of an anchor that does not exist or as an unknown tag: the library then fails with
 * "Unresolved alias" and no line, or reads an empty value. Anchors and aliases that match are fine.
 */
function textReadAsAliasOrTag(doc: Document, text: string): { kind: 'alias' | 'tag'; offset: number; value: string } | null {
  const anchors = new Set<string>();
  let found: { kind: 'alias' | 'tag'; offset: number; value: string } | null = null;
  const rest = (offset: number): string => {
    const end = text.indexOf('\n', offset);
    return text.slice(offset, end < 0 ? undefined : end).replace(/\s+#.*$/, '').trim();
  };
  visit(doc, (_, node) => {
    const n = node as { anchor?: string; tag?: string; range?: [number, number, number] } | null;
    if (n && typeof n.anchor === 'string') anchors.add(n.anchor);
    if (isAlias(node) && !anchors.has(node.source)) {
      const offset = node.range?.[0] ?? 0;
      found = { kind: 'alias', offset, value: rest(offset) };
      return visit.BREAK;
    }
    if (isScalar(node) && node.tag && !node.tag.startsWith('tag:yaml.org,2002:')) {
      const offset = text.lastIndexOf('!', node.range?.[0] ?? 0);
      found = { kind: 'tag', offset, value: rest(offset) };
      return visit.BREAK;
    }
    return undefined;
  });
  return found;
}

export function readYamlSource(file: string, maxBytes = MAX_YAML_BYTES): YamlSource {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > maxBytes) {
      throw new RadarError('config', `file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} a target or rule file may have; is this the right file?`, {
        where: displayPath(file),
      });
    }
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if (cause instanceof RadarError) throw cause;
    throw new RadarError('config', `cannot read file`, { where: displayPath(file), cause });
  }
  return parseYamlSource(file, text);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/** One pass over every mapping: the first key that repeats, with where it was first seen. */
function firstDuplicateKey(doc: Document): { key: string; offset: number; firstOffset: number } | null {
  let found: { key: string; offset: number; firstOffset: number } | null = null;
  visit(doc, {
    Map(_, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        const k = pair.key;
        if (!isScalar(k)) continue;
        const name = String(k.value);
        const offset = k.range?.[0] ?? 0;
        const before = seen.get(name);
        if (before !== undefined) {
          found = { key: name, offset, firstOffset: before };
          return visit.BREAK;
        }
        seen.set(name, offset);
      }
      return undefined;
    },
  });
  return found;
}

/**
 * A YAML syntax error as a person can act on it: the line and column where the mistake is (not
 * where the parser gave up), and a sentence instead of parser terms.
 */
function syntaxError(file: string, text: string, lc: LineCounter, e: YAMLError): RadarError {
  let offset = e.pos[0];
  let message: string;
  const lineText = (o: number): string => {
    const start = text.lastIndexOf('\n', o - 1) + 1;
    const end = text.indexOf('\n', o);
    return text.slice(start, end < 0 ? undefined : end);
  };
  switch (e.code) {
    case 'TAB_AS_INDENT':
      message = 'a tab is used to indent this line; YAML indents with spaces only';
      break;
    case 'DUPLICATE_KEY':
      message = 'a field appears twice in the same mapping; keep one';
      break;
    case 'MULTILINE_IMPLICIT_KEY':
    case 'MISSING_CHAR': {
      if (/quote/i.test(e.message)) {
        // The parser notices at the end of the file; the mistake is where the quote opened.
        const open = unclosedQuote(text, offset);
        if (open) {
          offset = open.offset;
          message = `the ${open.quote === '"' ? 'double' : 'single'} quote opened here is never closed; add a closing ${open.quote} at the end of the value`;
        } else message = 'a quoted value is never closed; add the closing quote';
        break;
      }
      const line = lineText(offset).trim();
      const field = /^(-\s+)?([^\s:#]+)\s+(\S.*)$/.exec(line);
      // "competitor:Acme": YAML needs a space after the colon (without one, "a:b" is a word, as in a URL).
      const glued = /^(-\s+)?([\w.-]+):([^\s/].*)$/.exec(line);
      message = field
        ? `"${line}" has no colon after the field name; write "${field[1] ?? ''}${field[2]}: ${field[3]}"`
        : glued
          ? `"${line}" needs a space after the colon; write "${glued[1] ?? ''}${glued[2]}: ${glued[3]}"`
          : `"${line}" is not a "field: value" line (a colon is missing, or the line belongs to the one above)`;
      break;
    }
    case 'BAD_INDENT': {
      const open = /flow/i.test(e.message) ? unclosedFlow(text, offset) : null;
      if (open) {
        offset = open.offset;
        message = `the ${open.bracket} opened here is never closed; add ${open.bracket === '[' ? ']' : '}'} at the end of this line`;
      } else if (/flow/i.test(e.message)) message = 'a { ... } or [ ... ] on a line above is not closed; close it on the line where it opens';
      else {
        // The parser may stop on a comment or blank line before the line that is off.
        const here = lineText(offset).trim();
        const next = here === '' || here.startsWith('#') ? nextContentLine(text, offset) : null;
        if (next) offset = next.offset + next.indent;
        message = 'this line is indented differently from the fields around it; fields of one mapping start in the same column';
      }
      break;
    }
    case 'BLOCK_AS_IMPLICIT_KEY': {
      const line = lineText(offset);
      const kv = /^(\s*(?:-\s+)?)([^\s:#][^:#]*?):\s+(.*?)\s*$/.exec(line);
      const next = nextContentLine(text, offset);
      if (kv && /:\s/.test(kv[3]!)) {
        message = `the value of "${kv[2]}" contains ": ", which YAML reads as another field; put the value in quotes: ${kv[2]}: "${kv[3]!.replace(/"/g, '\\"')}"`;
      } else if (kv && next && next.indent > kv[1]!.length) {
        // The parser stops at the value above; the mistake is the deeper line.
        offset = next.offset + next.indent;
        message = `this line is indented deeper than "${line.trim()}" above it, which already has its value; start it in the same column as the fields around it`;
      } else message = `this line cannot be read as YAML ("${line.trim().slice(0, 60)}"); a value with ": " or starting with @, \`, % or | needs quotes`;
      break;
    }
    case 'UNEXPECTED_TOKEN':
    case 'BAD_SCALAR_START':
      message = `this line cannot be read as YAML ("${lineText(offset).trim().slice(0, 60)}"); a value starting with @, \`, % or | needs quotes`;
      break;
    case 'BLOCK_IN_FLOW':
      message = 'a { ... } or [ ... ] on one line cannot contain indented lines; close it on this line';
      break;
    case 'MULTIPLE_DOCS':
      message = 'a second document ("---") is not allowed; one target or rule set per file';
      break;
    case 'BAD_ALIAS':
    case 'ALIAS_PROPS':
      message = 'this alias (*name) refers to no anchor (&name) above it';
      break;
    default:
      message = e.message.split('\n')[0] ?? 'not valid YAML';
  }
  const at = lc.linePos(offset);
  return new RadarError('config', `YAML syntax: ${message}`, { where: `${displayPath(file)}:${at.line}:${at.col}` });
}

/** The next line after the one holding `offset` that is not blank or a comment: where it starts and its indent. */
function nextContentLine(text: string, offset: number): { offset: number; indent: number } | null {
  let start = text.indexOf('\n', offset);
  while (start >= 0) {
    start++;
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? undefined : end);
    if (line.trim() && !line.trim().startsWith('#')) return { offset: start, indent: line.length - line.trimStart().length };
    if (end < 0) return null;
    start = end;
  }
  return null;
}

interface Scanned {
  /** The quoted value still open at `end`, if any. */
  quote: { offset: number; quote: string } | null;
  /** The flow brackets ([ or {) still open at `end`, innermost last. */
  flows: { offset: number; bracket: '[' | '{' }[];
}

/**
 * Walks the text up to `end` as the parser reads values: comments end at the line, a quoted value
 * ends at its own quote (\" in double quotes, '' in single ones), brackets open a flow only where a
 * value starts. `anyQuoteInFlow`: inside brackets any quote opens a value (for finding brackets),
 * not only one at a value's start (for finding the quote itself).
 */
function scanValues(text: string, end: number, anyQuoteInFlow: boolean): Scanned {
  const flows: Scanned['flows'] = [];
  let quote: Scanned['quote'] = null;
  let inComment = false;
  const before = (i: number) => text.slice(text.lastIndexOf('\n', i - 1) + 1, i);
  for (let i = 0; i < Math.min(end, text.length); i++) {
    const c = text[i]!;
    if (c === '\n') {
      inComment = false;
      continue;
    }
    if (inComment) continue;
    if (quote) {
      if (c === '\\' && quote.quote === '"') i++;
      else if (c === quote.quote) {
        if (quote.quote === "'" && text[i + 1] === "'") i++;
        else quote = null;
      }
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) inComment = true;
    // A quote opens a value only at its start: after ": ", "- ", "[", "{", "," or at the line start.
    else if ((c === '"' || c === "'") && ((anyQuoteInFlow && flows.length) || /(^|[:\-[{,]\s*|^\s*)$/.test(before(i)))) quote = { offset: i, quote: c };
    else if ((c === '[' || c === '{') && /(^|[:\-[{,])\s*$/.test(before(i))) flows.push({ offset: i, bracket: c });
    else if ((c === ']' || c === '}') && flows.length) flows.pop();
  }
  return { quote, flows };
}

/** Where the [ or { that is never closed opened: the last one before `end` still open, outside quotes and comments. */
function unclosedFlow(text: string, end: number): { offset: number; bracket: '[' | '{' } | null {
  return scanValues(text, end, true).flows.at(-1) ?? null;
}

/** Where the quote that is never closed opened: the last quote before `end` that starts a value. */
function unclosedQuote(text: string, end: number): { offset: number; quote: string } | null {
  return scanValues(text, end, false).quote;
}

/**
 * Each mapping's keys, indexed the first time a line is asked for in it: a file with thousands of
 * problems in one mapping (every field's selector broken) asks thousands of times, and a search
 * through the mapping each time made `radar validate` quadratic again.
 */
const keyIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
function pairOf(map: YAMLMap, key: string): Pair | undefined {
  let index = keyIndex.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items as Pair[]) {
      const k = p.key as { value?: unknown } | null;
      // The first of duplicate keys wins, as a search from the top would find it.
      if (k !== null && typeof k === 'object' && !index.has(String(k.value))) index.set(String(k.value), p);
    }
    keyIndex.set(map, index);
  }
  return index.get(key);
}

/** Line of the deepest node on `path` that exists: a missing field points at its parent. */
function lineOfPath(doc: Document, lc: LineCounter, path: readonly PropertyKey[]): number {
  let node: unknown = doc.contents;
  let offset = (node as { range?: [number] } | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = pairOf(node, String(seg));
      if (!pair) break;
      const key = pair.key as { range?: [number] };
      offset = key.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as { range?: [number] } | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return lc.linePos(offset).line;
}
