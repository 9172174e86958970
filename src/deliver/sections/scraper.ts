import type { StoredAlert } from '../../store/outbox.js';
import { fill } from '../i18n.js';
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

export const scraperSection: Section = {
  topic: 'scraper',
  order: 90,
  title: (ctx) => ctx.t['scraper.title'] ?? 'Scrapers',
  view(alerts) {
    return {
      failing: alerts.map(p).filter((x) => x.state === 'failing'),
      recovered: alerts.map(p).filter((x) => x.state === 'recovered'),
    };
  },
  headline(alerts, ctx) {
    const failing = alerts.map(p).filter((x) => x.state === 'failing').length;
    const recovered = alerts.length - failing;
    if (failing) return { text: fill(ctx.t['scraper.headline_failing'] ?? '{n} scrapers failing', { n: failing }), weight: 50 };
    if (recovered) return { text: fill(ctx.t['scraper.headline_recovered'] ?? '{n} scrapers recovered', { n: recovered }), weight: 5 };
    return null;
  },
};
