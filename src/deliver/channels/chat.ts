import { alertRef } from '../../alerts/ref.js';
import type { Recipient } from '../../alerts/route.js';
import { messageId, type StoredAlert } from '../../store/outbox.js';
import { fill, type Strings } from '../i18n.js';
import type { DeliveryRules } from '../policy.js';
import type { ChatDigest, ChatItem } from '../render.js';
import type { InlineImage, TaskView } from '../sections/types.js';
import type { ComposeInput, Composed } from './types.js';

// Handlebars, the sections and the chart renderer: loaded for the first chat digest to compose.
const renderer = () => import('../render.js');

export interface Link {
  label: string;
  url: string;
}

/** One post of a digest: its title, the alerts it lists by section, and (last post) what it leaves out. */
export interface Page {
  title: string;
  /** "sales-radar · 2026/05/01 08:30 (Asia/Shanghai)" */
  meta: string;
  /** The digest's headlines: on the first post only. */
  summary: string[];
  /** `notes`: what the section says about all its alerts (a legend), after them. */
  sections: { title: string; items: ChatItem[]; notes: string[] }[];
  /** Alerts counted but not listed, and where to see them. */
  more: { n: number; text: string; link: Link | null } | null;
  /** The destination (channel name) and when the digest was made (ISO), for machine readers. */
  to: string;
  at: string;
  t: Strings;
}

/** One alert on its own, with what can be done about it. */
export interface Card {
  /** Its section's title ("Competitor prices"). */
  section: string;
  /** The digest's subject. */
  subject: string;
  meta: string;
  item: ChatItem;
  /** Open / acknowledge / mute, as links (a console is configured). */
  actions: Link[];
  /** Without a console: the commands that do the same. */
  commands: string[];
  t: Strings;
}

/** One person's to-do list (a rep's follow-up reminder), for a channel with task cards. */
export interface TaskCard {
  view: TaskView;
  /** The alert in the console, when one is configured (a card needs somewhere to go when tapped). */
  open: Link | null;
  meta: string;
  t: Strings;
}

/** How a chat channel lays a digest out, and how its service counts size. */
export interface ChatFormat {
  maxBytes: number;
  /** Size of a request body as the service limits it; Infinity when it breaks another limit (block count ...). */
  measure(body: unknown): number;
  page(p: Page): unknown;
  /** Null: this alert cannot be a card here (the digest is then sent as posts). */
  card?(c: Card): unknown | null;
  /** An alert whose section gives it as a task list; null: not here (it goes as a card or a post like any other). */
  task?(c: TaskCard): unknown | null;
  image?(img: InlineImage): unknown;
}

interface Entry {
  section: string;
  notes: string[];
  item: ChatItem;
}

/** Room kept in every title for a " (n/m)" added once the number of posts is known. */
const PART_ROOM = ' (20/20)';

/**
 * Composes a destination's alerts (all a round has for it) for a chat channel: a lone alert as a
 * card (with actions), else one post, packed up to the service's size limit and split only beyond
 * it, at most `max_posts` of them,
 * the last one counting what it cannot list and saying where to see it; then chart images where
 * the channel takes them. Every post is a message of its own in the outbox, in order.
 */
