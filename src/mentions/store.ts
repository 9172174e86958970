import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from '../store/atomic.js';
import { RadarError } from '../core/errors.js';
import type { TopicHit } from './analyse.js';
import type { WatchEntry } from './rules.js';
import type { Tone, ToneWord } from './tone.js';

/** A mention already judged (target + item key), so the next run does not count it again. */
export interface SeenMention {
  at: string;
  /** The calendar day it counts on. */
  day: string;
  /** The story it joined; null when it mentions nobody watched. */
  story: string | null;
}

export interface StorySource {
  targetId: string;
  key: string;
  /** The site or account it appeared on (the item's source, else its target's `competitor:`). */
  source: string;
  region: string;
  url: string | null;
  /** Reposts + comments, as last read. */
  engagement: number;
}

/** One story, however many sites carry it: its first version speaks for all. */
export interface Story {
  id: string;
  simhash: string | null;
  /** The title folded (punctuation, case, a site's 【转载】 gone), for reposts that rewrote the text. */
  titleKey: string;
  /** The folded opening (see decide.ts leadKey), for reposts cut short. */
  leadKey?: string;
  firstSeen: string;
  lastSeen: string;
  day: string;
  title: string | null;
  snippet: string | null;
  url: string | null;
  author: string | null;
  publishedAt: string | null;
  entities: { name: string; role: WatchEntry['role'] }[];
  tone: Tone;
  score: number;
  strong: boolean;
  words: ToneWord[];
  topics: TopicHit[];
  sources: StorySource[];
  alerted: boolean;
  urgent: boolean;
}

export interface MentionStore {
  version: 1;
  /** The first day mentions could be seen (backdated by published times): baselines start here. */
  since: string | null;
  seen: Record<string, SeenMention>;
  stories: Story[];
  /** Series (`mentions:东岳`, `topic:东岳:price_cut`, `negative:东岳`) → day → count. */
  counts: Record<string, Record<string, number>>;
}

export function emptyMentionStore(): MentionStore {
  return { version: 1, since: null, seen: {}, stories: [], counts: {} };
}

export function mentionStoreFile(stateDir: string): string {
  return join(stateDir, 'mentions.json');
}

export function readMentionStore(stateDir: string): MentionStore {
  const file = mentionStoreFile(stateDir);
  const raw = readJsonFile<Partial<MentionStore>>(file);
  if (raw === null) return emptyMentionStore();
  if (raw.version !== 1) throw new RadarError('store', `not a mention store this version can read (version ${JSON.stringify(raw.version ?? null)})`, { where: file });
  return { version: 1, since: raw.since ?? null, seen: raw.seen ?? {}, stories: raw.stories ?? [], counts: raw.counts ?? {} };
}

export function writeMentionStore(stateDir: string, store: MentionStore): void {
  writeFileAtomic(mentionStoreFile(stateDir), `${JSON.stringify(store)}\n`);
}
