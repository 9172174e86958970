/**
 * The outbox as sales ops and admins see it: pending, sending, sent, stuck (retrying) and dead
 * messages per channel, and "send again". A message to HR shows only that it is an HR message:
 * neither its subject nor its recipient leaves HR, even in delivery status.
 */
import { loadRules } from '../config/load.js';
import { RadarError } from '../core/errors.js';
import type { OutboxMessage } from '../store/outbox.js';
import { notFound, requireAction, type Principal } from './access.js';
import { isHrMessage, isPeopleMessage, readOutboxData } from './alerts.js';
import { recordChange } from './audit.js';
import type { ServiceContext } from './context.js';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'stuck' | 'dead';

export interface MessageView {
  id: string;
  channel: string;
  to: string;
  subject: string;
  hr: boolean;
  status: OutboxStatus;
  attempts: number;
  createdAt: string;
  sentAt: string | null;
  nextAttemptAt: string | null;
  lastError: string | null;
  alerts: number;
  part: { n: number; of: number } | null;
}

/** Pending after at least one failed attempt = stuck: it will be retried, but someone should look. */
function statusOf(m: OutboxMessage): OutboxStatus {
  if (m.status === 'pending' && m.attempts > 0) return 'stuck';
  return m.status;
}

export function listOutbox(ctx: ServiceContext, who: Principal | null, filter: { status?: OutboxStatus; channel?: string; limit?: number } = {}): { messages: MessageView[]; counts: Record<OutboxStatus, number> } {
  requireAction(who, 'outbox.read');
  const data = readOutboxData(ctx.paths.stateDir);
  const hr = loadRules(ctx.paths.rulesDir).owners.hr;
  const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, stuck: 0, dead: 0 };
  const all = Object.values(data.messages).map((m): MessageView => {
    const isHr = isHrMessage(m, data, hr);
    // Team health digests name people: their subject is for the manager, not for delivery status.
    const people = !isHr && isPeopleMessage(m, data) && who.role !== 'local';
    return {
      id: m.id,
      // Channels other than email (issue 15) say so on the message; email is the one there was before.
      channel: (m as { channel?: string }).channel ?? 'email',
      to: isHr && who.role !== 'hr' && who.role !== 'local' ? '(HR)' : m.to,
      subject: isHr && who.role !== 'hr' && who.role !== 'local' ? '(HR email)' : people ? '(team health digest)' : m.subject,
      hr: isHr,
      status: statusOf(m),
      attempts: m.attempts,
      createdAt: m.createdAt,
      sentAt: m.sentAt ?? null,
      nextAttemptAt: m.nextAttemptAt ?? null,
      // An SMTP error can quote the recipient; for HR mail only the fact that it failed is shown.
      lastError: m.lastError ? (isHr && who.role !== 'local' ? 'delivery failed (details in the server log)' : m.lastError) : null,
      alerts: m.alertIds.length,
      part: m.part ?? null,
    };
  });
  for (const m of all) counts[m.status]++;
  const hits = all
    .filter((m) => !filter.status || m.status === filter.status)
    .filter((m) => !filter.channel || m.channel === filter.channel)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
  return { messages: hits.slice(0, filter.limit ?? 500), counts };
}

/** Sends a dead or waiting message again now, with a fresh attempt budget. */
export async function resend(ctx: ServiceContext, who: Principal | null, id: string): Promise<{ status: 'queued' | 'done'; ids: string[] }> {
  requireAction(who, 'outbox.act');
  const m = readOutboxData(ctx.paths.stateDir).messages[id];
  if (!m) throw notFound(`message ${id}`);
  if (m.status === 'sent') throw new RadarError('conflict', `message ${id} was sent at ${m.sentAt ?? '?'}; nothing to resend`);
  recordChange(ctx, who, 'outbox.resend', id);
  return ctx.outbox.retry([id]);
}