export async function composeChat(input: ComposeInput, format: ChatFormat): Promise<Composed[]> {
  const d = input.destination;
  const def = d.def!;
  const recipient: Recipient = { email: d.key, locale: d.locale, role: d.role };
  const { renderChat } = await renderer();
  const digest = await renderChat({
    templatesDir: input.templatesDir,
    recipient,
    alerts: input.alerts,
    owners: input.owners,
    now: input.now,
    memo: input.memo,
    ...(input.stateDir ? { stateDir: input.stateDir } : {}),
    charts: format.image ? def.charts : 0,
  });
  const t = digest.t;
  const meta = `sales-radar · ${digest.generatedAt} (${digest.timeZone})`;
  const entries: Entry[] = digest.sections.flatMap((s) => s.items.map((item) => ({ section: s.title, notes: s.notes, item })));
  const posts: { body: unknown; subject: string; covered: StoredAlert[]; shows?: StoredAlert[]; kind: string; omitted?: number }[] = [];

  // A person's to-do list goes as a task card of its own where the channel has them; the rest as usual.
  const rest: Entry[] = [];
  entries.forEach((e, i) => {
    const body = e.item.task && format.task ? format.task(taskCardOf(e.item.task, e.item.alert.id, meta, input.links, t)) : null;
    if (body) posts.push({ body, subject: `${digest.subject}: ${e.item.task!.title}`, covered: [e.item.alert], kind: `task${i}` });
    else rest.push(e);
  });
  const listedAll = new Set(entries.map((e) => e.item.alert.id));
  const needPages = rest.length > 0 || posts.length === 0 || input.alerts.some((a) => !listedAll.has(a.id));
  // One post per destination per round, as the email is one per round: only a lone alert goes as a
  // card (its actions are for one alert); several share a digest, split only beyond the size limit.
  const lone = input.alerts.length === 1 && rest.length === 1;
  const cards = !needPages ? null : format.card && lone && def.cards > 0 ? rest.map((e) => format.card!(cardOf(e, digest, meta, input.links, d.key))) : null;
  if (cards && cards.every((c) => c !== null && c !== undefined)) {
    cards.forEach((body, i) => posts.push({ body, subject: `${digest.subject}: ${firstLine(rest[i]!.item.text)}`, covered: [rest[i]!.item.alert], kind: `card${i}` }));
  } else if (needPages) {
    const maxBytes = def.max_bytes ?? format.maxBytes;
    const pageOf = (list: Entry[], first: boolean, more: number, title = digest.subject + PART_ROOM): Page => ({
      title,
      meta,
      summary: first ? digest.summary : [],
      sections: group(list),
      more: more ? moreNote(more, t, input.links, d.key) : null,
      to: d.key,
      at: input.now.toISOString(),
      t,
    });
    const fits = (list: Entry[], first: boolean, more = 0) => format.measure(format.page(pageOf(list, first, more))) <= maxBytes;
    // As many alerts per post as fit (found by doubling, then halving: a few renders per post,
    // not one per alert), and no more posts than max_posts: the rest is only counted.
    const pages: Entry[][] = [];
    let start = 0;
    while (start < rest.length && pages.length < def.max_posts) {
      const first = pages.length === 0;
      const take = (k: number) => rest.slice(start, start + k);
      if (!fits(take(1), first)) {
        pages.push([fitAlone(rest[start]!, (x) => fits([x], first))]);
        start += 1;
        continue;
      }
      let good = 1;
      let bad = rest.length - start + 1;
      for (let step = 1; good + step < bad; step *= 2) {
        if (fits(take(good + step), first)) good += step;
        else {
          bad = good + step;
          break;
        }
      }
      while (bad - good > 1) {
        const mid = Math.floor((good + bad) / 2);
        if (fits(take(mid), first)) good = mid;
        else bad = mid;
      }
      pages.push(take(good));
      start += good;
    }
    if (!pages.length) pages.push([]);
    let omitted: Entry[] = rest.slice(start);
    if (omitted.length) {
      const last = pages.at(-1)!;
      while (last.length > 1 && !fits(last, pages.length === 1, omitted.length)) omitted.unshift(last.pop()!);
    }
    // Alerts no section renders are still carried (by the last post), never left waiting forever.
    const listed = new Set(entries.map((e) => e.item.alert.id));
    const unlisted = input.alerts.filter((a) => !listed.has(a.id));
    pages.forEach((list, i) => {
      const lastPage = i === pages.length - 1;
      const title = pages.length > 1 ? `${digest.subject} (${i + 1}/${pages.length})` : digest.subject;
      const more = lastPage ? omitted.length : 0;
      posts.push({
        body: format.page(pageOf(list, i === 0, more, title)),
        subject: title,
        covered: [...[...list, ...(lastPage ? omitted : [])].map((e) => e.item.alert), ...(lastPage ? unlisted : [])],
        kind: `page${i}`,
        ...(more ? { omitted: more } : {}),
      });
    });
  }
  if (format.image) {
    for (const img of digest.images) {
      const alert = input.alerts.find((a) => a.id === img.alertId);
      const body = alert ? format.image(img) : null;
      if (alert && body) posts.push({ body, subject: img.alt, covered: [], shows: [alert], kind: `img:${img.cid}` });
    }
  }
  return posts.map((p, i) => {
    const body = Buffer.from(JSON.stringify(p.body));
    const ids = [...p.covered, ...(p.shows ?? [])].map((a) => a.id);
    return {
      id: messageId(`${d.key}#${p.kind}`, ids),
      covered: p.covered,
      ...(p.shows ? { shows: p.shows } : {}),
      subject: p.subject,
      body,
      fields: { bytes: body.length, ...(posts.length > 1 ? { part: { n: i + 1, of: posts.length } } : {}), ...(p.omitted ? { omitted: p.omitted } : {}) },
    };
  });
}

function group(list: Entry[]): Page['sections'] {
  const out: Page['sections'] = [];
  for (const e of list) {
    const last = out.at(-1);
    if (last && last.title === e.section) last.items.push(e.item);
    else out.push({ title: e.section, items: [e.item], notes: e.notes });
  }
  return out;
}

