import { createHash } from 'node:crypto';
import type { Alert, Audience } from '../alerts/model.js';
import type { OwnersRules } from '../config/rules-schema.js';
import type { ItemData } from '../core/item.js';
import type { MentionReader } from './analyse.js';
import type { MentionRules, WatchEntry } from './rules.js';
import { foldForHash, hammingDistance } from './simhash.js';
import { dayOf, daysBetween, detectDailySpike, shiftDay, type DailySpike } from './spikes.js';
import type { MentionStore, Story, StorySource } from './store.js';
import type { Tone } from './tone.js';
import { numberOrNull, textOrNull } from '../core/values.js';

/** A story as a digest shows it. */
export interface StoryView {
  id: string;
  title: string | null;
  snippet: string | null;
  url: string | null;
  author: string | null;
  publishedAt: string | null;
  /** Distinct sites or accounts carrying it, first one first. */
  sources: string[];
  links: { source: string; url: string | null }[];
  engagement: number;
  tone: Tone;
  score: number;
  /** The words that decided the tone: `质量问题 −2, 投诉 −1`. */
  toneWords: { text: string; weight: number }[];
  topics: string[];
  entities: string[];
}

export type MentionAlertPayload =
  | { signal: 'story'; urgent: boolean; entities: { name: string; role: WatchEntry['role'] }[]; story: StoryView }
  | {
      signal: 'spike' | 'negative_burst';
      urgent: false;
      entity: string;
      role: WatchEntry['role'];
      /** Spikes of one topic (price_cut ...); null = all mentions of the entity. */
      topic: string | null;
      day: string;
      count: number;
      baseline: number;
      baselineDays: number;
      /** The day's biggest stories about it. */
      stories: StoryView[];
    };

/** A mention as a snapshot holds it, with where it came from. */
export interface MentionInput {
  targetId: string;
  region: string;
  key: string;
  data: ItemData;
  firstSeen: string;
}

export interface DecideMentionsInput {
  store: MentionStore;
  /** Every item of every mention target's snapshot: the new ones are judged, the known ones update engagement. */
  items: readonly MentionInput[];
  rules: MentionRules;
  owners: OwnersRules;
  reader: MentionReader;
  now: Date;
}

const DAY = 86_400_000;

const str = textOrNull;
const num = (v: unknown): number => numberOrNull(v) ?? 0;
const mentionId = (m: Pick<MentionInput, 'targetId' | 'key'>) => `${m.targetId}\u0000${m.key}`;

const SITE_TAG = /^\s*(【[^】]{1,8}】|\[[^\]]{1,8}\]|(转载|转发|原创|独家|快讯)[:：])\s*/u;

/** A title as every site would write it: no 【转载】/[原创] tag, punctuation, spaces or case. */
export function titleKey(title: string | null): string {
  if (!title) return '';
  return foldForHash(title.replace(SITE_TAG, ''));
}

/** Characters of the folded opening that make two texts one story on their own. */
const LEAD = 40;

/**
 * The first 40 letters of title and text folded: a repost cut short (a post quoting a headline
 * and its first sentence) keeps the opening, while its SimHash drifts with what was cut.
 * Empty for texts shorter than that, where an opening says too little.
 */
export function leadKey(title: string | null, text: string | null): string {
  const t = title ? title.replace(SITE_TAG, '') : '';
  const body = text ?? '';
  const lead = foldForHash(body.startsWith(t) ? body : `${t} ${body}`);
  return lead.length >= LEAD ? lead.slice(0, LEAD) : '';
}

/**
 * Judges the mentions no earlier run has seen and moves the store on: who they mention (only
 * those count), which story each belongs to (the same text on several sites is one story),
 * the day's counts per watched name and topic, and from that the alerts: new stories worth
 * reading, urgent ones about our brand, spikes and bursts of negative stories.
 * Pure: the store is copied, nothing is read or written.
 */
