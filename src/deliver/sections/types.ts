import type { Locale } from '../../alerts/route.js';
import type { StoredAlert } from '../../store/outbox.js';
import type { Strings } from '../i18n.js';

export interface SectionContext {
  locale: Locale;
  t: Strings;
  timeZone: string;
  now: Date;
  /** State folder, for sections that show history from snapshots (price charts). */
  stateDir?: string;
  /** Images made by `images()` for this digest, by alert id. */
  images?: Map<string, InlineImage>;
  /** Shared by every digest of one compose pass (e.g. a chart drawn once for two recipients). */
  memo?: Map<string, unknown>;
}

/** A PNG shown inline (Content-ID) in the HTML part. */
export interface InlineImage {
  alertId: string;
  cid: string;
  png: Buffer;
  /** CSS pixels. */
  width: number;
  height: number;
  alt: string;
}

/**
 * One alert as a to-do list for one person (a rep's follow-up reminder): what chat channels with
 * task cards (WeCom template_card) show instead of the alert's text. Plain strings, already in the
 * reader's language; `items` most urgent first.
 */
export interface TaskView {
  /** "客户跟进提醒 · 张三" */
  title: string;
  /** "截至 2026-03-16 09:00" */
  desc: string;
  /** The number that matters (overdue items) and what it counts. */
  count: { value: number; label: string };
  /** "3 项逾期，1 项一天内到期" */
  summary: string;
  /** key: what to do, in a word or two; value: which customer, by when; url: where to do it. */
  items: { key: string; value: string; url: string | null; overdue: boolean }[];
  /** Where the numbers come from (a command). */
  explain: string;
}

/**
 * How one topic (price, scraper, tender ...) shows up in a digest: its order, a view model for
 * templates/sections/<topic>.{html,text}.hbs, and its part of the subject line.
 */
export interface Section {
  topic: string;
  order: number;
  title(ctx: SectionContext): string;
  view(alerts: StoredAlert[], ctx: SectionContext): Record<string, unknown>;
  /** A short phrase for the subject line, the most important news first; null = nothing to say. */
  headline(alerts: StoredAlert[], ctx: SectionContext): { text: string; weight: number } | null;
  /** Inline images for at most `max` of these alerts (the most important first). */
  images?(alerts: StoredAlert[], ctx: SectionContext, max: number): Promise<InlineImage[]>;
  /** The alert as a task list, for channels that show task cards (sections whose alerts are one person's to-dos). */
  task?(alert: StoredAlert, ctx: SectionContext): TaskView;
  /** How much an alert matters within its section, for splitting oversized digests (higher first). */
  weight?(alert: StoredAlert): number;
}
