import { z } from 'zod';

/**
 * The delivery channels by type, one line each: a channel is the file src/deliver/channels/<type>.ts
 * exporting `channel`, loaded the first time a message travels that way (deliver/channels/registry.ts).
 * The names live here, below everything, so validating rules/owners.yaml loads no channel code.
 */
export const CHANNEL_TYPES = [
  'email', //    SMTP, or .eml files (the default)
  'wecom', //    企业微信 group robot: markdown, template cards, chart images
  'dingtalk', // 钉钉 custom robot: markdown, ActionCard; HMAC-SHA256 timestamp + sign
  'feishu', //   飞书 custom bot: interactive cards; signed
  'webhook', //  any HTTP endpoint: JSON, HMAC-SHA256 signature headers (Standard Webhooks)
  'slack', //    Slack incoming webhook: Block Kit
] as const;

export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Types a chat channel in rules/owners.yaml may have (email goes by address, not by a channel entry). */
export const chatChannelTypes = CHANNEL_TYPES.filter((t) => t !== 'email');

/**
 * Topics whose content is personal data about employees: they may only ever reach HR (the `hr`
 * list, and chat channels marked `hr_private`).
 */
export const HR_ONLY_TOPICS: ReadonlySet<string> = new Set(['attrition']);

/**
 * Topics that are one person's own to-do list (the daily follow-up reminder): where that person
 * reads a chat channel of their own (`people.<email>.channels`) that takes the topic, it goes
 * there (as a task card on WeCom) instead of by email; else by email.
 */
export const CHAT_INSTEAD_OF_EMAIL_TOPICS: ReadonlySet<string> = new Set(['followup']);

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the NAME of an environment variable (secrets never go in YAML)');
export const channelName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'a channel name is letters, digits, "-" and "_"');

/**
 * A chat group or endpoint, by name, in rules/owners.yaml `channels:`. Its webhook URL (which
 * carries the robot's key) and signing secret are read from the environment at send time and
 * never written anywhere.
 */
export const channelDefSchema = z.strictObject({
  type: z.enum(chatChannelTypes as [string, ...string[]], { error: `expected one of ${chatChannelTypes.join(', ')}` }),
  /** Environment variable holding the webhook URL (WeCom and DingTalk put the key/token in it). */
  url_env: envName,
  /** Environment variable holding the signing secret (DingTalk 加签, Feishu 签名校验, webhook HMAC). */
  secret_env: envName.optional(),
  /** Only HR reads this group: it may carry HR topics (attrition). Nothing else may. */
  hr_private: z.boolean().default(false),
  /** Language of what is posted here (default: the language of the group it serves). */
  locale: z.enum(['zh-CN', 'en']).optional(),
  /** Largest post, in bytes of what the service counts (default: the service's documented limit). */
  max_bytes: z.number().int().min(500).optional(),
  /** Posts per digest; beyond that the last one counts the rest and links to where to see them. */
  max_posts: z.number().int().min(1).max(20).default(3),
  /** Requests the service accepts per period from one robot (default: its documented limit). */
  rate: z.strictObject({ max: z.number().int().min(1), per_seconds: z.number().int().min(1) }).optional(),
  /**
   * A round with one alert for this channel sends it as a card, with actions (0: never). Several
   * alerts share one post, as they share one email (a count above 1 means the same as 1).
   */
  cards: z.number().int().min(0).max(10).default(3),
  /** WeCom: price-history charts sent as images after a digest (0: none). */
  charts: z.number().int().min(0).max(5).default(1),
});

export type ChannelDef = z.output<typeof channelDefSchema>;

/** "east-wecom", or { channel: east-wecom, topics: [comparison], urgent_only: true }. */
export const subscriptionSchema = z.union([
  channelName,
  z.strictObject({
    channel: channelName,
    /** Only these alert topics (default: every topic the group gets). */
    topics: z.array(z.string().min(1)).min(1).optional(),
    /** Only alerts that go out at once (rules/delivery.yaml `immediate:`), not the daily digest. */
    urgent_only: z.boolean().default(false),
  }),
]);

export type SubscriptionInput = z.output<typeof subscriptionSchema>;

export interface Subscription {
  channel: string;
  topics?: string[];
  urgent_only: boolean;
}

export function subscription(s: SubscriptionInput): Subscription {
  return typeof s === 'string' ? { channel: s, urgent_only: false } : s;
}

export const subscriptionsSchema = z.array(subscriptionSchema).default([]);

/** The parts of rules/owners.yaml that say who reads which channel. */
export interface ChannelRouting {
  channels: Record<string, ChannelDef>;
  regions: Record<string, { channels: SubscriptionInput[] }>;
  ops_channels: SubscriptionInput[];
  hr_channels: SubscriptionInput[];
  hr: string[];
  people: Record<string, { channels: SubscriptionInput[] }>;
  topics: Record<string, string[]>;
}

const isHrTopic = (t: string) => HR_ONLY_TOPICS.has(t);

/**
 * Every channel named exists, and HR data can only reach channels private to HR: the `hr_channels`,
 * an HR person's own channels, and any channel a subscription or `topics:` entry sends an HR topic
 * to must be `hr_private`. Each problem is reported at the entry that causes it.
 */
export function checkChannelRouting(o: ChannelRouting, ctx: z.RefinementCtx): void {
  const defined = Object.keys(o.channels);
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const known = (name: string, path: PropertyKey[]) => {
    if (o.channels[name]) return true;
    issue(path, `unknown channel "${name}" (defined under channels: ${defined.join(', ') || 'none'})`);
    return false;
  };
  const notPrivate = (name: string) => `channel "${name}" is not hr_private: HR alerts (${[...HR_ONLY_TOPICS].join(', ')}) may only go to channels private to HR`;
  /** hr: everything here is HR data; person: an HR person's channel, fine if its topics leave HR out. */
  const walk = (list: SubscriptionInput[], path: PropertyKey[], carriesHr: 'hr' | 'person' | 'no') => {
    list.forEach((raw, i) => {
      const s = subscription(raw);
      const at = typeof raw === 'string' ? [...path, i] : [...path, i, 'channel'];
      if (!known(s.channel, at)) return;
      if (o.channels[s.channel]!.hr_private) return;
      if (s.topics?.some(isHrTopic)) issue([...path, i, 'topics'], notPrivate(s.channel));
      else if (carriesHr === 'hr' || (carriesHr === 'person' && !s.topics)) issue(at, notPrivate(s.channel));
    });
  };
  for (const [id, r] of Object.entries(o.regions)) walk(r.channels, ['regions', id, 'channels'], 'no');
  walk(o.ops_channels, ['ops_channels'], 'no');
  walk(o.hr_channels, ['hr_channels'], 'hr');
  for (const [email, p] of Object.entries(o.people)) walk(p.channels, ['people', email, 'channels'], o.hr.includes(email) ? 'person' : 'no');
  for (const [topic, names] of Object.entries(o.topics)) {
    names.forEach((name, i) => {
      if (name === 'email') return;
      if (!known(name, ['topics', topic, i])) return;
      if (isHrTopic(topic) && !o.channels[name]!.hr_private) issue(['topics', topic, i], notPrivate(name));
    });
  }
}
