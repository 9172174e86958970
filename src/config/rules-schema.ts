import { z } from 'zod';
import type { DeliveryRules } from './delivery-schema.js';
import { channelDefSchema, channelName, checkChannelRouting, subscriptionsSchema } from './channels-schema.js';

const email = z.email({ error: 'expected an email address' });
const locale = z.enum(['zh-CN', 'en']);

export const ownersSchema = z
  .strictObject({
    regions: z.record(
      z.string(),
      z.strictObject({
        owners: z.array(email).min(1),
        locale: locale.optional(),
        name: z.string().optional(),
        name_en: z.string().optional(),
        /** Chat channels that get this region's alerts too (besides the owners' email). */
        channels: subscriptionsSchema,
      }),
    ),
    ops: z.array(email).default([]),
    ops_channels: subscriptionsSchema,
    hr: z.array(email).default([]),
    /** Chat channels for HR alerts: each must be hr_private. */
    hr_channels: subscriptionsSchema,
    locale: locale.default('zh-CN'),
    time_zone: z.string().default('Asia/Shanghai'),
    /** Chat groups and endpoints by name (see config/channels-schema.ts). */
    channels: z.record(channelName, channelDefSchema).default({}),
    /** Per person: chat channels that get what is addressed to them (as owner, manager ...). */
    people: z.record(email, z.strictObject({ channels: subscriptionsSchema })).default({}),
    /** Per alert topic: the only channels it may use ("email" = by email); topics not listed use every one. */
    topics: z.record(z.string(), z.array(z.string().min(1)).min(1)).default({}),
  })
  .superRefine(checkChannelRouting);

const stockDirection = (alert: boolean, afterRuns: number) =>
  z
    .strictObject({
      alert: z.boolean().default(alert),
      /** Good runs in a row that must show the new state before it alerts (debounce). */
      after_runs: z.number().int().min(1).max(100).default(afterRuns),
    })
    .prefault({});

export const stockRulesSchema = z.strictObject({
  back_in_stock: stockDirection(true, 1),
  /** A sold-out blip of one run is common: two runs by default. */
  out_of_stock: stockDirection(true, 2),
});

export const priceRulesSchema = z.strictObject({
  alert_when: z
    .strictObject({
      change_percent: z.number().min(0).default(3),
      change_abs: z.number().min(0).default(0),
    })
    .default({ change_percent: 3, change_abs: 0 }),
  /** Items missing from this many consecutive good runs count as removed. */
  removed_after_runs: z.number().int().min(1).default(2),
  /** A good run must find at least this share of the last good run's items, else it is "layout changed". */
  min_item_ratio: z.number().min(0).max(1).default(0.5),
  alert_new_items: z.boolean().default(true),
  alert_removed_items: z.boolean().default(true),
  /** Consecutive failures before sales ops hear about a broken target (one bad night is not news). */
  notify_ops_after_failures: z.number().int().min(1).default(3),
  /**
   * A move this large is held back as suspect: not alerted until the next good run sees the same
   * price again, and shown to sales ops meanwhile (a page in the wrong unit, a garbled 万).
   */
  suspect_when: z
    .strictObject({
      change_percent: z.number().positive().default(80),
      /** Ratios that look like a unit change (fen/yuan, 万) whatever their size. */
      unit_factors: z.array(z.number().gt(1)).default([10, 100, 1000, 10000]),
    })
    .prefault({}),
  /** Availability alerts, to the region's owners, for items whose page says whether they can be bought. */
  stock: stockRulesSchema.prefault({}),
});

export type OwnersRules = z.output<typeof ownersSchema>;
export type PriceRules = z.output<typeof priceRulesSchema>;

export interface Rules {
  owners: OwnersRules;
  price: PriceRules;
  /** Each kind's own rule file (rules/tenders.yaml → kinds.tender), validated by the kind's schema. */
  kinds?: Record<string, unknown>;
  /** rules/delivery.yaml: windows, cooldown, digest limits, retries, daemon settings. */
  delivery?: DeliveryRules;
}