export function decideMentions(input: DecideMentionsInput): { alerts: Alert<MentionAlertPayload>[]; store: MentionStore } {
  const { rules, owners, reader, now } = input;
  const tz = owners.time_zone;
  const store: MentionStore = structuredClone(input.store);
  const at = now.toISOString();
  const today = dayOf(now, tz);
  const watch = new Map(rules.watch.map((w) => [w.name, w]));
  const byId = new Map(store.stories.map((s) => [s.id, s]));
  const touched = new Set<Story>();
  /** series → days that got a mention in this run. */
  const fresh = new Map<string, Set<string>>();
  const bump = (series: string, day: string) => {
    const c = (store.counts[series] ??= {});
    c[day] = (c[day] ?? 0) + 1;
    let days = fresh.get(series);
    if (!days) fresh.set(series, (days = new Set()));
    days.add(day);
  };

  // Known mentions: their engagement grows while they stay listed.
  for (const m of input.items) {
    const seen = store.seen[mentionId(m)];
    const story = seen?.story ? byId.get(seen.story) : undefined;
    const src = story?.sources.find((s) => s.targetId === m.targetId && s.key === m.key);
    const engagement = num(m.data.reposts) + num(m.data.comments);
    if (src && src.engagement !== engagement) {
      src.engagement = engagement;
      touched.add(story!);
    }
  }

  // New mentions, oldest first, so a story's first version is the one that started it.
  const news = input.items.filter((m) => !store.seen[mentionId(m)]).sort((a, b) => publishedOf(a).localeCompare(publishedOf(b)) || mentionId(a).localeCompare(mentionId(b)));
  for (const m of news) {
    const published = str(m.data.publishedAt);
    // A date in the future is a misread one: the day it was seen is the better guess.
    const when = published && Date.parse(published) <= now.getTime() + 3_600_000 ? new Date(published) : new Date(m.firstSeen);
    const day = dayOf(when, tz);
    const facts = reader.analyse({ title: str(m.data.title), text: str(m.data.text) });
    const entities = facts.entities.filter((e) => watch.has(e.name));
    let storyId: string | null = null;
    if (entities.length) {
      if (!store.since || daysBetween(day, store.since) > 0) store.since = day;
      for (const e of entities) {
        bump(`mentions:${e.name}`, day);
        for (const t of facts.topics) bump(`topic:${e.name}:${t.topic}`, day);
      }
      const source: StorySource = {
        targetId: m.targetId,
        key: m.key,
        source: str(m.data.source) ?? m.targetId,
        region: m.region,
        url: str(m.data.url),
        engagement: num(m.data.reposts) + num(m.data.comments),
      };
      const tk = titleKey(str(m.data.title));
      const lk = leadKey(str(m.data.title), str(m.data.text));
      const story = store.stories.find(
        (s) =>
          Date.parse(at) - Date.parse(s.firstSeen) <= rules.stories.window_days * DAY &&
          ((tk.length >= 6 && s.titleKey === tk) ||
            (lk !== '' && s.leadKey === lk) ||
            (facts.simhash !== null && s.simhash !== null && hammingDistance(s.simhash, facts.simhash) <= rules.stories.max_distance)),
      );
      if (story) {
        story.sources.push(source);
        story.lastSeen = at;
        for (const e of entities) if (!story.entities.some((x) => x.name === e.name)) story.entities.push({ name: e.name, role: e.role });
        touched.add(story);
        storyId = story.id;
      } else {
        const s: Story = {
          id: createHash('sha1').update(mentionId(m)).digest('hex').slice(0, 12),
          simhash: facts.simhash,
          titleKey: tk,
          leadKey: lk,
          firstSeen: at,
          lastSeen: at,
          day,
          title: str(m.data.title),
          snippet: snippet(str(m.data.text)),
          url: str(m.data.url),
          author: str(m.data.author),
          publishedAt: published,
          entities: entities.map((e) => ({ name: e.name, role: e.role })),
          tone: facts.tone.tone,
          score: facts.tone.score,
          strong: facts.tone.strong,
          words: facts.tone.words.slice(0, 6),
          topics: facts.topics,
          sources: [source],
          alerted: false,
          urgent: false,
        };
        store.stories.push(s);
        byId.set(s.id, s);
        touched.add(s);
        storyId = s.id;
        // Bursts count stories, not reposts: one story on ten sites is spreading, not a burst.
        if (s.tone === 'negative') for (const e of entities) bump(`negative:${e.name}`, day);
      }
    }
    store.seen[mentionId(m)] = { at, day, story: storyId };
  }

  const alerts: Alert<MentionAlertPayload>[] = [];
  const regionsOf = (s: Story) => [...new Set(s.sources.map((x) => x.region))];
  const recent = (s: Story) => now.getTime() - Date.parse(s.publishedAt ?? s.firstSeen) <= rules.stories.max_age_hours * 3_600_000;

  for (const s of touched) {
    if (!recent(s)) continue;
    const entries = s.entities.map((e) => watch.get(e.name)).filter((w): w is WatchEntry => !!w);
    const view = storyView(s);
    if (!s.urgent && isUrgent(s, rules)) {
      s.urgent = true;
      s.alerted = true;
      const brand = entries.filter((w) => w.role === 'brand');
      for (const aud of audiences(brand, regionsOf(s), rules, owners)) alerts.push(alert(`mention:urgent:${s.id}`, aud, at, { signal: 'story', urgent: true, entities: s.entities, story: view }));
      continue;
    }
    if (!s.alerted && worthAStory(s, rules)) {
      s.alerted = true;
      for (const aud of audiences(entries, regionsOf(s), rules, owners)) alerts.push(alert(`mention:story:${s.id}`, aud, at, { signal: 'story', urgent: false, entities: s.entities, story: view }));
    }
  }

  // Spikes and bursts, for the days this run added to (today and yesterday only: a backlog is history).
  const yesterday = shiftDay(today, -1);
  for (const [series, days] of fresh) {
    const [kind, name, topic] = series.split(':') as [string, string, string | undefined];
    const entry = watch.get(name);
    if (!entry) continue;
    for (const day of days) {
      if (day !== today && day !== yesterday) continue;
      const counts = store.counts[series] ?? {};
      const spike: DailySpike | null =
        kind === 'negative'
          ? detectDailySpike(counts, day, store.since, { factor: rules.negative_burst.factor, min: rules.negative_burst.min_stories, baseline_days: rules.spike.baseline_days, min_history_days: rules.spike.min_history_days })
          : detectDailySpike(counts, day, store.since, { factor: rules.spike.factor, min: rules.spike.min_mentions, baseline_days: rules.spike.baseline_days, min_history_days: rules.spike.min_history_days });
      if (!spike) continue;
      const stories = store.stories
        .filter((s) => s.day === day && s.entities.some((e) => e.name === name) && (kind !== 'negative' || s.tone === 'negative') && (!topic || s.topics.some((t) => t.topic === topic)))
        .sort((a, b) => b.sources.length - a.sources.length || b.score - a.score)
        .slice(0, 3);
      const regions = [...new Set(stories.flatMap(regionsOf))];
      const signal = kind === 'negative' ? 'negative_burst' : 'spike';
      for (const aud of audiences([entry], regions, rules, owners)) {
        alerts.push(
          alert(`mention:${signal}:${name}:${topic ?? '*'}:${day}`, aud, at, {
            signal,
            urgent: false,
            entity: name,
            role: entry.role,
            topic: topic ?? null,
            day,
            count: spike.count,
            baseline: spike.baseline,
            baselineDays: spike.baselineDays,
            stories: stories.map(storyView),
          }),
        );
      }
    }
  }

  prune(store, input.items, now, rules);
  return { alerts, store };
}

