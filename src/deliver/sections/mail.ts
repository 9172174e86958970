import type { StoredAlert } from '../../store/outbox.js';
import { formatDateTime } from '../format.js';
import { fill } from '../i18n.js';
import type { Section } from './types.js';

export interface MailAlertPayload {
  state: 'stuck' | 'dead';
  messageId: string;
  /** An HR email: `to` and `subject` are empty and `lastError` holds only the SMTP code (HR data stays with HR). */
  hr?: boolean;
  to: string;
  subject: string;
  attempts: number;
  lastError: string | null;
  /** When the message was composed. */
  since: string;
}

const p = (a: StoredAlert) => a.payload as unknown as MailAlertPayload;

/** Sales ops: digests that could not be delivered, with what to do about them. */
export const mailSection: Section = {
  topic: 'mail',
  order: 95,
  title: (ctx) => ctx.t['mail.title'] ?? 'Undelivered mail',
  view(alerts, ctx) {
    const row = (x: MailAlertPayload) => ({ ...x, since: formatDateTime(new Date(x.since), ctx.timeZone, ctx.locale) });
    return {
      dead: alerts.map(p).filter((x) => x.state === 'dead').map(row),
      stuck: alerts.map(p).filter((x) => x.state === 'stuck').map(row),
    };
  },
  headline(alerts, ctx) {
    const dead = alerts.map(p).filter((x) => x.state === 'dead').length;
    const n = alerts.length;
    if (!n) return null;
    return { text: fill(ctx.t[dead ? 'mail.headline_dead' : 'mail.headline_stuck'] ?? '{n} digests not delivered', { n }), weight: 60 };
  },
};