/** An alert too long for a post on its own is cut short (its link kept) rather than dropped. */
function fitAlone(e: Entry, fits: (e: Entry) => boolean): Entry {
  if (fits(e)) return e;
  const text = e.item.text;
  const keep = e.item.url ? `\n${e.item.url}` : '';
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits({ ...e, item: { ...e.item, text: `${[...text].slice(0, mid).join('')}…${keep}` } })) lo = mid;
    else hi = mid - 1;
  }
  return { ...e, item: { ...e.item, text: `${[...text].slice(0, lo).join('')}…${keep}` } };
}

function moreNote(n: number, t: Strings, links: DeliveryRules['links'], to: string): Page['more'] {
  const text = fill(t['chat.more'] ?? '{n} more alerts are not listed here', { n });
  if (links.console) return { n, text, link: { label: t['chat.more_console'] ?? 'See them all in the console', url: linkTo(links, links.list, { to }) } };
  return { n, text: `${text}: ${fill(t['chat.more_cli'] ?? 'radar alerts list --to {to}', { to })}`, link: null };
}

function taskCardOf(view: TaskView, id: string, meta: string, links: DeliveryRules['links'], t: Strings): TaskCard {
  const open = links.console ? { label: t['chat.open'] ?? 'Open in console', url: linkTo(links, links.open, { id, ref: alertRef(id), to: '' }) } : null;
  return { view, open, meta, t };
}

function cardOf(e: Entry, digest: ChatDigest, meta: string, links: DeliveryRules['links'], to: string): Card {
  const t = digest.t;
  const id = e.item.alert.id;
  const ref = alertRef(id);
  const vars = { id, ref, to };
  return {
    section: e.section,
    subject: digest.subject,
    meta,
    item: e.item,
    actions: links.console
      ? [
          { label: t['chat.open'] ?? 'Open in console', url: linkTo(links, links.open, vars) },
          { label: t['chat.ack'] ?? 'Acknowledge', url: linkTo(links, links.ack, vars) },
          { label: t['chat.mute'] ?? 'Mute 7 days', url: linkTo(links, links.mute, vars) },
        ]
      : [],
    commands: links.console
      ? []
      : [fill(t['chat.cli_ack'] ?? 'Acknowledge: radar alerts ack {ref}', { ref }), fill(t['chat.cli_mute'] ?? 'Mute 7 days: radar alerts mute {ref} --days 7', { ref })],
    t,
  };
}

/** A console link: the configured base plus a path with {id}, {ref} or {to} filled in (URL-encoded). */
export function linkTo(links: DeliveryRules['links'], path: string, vars: Record<string, string>): string {
  const enc = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, encodeURIComponent(v)]));
  return `${(links.console ?? '').replace(/\/+$/, '')}${fill(path, enc)}`;
}

export function firstLine(text: string, max = 80): string {
  const line = (text.split('\n')[0] ?? '').replace(/^[*+\-!]\s+/, '').trim();
  return [...line].length > max ? `${[...line].slice(0, max - 1).join('')}…` : line;
}

const URL_RE = /https?:\/\/[^\s<>"'`]+/gi;

/**
 * Scraped text in a markup of some chat service: every line is escaped for that markup except
 * the links in it, which become real links. Our own bullets ("* ", "+ ", "- ") become "• ".
 */
export function markup(text: string, esc: (s: string) => string, link: (url: string) => string): string {
  return text
    .split('\n')
    .map((line) => {
      const bullet = /^(\s*)[*+\-]\s+/.exec(line);
      const body = bullet ? `${bullet[1]}• ${line.slice(bullet[0].length)}` : line;
      let out = '';
      let at = 0;
      for (const m of body.matchAll(URL_RE)) {
        out += esc(body.slice(at, m.index)) + link(m[0]);
        at = m.index + m[0].length;
      }
      return out + esc(body.slice(at));
    })
    .join('\n');
}

/**
 * WeCom/DingTalk markdown has no escape character: what would make a link, a tag, emphasis or
 * code becomes a full-width look-alike, and so do a heading's "#" and a quote's ">" at the start
 * of a line. "->" and "#3" in the middle of a line stay as they are.
 */
export function escapeChatMarkdown(s: string): string {
  return s
    .replace(/[[\]<*`\\]/g, (c) => ({ '[': '［', ']': '］', '<': '＜', '*': '＊', '`': '｀', '\\': '＼' })[c]!)
    .replace(/^(\s*)([#>])/gm, (_m, sp: string, c: string) => sp + (c === '#' ? '＃' : '＞'));
}

/** A URL that cannot end a markdown link early or open a tag. */
export function safeLinkUrl(url: string): string {
  return url.replace(/[()[\]<>\s"'`|]/g, (c) => encodeURIComponent(c));
}

/** Text with its links taken out (a card carries them as buttons), lines left trimmed. */
export function withoutUrls(text: string): string {
  return text
    .replace(URL_RE, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');
}

export function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function cut(s: string, max: number): string {
  return [...s].length > max ? `${[...s].slice(0, max - 1).join('')}…` : s;
}