function publishedOf(m: MentionInput): string {
  return str(m.data.publishedAt) ?? m.firstSeen;
}

function snippet(text: string | null, max = 160): string | null {
  if (!text) return null;
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export function storyView(s: Story): StoryView {
  const sources: string[] = [];
  const links: StoryView['links'] = [];
  for (const x of s.sources) {
    if (sources.includes(x.source)) continue;
    sources.push(x.source);
    links.push({ source: x.source, url: x.url });
  }
  return {
    id: s.id,
    title: s.title,
    snippet: s.snippet,
    url: s.url,
    author: s.author,
    publishedAt: s.publishedAt,
    sources,
    links,
    engagement: s.sources.reduce((n, x) => n + x.engagement, 0),
    tone: s.tone,
    score: s.score,
    toneWords: s.words,
    topics: s.topics.map((t) => t.topic),
    entities: s.entities.map((e) => e.name),
  };
}

/** Our brand, strongly negative, and spreading: on several sites, or much reposted and discussed. */
export function isUrgent(s: Story, rules: MentionRules): boolean {
  if (!s.strong || !s.entities.some((e) => e.role === 'brand')) return false;
  const sites = new Set(s.sources.map((x) => x.source)).size;
  const engagement = s.sources.reduce((n, x) => n + x.engagement, 0);
  return sites >= rules.urgent.min_sources || engagement >= rules.urgent.min_engagement;
}

export function worthAStory(s: Story, rules: MentionRules): boolean {
  const when = rules.stories.alert_when;
  return when.includes('any') || (when.includes('negative') && s.tone === 'negative') || (when.includes('positive') && s.tone === 'positive') || (when.includes('topic') && s.topics.length > 0);
}

/**
 * Who hears about a watched name: our brand → marketing; competitors and customers → the heads
 * of the regions the rules name for them (else of the regions whose sources carried it); anyone
 * in `notify` too. Regions nobody owns are skipped; with nobody left, sales ops get it rather
 * than no one.
 */
export function audiences(entries: readonly WatchEntry[], sourceRegions: readonly string[], rules: MentionRules, owners: OwnersRules): Audience[] {
  const regions = new Set<string>();
  const people = new Set<string>();
  for (const w of entries) {
    if (w.role === 'brand' && rules.marketing.length) for (const p of rules.marketing) people.add(p);
    else for (const r of w.regions ?? sourceRegions) regions.add(r);
    for (const p of w.notify) people.add(p);
  }
  const out: Audience[] = [...regions].filter((r) => owners.regions[r]).sort().map((region) => ({ kind: 'region', region }));
  for (const email of [...people].sort()) out.push({ kind: 'person', email });
  return out.length ? out : [{ kind: 'ops' }];
}

function alert(base: string, audience: Audience, at: string, payload: MentionAlertPayload): Alert<MentionAlertPayload> {
  const to = audience.kind === 'region' ? audience.region : audience.kind === 'person' ? audience.email : audience.kind;
  return { id: `${base}→${to}`, topic: 'mention', audience, createdAt: at, payload };
}

/** Forgets what is older than `keep_days`, except mentions still listed (they would count again). */
function prune(store: MentionStore, items: readonly MentionInput[], now: Date, rules: MentionRules): void {
  const cutoff = now.getTime() - rules.keep_days * DAY;
  const listed = new Set(items.map(mentionId));
  for (const [id, s] of Object.entries(store.seen)) if (Date.parse(s.at) < cutoff && !listed.has(id)) delete store.seen[id];
  const oldest = shiftDay(dayOf(now, 'UTC'), -rules.keep_days - 1);
  for (const [series, days] of Object.entries(store.counts)) {
    for (const d of Object.keys(days)) if (d < oldest) delete days[d];
    if (Object.keys(days).length === 0) delete store.counts[series];
  }
  if (store.since && store.since < oldest) store.since = oldest;
  // A story outlives its window only while it is young enough to show in a spike's examples.
  const storyCutoff = now.getTime() - Math.max(rules.stories.window_days, 2) * DAY;
  store.stories = store.stories.filter((s) => Date.parse(s.lastSeen) >= storyCutoff);
}
