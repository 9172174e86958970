import type { MentionAlertPayload, StoryView } from '../../mentions/decide.js';
import { formatDate, formatDay } from '../format.js';
import type { StoredAlert } from '../../store/outbox.js';
import { fill, type Strings } from '../i18n.js';
import type { Section, SectionContext } from './types.js';

type SignalPayload = Extract<MentionAlertPayload, { signal: 'spike' | 'negative_burst' }>;
type StoryPayload = Extract<MentionAlertPayload, { signal: 'story' }>;

const payloads = (alerts: StoredAlert[]) => alerts.map((a) => a.payload as unknown as MentionAlertPayload);

export function topicLabel(topic: string, t: Strings): string {
  return t[`mention.topic.${topic}`] ?? topic;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function storyRow(s: StoryView, ctx: SectionContext) {
  return {
    title: s.title ?? s.snippet ?? s.id,
    url: s.url,
    snippet: s.title ? s.snippet : null,
    entities: s.entities.join(', '),
    sources: s.sources.join(', '),
    sourceCount: s.sources.length,
    reposted: s.sources.length > 1,
    links: s.links,
    tone: ctx.t[`mention.tone.${s.tone}`] ?? s.tone,
    negative: s.tone === 'negative',
    positive: s.tone === 'positive',
    score: s.score,
    // Why this tone: the words that decided it, as the reader can find them in the text.
    why: s.toneWords
      .slice(0, 4)
      .map((w) => `${w.text} ${w.weight > 0 ? '+' : '−'}${Math.abs(w.weight)}`)
      .join(', '),
    topics: s.topics.map((x) => topicLabel(x, ctx.t)).join(', '),
    published: s.publishedAt ? formatDate(new Date(s.publishedAt), ctx.timeZone, ctx.locale, { time: true, now: ctx.now }) : null,
    author: s.author,
    engagement: s.engagement > 0 ? s.engagement : null,
  };
}

function signalRow(p: SignalPayload, ctx: SectionContext) {
  const vars = { count: p.count, baseline: p.baseline, days: p.baselineDays, day: formatDay(p.day, ctx.timeZone, ctx.locale, ctx.now) };
  return {
    entity: p.entity,
    topic: p.topic ? topicLabel(p.topic, ctx.t) : null,
    line: fill(ctx.t[p.signal === 'spike' ? 'mention.spike_line' : 'mention.burst_line'] ?? '{count} on {day} (usual {baseline}/day over {days} days)', vars),
    stories: p.stories.map((s) => storyRow(s, ctx)),
  };
}

export const mentionSection: Section = {
  topic: 'mention',
  // After tenders, prices and hiring: what is said about them, not what they did.
  order: 35,
  title: (ctx) => ctx.t['mention.title'] ?? 'News and social mentions',
  view(alerts, ctx) {
    const ps = payloads(alerts);
    const stories = ps.filter((p): p is StoryPayload => p.signal === 'story');
    // Negative first, then the most widely carried.
    const order = (a: StoryPayload, b: StoryPayload) => a.story.score - b.story.score || b.story.sources.length - a.story.sources.length;
    return {
      urgent: stories.filter((p) => p.urgent).sort(order).map((p) => storyRow(p.story, ctx)),
      spikes: ps.filter((p): p is SignalPayload => p.signal === 'spike').sort((a, b) => b.count - a.count).map((p) => signalRow(p, ctx)),
      bursts: ps.filter((p): p is SignalPayload => p.signal === 'negative_burst').sort((a, b) => b.count - a.count).map((p) => signalRow(p, ctx)),
      stories: stories.filter((p) => !p.urgent).sort(order).map((p) => storyRow(p.story, ctx)),
    };
  },
  weight(a) {
    const p = a.payload as unknown as MentionAlertPayload;
    if (p.signal === 'story') return (p.urgent ? 1e6 : 0) + p.story.sources.length * 10 - p.story.score;
    return 5000 + p.count;
  },
  headline(alerts, ctx) {
    const ps = payloads(alerts);
    const urgent = ps.find((p): p is StoryPayload => p.signal === 'story' && p.urgent);
    if (urgent) return { text: fill(ctx.t['mention.headline_urgent'] ?? 'Urgent: {title}', { title: truncate(urgent.story.title ?? urgent.story.id, 30) }), weight: 60 };
    const spike = ps.filter((p): p is SignalPayload => p.signal !== 'story').sort((a, b) => b.count - a.count)[0];
    if (spike) {
      const key = spike.signal === 'spike' ? 'mention.headline_spike' : 'mention.headline_burst';
      return { text: fill(ctx.t[key] ?? '{entity}: {count} mentions today', { entity: spike.entity, count: spike.count, baseline: spike.baseline }), weight: 22 };
    }
    const negative = ps.filter((p): p is StoryPayload => p.signal === 'story' && p.story.tone === 'negative').sort((a, b) => a.story.score - b.story.score)[0];
    if (negative) return { text: fill(ctx.t['mention.headline_negative'] ?? 'Negative: {title} ({n} sources)', { title: truncate(negative.story.title ?? negative.story.id, 24), n: negative.story.sources.length }), weight: 18 };
    return ps.length ? { text: fill(ctx.t['mention.headline_stories'] ?? '{n} stories in the news', { n: ps.length }), weight: 5 } : null;
  },
};
