import type { Alert } from '../alerts/model.js';
import { mayReceive, recipientsFor, type Recipient } from '../alerts/route.js';
import type { OwnersRules } from '../config/rules-schema.js';
import { errorLine } from '../core/errors.js';
import { messageId, type Outbox, type OutboxMessage, type StoredAlert } from '../store/outbox.js';
import { renderDigest } from './render.js';
import type { Transport } from './transport.js';

export interface ComposeOptions {
  owners: OwnersRules;
  templatesDir: string;
  now: Date;
}

/**
 * Groups every alert not yet carried to a recipient into one digest per recipient. The message
 * and the alerts' "delivered" marks are saved in one atomic write, so a crash cannot leave an
 * alert both in a message and waiting for another.
 */
export function composeDigests(outbox: Outbox, opts: ComposeOptions): OutboxMessage[] {
  const perRecipient = new Map<string, { r: Recipient; alerts: StoredAlert[] }>();
  for (const a of Object.values(outbox.data.alerts)) {
    for (const r of recipientsFor(a as Alert, opts.owners)) {
      if (a.delivered[r.email]) continue;
      if (!mayReceive(a, r, opts.owners)) continue;
      const entry = perRecipient.get(r.email) ?? { r, alerts: [] };
      // A person who is both HR and a region owner gets HR alerts in a separate digest.
      entry.alerts.push(a);
      perRecipient.set(r.email, entry);
    }
  }
  const created: OutboxMessage[] = [];
  for (const { r, alerts } of perRecipient.values()) {
    for (const group of splitHr(alerts)) {
      const role: Recipient = group.hr ? { ...r, role: 'hr' } : r.role === 'hr' ? { ...r, role: 'ops' } : r;
      const ids = group.alerts.map((a) => a.id);
      const id = messageId(r.email, ids);
      if (!outbox.data.messages[id]) {
        const email = renderDigest({ templatesDir: opts.templatesDir, recipient: role, alerts: group.alerts, owners: opts.owners, now: opts.now });
        const msg: OutboxMessage = {
          id,
          to: r.email,
          locale: r.locale,
          subject: email.subject,
          html: email.html,
          text: email.text,
          alertIds: ids,
          createdAt: opts.now.toISOString(),
          status: 'pending',
          attempts: 0,
        };
        outbox.data.messages[id] = msg;
        created.push(msg);
      }
      for (const a of group.alerts) a.delivered[r.email] = id;
    }
  }
  if (perRecipient.size) outbox.save();
  return created;
}

/** HR-only topics never share an email with anything else. */
function splitHr(alerts: StoredAlert[]): { hr: boolean; alerts: StoredAlert[] }[] {
  const hr = alerts.filter((a) => a.audience.kind === 'hr');
  const rest = alerts.filter((a) => a.audience.kind !== 'hr');
  return [...(rest.length ? [{ hr: false, alerts: rest }] : []), ...(hr.length ? [{ hr: true, alerts: hr }] : [])];
}

export interface DeliveryReport {
  sent: OutboxMessage[];
  failed: { msg: OutboxMessage; error: string }[];
}

export interface SendOptions {
  /** After this many failed attempts a message is set aside as dead (see `radar outbox`). */
  maxAttempts?: number;
  onSent?: (msg: OutboxMessage) => void;
}

/** Sends pending messages; each is marked sent only after the transport accepted it. */
export async function sendPending(outbox: Outbox, transport: Transport, opts: SendOptions = {}): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: [], failed: [] };
  const max = opts.maxAttempts ?? 10;
  for (const msg of outbox.pendingMessages().sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    try {
      const res = await transport.send(msg);
      msg.status = 'sent';
      msg.sentAt = new Date().toISOString();
      msg.attempts += 1;
      if (res.file) msg.file = res.file;
      delete msg.lastError;
      outbox.save();
      report.sent.push(msg);
      opts.onSent?.(msg);
    } catch (err) {
      msg.attempts += 1;
      msg.lastError = errorLine(err);
      if (msg.attempts >= max) msg.status = 'dead';
      outbox.save();
      report.failed.push({ msg, error: msg.lastError });
    }
  }
  return report;
}
