import { z } from 'zod';
import { cronProblem } from '../time/cron.js';

const hhmm = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'expected a time of day like "08:30"');
const cron = z.string().refine((v) => cronProblem(v) === null, { error: (iss) => cronProblem(String(iss.input)) ?? 'invalid cron' });

/** rules/delivery.yaml: when mail goes out, how it is retried, and how the daemon schedules. */
export const deliveryRulesSchema = z.strictObject({
  /** Alerts not matched by `immediate` wait for the daily digest at this hour (owners.yaml time zone). */
  daily_at: hhmm.default('08:30'),
  /** Alerts matching any entry go out at the end of the run that found them. */
  immediate: z
    .array(
      z.strictObject({
        topic: z.string().min(1),
        /** Price moves at least this large (either direction). */
        min_change_percent: z.number().min(0).optional(),
        /** Only alerts whose payload has this flag set (a mention the rules found urgent: `urgent`). */
        flag: z.string().min(1).optional(),
      }),
    )
    .default([{ topic: 'scraper' }, { topic: 'mail' }, { topic: 'mention', flag: 'urgent' }]),
  /** The same item flapping between two values (or in and out of a listing) alerts once per this period. */
  cooldown_hours: z.number().min(0).default(24),
  digest: z
    .strictObject({
      /** Alerts listed per email; more are split into parts "(1/2)". */
      max_alerts: z.number().int().min(1).default(150),
      /** Parts per digest; beyond that the last part counts what it does not list. */
      max_parts: z.number().int().min(1).max(20).default(3),
      /** An email larger than this drops its charts, then splits. */
      max_bytes: z.number().int().min(50_000).default(5_000_000),
      /** Price-history charts per email, for the biggest moves (0 = text only). */
      charts: z.number().int().min(0).max(50).default(10),
    })
    .prefault({}),
  retry: z
    .strictObject({
      max_attempts: z.number().int().min(1).default(10),
      /** Wait after the 1st, 2nd ... failed attempt; the last value repeats. */
      backoff_minutes: z.array(z.number().positive()).min(1).default([1, 5, 15, 60, 180]),
      /** Sales ops hear about a message still unsent after this many attempts (and about every dead one). */
      notify_ops_after_attempts: z.number().int().min(1).default(3),
    })
    .prefault({}),
  /**
   * Where the actions on chat cards lead ("open", "acknowledge", "mute this item for 7 days").
   * Without a console, cards name the `radar alerts` command to run instead.
   */
  links: z
    .strictObject({
      /** Base URL of the web console, e.g. https://radar.example.com */
      console: z.url({ error: 'expected a URL like https://radar.example.com' }).nullable().default(null),
      open: z.string().default('/alerts/{id}'),
      ack: z.string().default('/alerts/{id}/ack'),
      mute: z.string().default('/alerts/{id}/mute?days=7'),
      /** Everything a channel was sent (the link after "12 more are not listed"). */
      list: z.string().default('/alerts?to={to}'),
    })
    .prefault({}),
  /** Sent mail and handled alerts are forgotten after this many days. */
  retention_days: z.number().min(1).default(30),
  daemon: z
    .strictObject({
      /** After downtime: run each target once for the slots it missed, or wait for the next slot. */
      catch_up: z.enum(['once', 'skip']).default('once'),
      /** Random delay per target run, 0..N seconds, so targets sharing a cron do not all start at once. */
      jitter_seconds: z.number().int().min(0).max(6 * 3600).default(0),
      /** Per-target jitter (target id → seconds), overriding jitter_seconds. */
      jitter: z.record(z.string(), z.number().int().min(0).max(6 * 3600)).default({}),
      /** Targets scraping at the same time. */
      concurrency: z.number().int().min(1).max(64).default(4),
      /** On SIGTERM, how long running targets may take to finish before they are abandoned. */
      shutdown_grace_seconds: z.number().int().min(0).max(3600).default(30),
      /** How often pending mail is looked at (retries wait for their backoff on top). */
      deliver_every: cron.default('* * * * *'),
      /**
       * Scheduled jobs besides targets (job name → cron, or "off"), e.g. attrition: "0 7 * * 1". The
       * attrition and health jobs run on Mondays by themselves once their exports are configured.
       */
      jobs: z.record(z.string(), z.union([z.literal('off'), cron])).default({}),
      /** Distributed mode: the Redis the coordinator and its workers share, e.g. redis://queue.corp:6379 (RADAR_REDIS_URL wins). */
      queue: z.string().regex(/^rediss?:\/\//, 'expected a redis:// URL, e.g. redis://queue.corp:6379 (a password as ${REDIS_PASSWORD})').optional(),
    })
    .prefault({}),
});

export type DeliveryRules = z.output<typeof deliveryRulesSchema>;
