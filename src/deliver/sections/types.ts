import type { Locale } from '../../alerts/route.js';
import type { StoredAlert } from '../../store/outbox.js';
import type { Strings } from '../i18n.js';

export interface SectionContext {
  locale: Locale;
  t: Strings;
  timeZone: string;
  now: Date;
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
}
