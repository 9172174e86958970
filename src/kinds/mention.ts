import type { Rules } from '../config/rules-schema.js';
import type { Target } from '../config/target-schema.js';
import { FetchFailure } from '../core/verdict.js';
import { readFeed } from '../extract/feed.js';
import type { RawItem } from '../extract/items.js';
import { loadHtml, releaseDocument } from '../extract/selector.js';
import { MentionReader } from '../mentions/analyse.js';
import { mentionRulesSchema, type MentionRules } from '../mentions/rules.js';
import { toneWordsText } from '../mentions/tone.js';
import { parseCount } from '../parse/count.js';
import { DEFAULT_TIME_ZONE, parseDate } from '../parse/date.js';
import type { Decision, Item, ItemData, KindPlugin, NormaliseResult } from './types.js';
import { textOrNull } from '../core/values.js';

/** Text kept per mention: enough to judge tone and recognise a repost, not a copy of the article. */
const MAX_TEXT = 2000;

export function mentionRules(rules: Rules): MentionRules {
  return (rules.kinds?.mention as MentionRules | undefined) ?? mentionRulesSchema.parse({});
}

const readers = new WeakMap<MentionRules, MentionReader>();
/** One analyser per loaded rule set (it teaches the segmenter the watched names once). */
export function mentionReader(rules: MentionRules): MentionReader {
  let a = readers.get(rules);
  if (!a) readers.set(rules, (a = new MentionReader(rules)));
  return a;
}

/** Feed summaries and social posts come as HTML (`<p>`, `<br>`, links, emoji images): their text, on one line per block. */
export function cleanText(value: string | null | undefined, max = MAX_TEXT): string | null {
  if (typeof value !== 'string') return null;
  let text = value;
  if (/<[a-z!/]/i.test(text)) {
    const $ = loadHtml(text.replace(/<(br|\/p|\/div|\/li|\/h\d)\b[^>]*>/gi, '$&\n'));
    try {
      $('script, style').remove();
      // An emoji image's alt ([怒]) is what the writer typed.
      $('img[alt]').each((_i, el) => void $(el).replaceWith($(el).attr('alt') ?? ''));
      text = $.root().text();
    } finally {
      releaseDocument($);
    }
  }
  text = text
    .replace(/[ \t\u00a0\u3000]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
  if (text === '') return null;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Item text, trimmed; null when there is none. */
function str(v: unknown): string | null {
  return textOrNull(v)?.trim() ?? null;
}

/**
 * 舆情: one news article or social post per item, from an RSS/Atom feed (no `items:` needed),
 * a news portal's search results, a platform's JSON endpoint or a rendered page. Items carry
 * source, title, text, author, published time, link and engagement; who they mention, their
 * tone and topics, reposts across sites and spikes are judged after all targets ran, across
 * every source at once (src/mentions/analyser.ts), so the kind itself alerts nothing.
 */
/** The fields whose change counts (changedFields and the snapshot's fingerprints). */
const MENTION_CHANGE_FIELDS: readonly string[] = ['title', 'text', 'reposts', 'comments', 'likes'];

export const mentionKind: KindPlugin = {
  name: 'mention',
  // A post has text and no title, an RSS item may have a title only: normalise asks for either.
  requiredFields: [],
  describe: { zh: '舆情', en: 'News and social mentions' },
  rules: { file: 'mentions.yaml', schema: mentionRulesSchema },
  columns: ['title', 'text', 'author', 'publishedText', 'reposts', 'comments', 'likes'],

  extractStructured(html: string, pageUrl: string): RawItem[] {
    const items = readFeed(html, pageUrl);
    if (items) return items;
    throw new FetchFailure({ class: 'layout_changed', message: 'not an RSS or Atom feed; for a web page give items: selectors', url: pageUrl, sample: html.slice(0, 200) });
  },

  normalise(raw: RawItem, target: Target): NormaliseResult {
    const f = raw.fields;
    const title = cleanText(f.title, 300);
    const text = cleanText(f.text ?? f.content ?? f.summary ?? f.description ?? null);
    if (!title && !text) return { ok: false, key: raw.key, error: 'neither title nor text' };
    const url = str(f.url);
    const key = raw.key ?? url;
    if (!key) return { ok: false, key: null, error: 'no key (set items.key, or give each item a link)' };
    const publishedText = str(f.published ?? f.date ?? f.time ?? null);
    const published = publishedText ? parseDate(publishedText, { timeZone: target.time_zone ?? DEFAULT_TIME_ZONE }) : null;
    const data: ItemData = {
      source: str(f.source) ?? target.competitor,
      title,
      text,
      author: str(f.author ?? f.account ?? null),
      publishedText,
      publishedAt: published?.toISOString() ?? null,
      url,
      reposts: parseCount(f.reposts ?? f.shares ?? null),
      comments: parseCount(f.comments ?? null),
      likes: parseCount(f.likes ?? null),
    };
    return { ok: true, item: { key, data } };
  },

  changeFields: MENTION_CHANGE_FIELDS,

  changedFields(prev: ItemData, next: ItemData): string[] | null {
    const fields = MENTION_CHANGE_FIELDS.filter((k) => (prev[k] ?? null) !== (next[k] ?? null));
    return fields.length ? fields : null;
  },

  decide(_diff, ctx): Decision {
    return { alerts: [], state: ctx.state };
  },

  explain(item: Item, _target: Target, rules: Rules): string {
    const facts = mentionReader(mentionRules(rules)).analyse({ title: str(item.data.title), text: str(item.data.text) });
    if (!facts.entities.length) return 'skip: mentions no watched name';
    const who = facts.entities.map((e) => `${e.name} (${e.role})`).join(', ');
    const why = facts.tone.words.length ? `: ${toneWordsText(facts.tone.words, 3)}` : '';
    const topics = facts.topics.length ? ` · ${facts.topics.map((t) => t.topic).join(', ')}` : '';
    return `${who} · ${facts.tone.tone} ${facts.tone.score}${why}${topics}`;
  },
};
