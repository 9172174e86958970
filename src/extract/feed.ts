import { createRequire } from 'node:module';
import type { RawItem } from './items.js';

// Loaded on the first feed read: config validation imports the kinds (and so this file), and a
// daemon at rest reads no feed.
const requireLazy = createRequire(import.meta.url);
type FeedParser = typeof import('@rowanmanning/feed-parser');
let parser: FeedParser | undefined;

/** The first 1 KB says whether a text is a feed at all (after an optional BOM, XML declaration and comments). */
export function looksLikeFeed(text: string): boolean {
  const head = text.slice(0, 1024).replace(/^\uFEFF/, '').replace(/<\?xml[^>]*\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/gi, '').trimStart();
  return /^<(rss|feed|rdf:RDF)\b/i.test(head);
}

/**
 * RSS 0.9x/1.0/2.0 and Atom items as raw fields, by a lenient, well-tested parser
 * (@rowanmanning/feed-parser): title, link, summary/content (HTML as written: the kind cleans
 * it), author, the date as written (so the date parser can read `2026年3月5日` and
 * `3小时前` too), and the item's guid as key. Null when the text is not a feed.
 */
export function readFeed(xml: string, pageUrl: string): RawItem[] | null {
  if (!looksLikeFeed(xml)) return null;
  parser ??= requireLazy('@rowanmanning/feed-parser') as FeedParser;
  let feed: ReturnType<FeedParser['parseFeed']>;
  try {
    feed = parser.parseFeed(xml);
  } catch {
    return null;
  }
  const items: RawItem[] = [];
  for (const it of feed.items) {
    // The parser turns only RFC 822 / ISO dates into Dates; the text as written goes to our parser.
    const dateEl = ['pubdate', 'published', 'issued', 'date', 'updated', 'modified'].map((n) => it.element.findElementWithName(n)).find((e) => e && e.textContentNormalized);
    const dateText = dateEl?.textContentNormalized ?? null;
    const base = feed.url ?? pageUrl;
    const url = it.url ? absolute(it.url, base) : null;
    const author = it.authors.map((a) => a.name ?? a.email).filter(Boolean).join(', ') || null;
    items.push({
      // A guid is often the item's (relative) link; an opaque one (urn:…, a number) is kept as it is.
      key: (it.id && /^\.{0,2}\//.test(it.id) ? absolute(it.id, base) : it.id) ?? url ?? (it.title ? `${it.title}|${dateText ?? ''}` : null),
      fields: {
        title: it.title,
        text: it.content ?? it.description,
        author,
        published: dateText ?? (it.published ?? it.updated)?.toISOString() ?? null,
        url,
      },
      extra: { feedTitle: feed.title },
    });
  }
  return items;
}

function absolute(href: string, base: string): string {
  try {
    return new URL(href, base).toString();
  } catch {
    return href;
  }
}
