import type { StoredAlert } from '../../store/outbox.js';
import { counted, fill } from '../i18n.js';
import type { Section } from './types.js';

export interface ScraperAlertPayload {
  state: 'failing' | 'recovered';
  targetId: string;
  competitor: string;
  file: string;
  failureClass: string | null;
  message: string | null;
  url: string | null;
  httpStatus: number | null;
  sample: string | null;
  consecutiveFailures: number;
  failingSince: string | null;
}

const p = (a: StoredAlert) => a.payload as unknown as ScraperAlertPayload;

/** Id prefix of the alert about a config file that does not load (pipeline's configAlert), not a failed scrape. */
export const CONFIG_FILE_ALERT = 'config:';

/**
 * The strings key of a failure class: each HTTP status has no sentence of its own, so 404, "too
 * fast or down" (429, 503) and any other status share three.
 */
export function failureKey(cls: string | null): string {
  if (!cls) return 'unknown';
  const http = /^http_(\d+)$/.exec(cls);
  if (!http) return cls;
  if (http[1] === '404' || http[1] === '410') return 'http_404';
  if (http[1] === '429' || http[1] === '503') return 'http_busy';
  return 'http';
}

export const scraperSection: Section = {
  topic: 'scraper',
  order: 90,
  title: (ctx) => ctx.t['scraper.title'] ?? 'Scrapers',
  view(alerts, ctx) {
    // What happened and what to do, in the reader's language, for each class of the README's
    // "When a target fails" table; the site's or the parser's own words follow as the detail.
    const explain = (x: ScraperAlertPayload) => {
      const key = failureKey(x.failureClass);
      return { ...x, label: ctx.t[`scraper.class.${key}`] ?? x.failureClass, what: ctx.t[`scraper.what.${key}`] ?? null, fix: ctx.t[`scraper.fix.${key}`] ?? null };
    };
    return {
      failing: alerts.map(p).filter((x) => x.state === 'failing').map(explain),
      recovered: alerts.map(p).filter((x) => x.state === 'recovered'),
    };
  },
  headline(alerts, ctx) {
    const failing = alerts.filter((a) => p(a).state === 'failing');
    const recovered = alerts.length - failing.length;
    // A broken YAML file is not a failed scrape: sales ops fix the one in the editor, the other on the site.
    const configs = failing.filter((a) => a.id.startsWith(CONFIG_FILE_ALERT)).length;
    const targets = failing.length - configs;
    const parts = [
      ...(targets ? [fill(counted(ctx.t, 'scraper.headline_failing', targets, '{n} scrapers failing'), { n: targets })] : []),
      ...(configs ? [fill(counted(ctx.t, 'scraper.headline_config', configs, '{n} config files have errors'), { n: configs })] : []),
    ];
    if (parts.length) return { text: parts.join(ctx.t['scraper.headline_joiner'] ?? ', '), weight: 50 };
    if (recovered) return { text: fill(counted(ctx.t, 'scraper.headline_recovered', recovered, '{n} scrapers recovered'), { n: recovered }), weight: 5 };
    return null;
  },
};
