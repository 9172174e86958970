/**
 * The small part of JSONPath that API responses need, and item extraction with it.
 *
 *   select(doc, 'data.list[*]')          → every element of data.list
 *   select(doc, '$.data["page-info"].total')
 *   first(item, 'price.current')         → one value or undefined
 *   first(item, 'skus[0].price')
 *
 * Paths never throw on data: a path that does not match yields nothing. A malformed path
 * throws once, when it is parsed (config time).
 */
import type { Target } from '../config/target-schema.js';
import { FetchFailure } from '../core/verdict.js';
import { absoluteUrl } from './selector.js';
import type { ExtractedPage, RawItem } from './items.js';

type Segment = { key: string } | { index: number } | { wildcard: true };

const cache = new Map<string, Segment[]>();

export function parsePath(path: string): Segment[] {
  const hit = cache.get(path);
  if (hit) return hit;
  const segs: Segment[] = [];
  let s = path.trim();
  if (s.startsWith('$')) s = s.slice(1);
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`bad JSON path "${path}": ${why}`);
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === '.') {
      i++;
      if (s[i] === '*') {
        segs.push({ wildcard: true });
        i++;
      }
      continue;
    }
    if (c === '[') {
      const end = s.indexOf(']', i);
      if (end < 0) fail('missing ]');
      const inner = s.slice(i + 1, end).trim();
      if (inner === '*') segs.push({ wildcard: true });
      else if (/^-?\d+$/.test(inner)) segs.push({ index: Number(inner) });
      else if (/^(['"]).*\1$/.test(inner)) segs.push({ key: inner.slice(1, -1) });
      else fail(`expected [*], [0] or ["key"], got [${inner}]`);
      i = end + 1;
      continue;
    }
    if (c === '*') {
      segs.push({ wildcard: true });
      i++;
      continue;
    }
    let j = i;
    while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
    segs.push({ key: s.slice(i, j) });
    i = j;
  }
  cache.set(path, segs);
  return segs;
}

/** Every value the path reaches. */
export function select(doc: unknown, path: string): unknown[] {
  let cur: unknown[] = [doc];
  for (const seg of parsePath(path)) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (v === null || typeof v !== 'object') continue;
      if ('wildcard' in seg) next.push(...(Array.isArray(v) ? v : Object.values(v)));
      else if ('index' in seg) {
        if (Array.isArray(v)) {
          const x = v[seg.index < 0 ? v.length + seg.index : seg.index];
          if (x !== undefined) next.push(x);
        }
      } else if (Object.prototype.hasOwnProperty.call(v, seg.key)) next.push((v as Record<string, unknown>)[seg.key]);
    }
    cur = next;
  }
  return cur;
}

export function first(doc: unknown, path: string): unknown {
  return select(doc, path)[0];
}

/** A JSON value as field text: scalars as they read, lists of scalars joined; objects are not text. */
export function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? null : t;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) {
    const parts = v.map(asText).filter((x): x is string => x !== null);
    return parts.length ? parts.join(', ') : null;
  }
  return null;
}

/**
 * Items of a JSON response: `items.each` is the path to them (`data.list[*]`, or `data.list`
 * when that is an array), `key` and `fields` are paths inside one item, `fetch.next` (if any)
 * is the path of the next page's URL.
 */
export function extractJsonItems(text: string, pageUrl: string, target: Target): ExtractedPage {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new FetchFailure({
      class: 'parse_error',
      message: 'the API did not answer with JSON',
      url: pageUrl,
      sample: text.replace(/\s+/g, ' ').trim().slice(0, 300),
    });
  }
  const spec = target.items!;
  let nodes = select(doc, spec.each);
  if (nodes.length === 1 && Array.isArray(nodes[0])) nodes = nodes[0];
  const items: RawItem[] = nodes.map((node) => {
    const fields: Record<string, string | null> = {};
    for (const [name, path] of Object.entries(spec.fields)) {
      const v = asText(first(node, path));
      fields[name] = v !== null && (name === 'url' || name === 'link') ? absoluteUrl(v, pageUrl) : v;
    }
    const key = spec.key ? asText(first(node, spec.key)) : fields.url ?? null;
    return { key, fields };
  });
  const next = target.fetch.next ? asText(first(doc, target.fetch.next)) : null;
  return { items, nextUrl: next ? absoluteUrl(next, pageUrl) : null, matched: nodes.length };
}
