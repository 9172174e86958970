import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { Recipient } from '../alerts/route.js';
import type { OwnersRules } from '../config/rules-schema.js';
import { RadarError } from '../core/errors.js';
import type { StoredAlert } from '../store/outbox.js';
import { DIGEST_TYPES, digestFooter } from './digest-types.js';
import { formatDateTime } from './format.js';
import { fill, loadStrings, type Strings } from './i18n.js';
import { displayLinks } from './links.js';
import { getSection } from './sections/registry.js';
import type { InlineImage, SectionContext, TaskView } from './sections/types.js';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** Inline images the HTML refers to as cid:<cid>. */
  images: InlineImage[];
}

interface Compiled {
  html: Handlebars.TemplateDelegate;
  text: Handlebars.TemplateDelegate;
}

/**
 * Two Handlebars environments: HTML escapes every value (scraped text is untrusted), text does
 * not escape but is never interpreted as markup. Data is never compiled as a template, so a
 * product named "{{evil}}" prints as just that.
 */
const htmlEnv = Handlebars.create();
const textEnv = Handlebars.create();
for (const env of [htmlEnv, textEnv]) {
  env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  env.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    const t = (options.data.root as { t?: Record<string, string> }).t ?? {};
    return fill(t[key] ?? key, options.hash as Record<string, string | number>);
  });
  // Only http(s) links reach an href: a scraped "javascript:" URL becomes plain text.
  env.registerHelper('safeUrl', (u: unknown) => (typeof u === 'string' && /^https?:\/\//i.test(u) ? u : ''));
}

const cache = new Map<string, Compiled>();

function compile(templatesDir: string, name: string): Compiled {
  const key = `${templatesDir}\0${name}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const read = (ext: string) => {
    const f = join(templatesDir, `${name}.${ext}.hbs`);
    if (!existsSync(f)) throw new RadarError('config', 'template not found', { where: f });
    return readFileSync(f, 'utf8');
  };
  const c = {
    html: htmlEnv.compile(read('html'), { strict: false }),
    text: textEnv.compile(read('text'), { noEscape: true, strict: false }),
  };
  cache.set(key, c);
  return c;
}

export interface RenderInput {
  templatesDir: string;
  recipient: Recipient;
  alerts: StoredAlert[];
  owners: OwnersRules;
  now: Date;
  /** For sections that chart history from snapshots. */
  stateDir?: string;
  /** Most inline charts in this email (0 = text only). */
  charts?: number;
  /** Part n of m of a digest split for size. */
  part?: { n: number; of: number };
  /** Alerts covered by this email but not listed (digest over its size limits). */
  omitted?: number;
  memo?: Map<string, unknown>;
}

/** What every rendering of a digest shares: strings, sections in order, the subject, the charts. */
async function prepare(input: RenderInput) {
  const { recipient, owners, now } = input;
  const t = loadStrings(input.templatesDir, recipient.locale);
  const ctx: SectionContext = { locale: recipient.locale, t, timeZone: owners.time_zone, now, images: new Map(), memo: input.memo ?? new Map(), ...(input.stateDir ? { stateDir: input.stateDir } : {}) };
  const byTopic = new Map<string, StoredAlert[]>();
  for (const a of input.alerts) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a]);
  const sections = [...byTopic.entries()]
    .map(([topic, alerts]) => ({ topic, alerts, section: getSection(topic) }))
    .filter((s): s is typeof s & { section: NonNullable<typeof s.section> } => s.section !== undefined)
    .sort((a, b) => a.section.order - b.section.order);

  const headlines = sections
    .map((s) => s.section.headline(s.alerts, ctx))
    .filter((h): h is NonNullable<typeof h> => h !== null)
    .sort((a, b) => b.weight - a.weight);
  const prefix = subjectPrefix(input.alerts, recipient, owners, t);
  const part = input.part && input.part.of > 1 ? ` (${input.part.n}/${input.part.of})` : '';
  const subject = `${prefix ? `[${prefix}] ` : ''}${headlines.map((h) => h.text).slice(0, 2).join(t['subject.joiner'] ?? '; ') || (t['subject.fallback'] ?? 'sales-radar digest')}${part}`;

  // Charts go to the sections that come first, within the email's budget.
  let budget = input.charts ?? 0;
  const images: InlineImage[] = [];
  for (const s of sections) {
    if (budget <= 0 || !s.section.images) continue;
    try {
      const made = await s.section.images(s.alerts, ctx, budget);
      for (const img of made) ctx.images!.set(img.alertId, img);
      images.push(...made);
      budget -= made.length;
    } catch {
      // A chart that cannot be drawn leaves the text history in place; the digest still goes out.
    }
  }
  return { t, ctx, sections, headlines, subject, images, generatedAt: formatDateTime(now, owners.time_zone, recipient.locale) };
}

export async function renderDigest(input: RenderInput): Promise<RenderedEmail> {
  const { recipient, owners, templatesDir } = input;
  const { t, ctx, sections, headlines, subject, images, generatedAt } = await prepare(input);
  const rendered = sections.map((s) => {
    const tpl = compile(templatesDir, `sections/${s.topic}`);
    // Links are shown without tracking parameters, whichever section made them.
    const view = { ...displayLinks(s.section.view(s.alerts, ctx)), t, locale: recipient.locale };
    return { topic: s.topic, title: s.section.title(ctx), count: s.alerts.length, html: tpl.html(view), text: tpl.text(view) };
  });
  const layout = compile(templatesDir, 'digest');
  const view = {
    t,
    locale: recipient.locale,
    subject,
    summary: headlines.map((h) => h.text),
    generatedAt,
    timeZone: owners.time_zone,
    sections: rendered.map((r) => ({ ...r, html: new Handlebars.SafeString(r.html) })),
    footer: digestFooter(recipient.role, t, owners, regionNames(input.alerts, recipient, owners)),
    omitted: input.omitted ? fill(t['digest.omitted'] ?? '{n} more alerts are not listed (digest size limit)', { n: input.omitted }) : null,
    part: input.part && input.part.of > 1 ? fill(t['digest.part'] ?? 'Part {n} of {of}', input.part) : null,
  };
  return {
    subject,
    html: layout.html(view),
    text: layout.text({ ...view, sections: rendered }),
    images,
  };
}

/** One alert as plain text (its section's text template, for that alert alone), for chat channels to lay out. */
export interface ChatItem {
  alert: StoredAlert;
  text: string;
  /** The first http(s) link in it (the product, the tender, the failing page). */
  url: string | null;
  /** The alert as one person's to-do list, when its section has that shape (follow-up reminders). */
  task?: TaskView;
}

/** A digest for chat: the email's subject and summary, each alert's text on its own, and the charts. */
export interface ChatDigest {
  subject: string;
  summary: string[];
  generatedAt: string;
  timeZone: string;
  /** `notes`: lines every alert of the section repeats (a legend, a summary), said once. */
  sections: { topic: string; title: string; items: ChatItem[]; notes: string[] }[];
  images: InlineImage[];
  t: Strings;
}

export async function renderChat(input: RenderInput): Promise<ChatDigest> {
  const { recipient, templatesDir } = input;
  const { t, ctx, sections, headlines, subject, images, generatedAt } = await prepare(input);
  return {
    subject,
    summary: headlines.map((h) => h.text),
    generatedAt,
    timeZone: input.owners.time_zone,
    t,
    images,
    sections: sections.map((s) => {
      const tpl = compile(templatesDir, `sections/${s.topic}`);
      const texts = s.alerts.map((a) => tidy(tpl.text({ ...displayLinks(s.section.view([a], ctx)), t, locale: recipient.locale })));
      const { items, notes } = sharedLines(texts);
      return {
        topic: s.topic,
        title: s.section.title(ctx),
        notes,
        items: s.alerts.map((a, i) => {
          const task = s.section.task?.(a, ctx);
          return { alert: a, text: items[i]!, url: /https?:\/\/[^\s)]+/i.exec(items[i]!)?.[0] ?? null, ...(task ? { task } : {}) };
        }),
      };
    }),
  };
}

/**
 * A section rendered for one alert at a time repeats what it says about all of them (a legend,
 * per-competitor counts): lines found in every alert's text, other than its first, are taken out
 * and returned once.
 */
function sharedLines(texts: string[]): { items: string[]; notes: string[] } {
  if (texts.length < 2) return { items: texts, notes: [] };
  const linesOf = texts.map((t) => t.split('\n'));
  const common = linesOf[0]!.slice(1).filter((l) => l.trim() && linesOf.every((ls) => ls.slice(1).includes(l)));
  if (!common.length) return { items: texts, notes: [] };
  const shared = new Set(common);
  return { items: linesOf.map((ls) => [ls[0]!, ...ls.slice(1).filter((l) => !shared.has(l))].join('\n')), notes: [...shared].map((l) => l.trim()) };
}

/** Template output without trailing spaces and runs of blank lines. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The regions a digest's alerts are for, by the names the reader knows them by. */
function regionNames(alerts: StoredAlert[], r: Recipient, owners: OwnersRules): string[] {
  const regions = [...new Set(alerts.flatMap((a) => (a.audience.kind === 'region' ? [a.audience.region] : [])))];
  return regions.map((id) => {
    const reg = owners.regions[id];
    return (r.locale === 'en' ? reg?.name_en : reg?.name) ?? reg?.name ?? id;
  });
}

function subjectPrefix(alerts: StoredAlert[], r: Recipient, owners: OwnersRules, t: Record<string, string>): string {
  const prefix = DIGEST_TYPES[r.role].prefix;
  if (r.role === 'hr') return t[prefix!] ?? 'HR';
  const regions = regionNames(alerts, r, owners);
  if (regions.length) return regions.join('/');
  return prefix ? (t[prefix] ?? '') : '';
}
