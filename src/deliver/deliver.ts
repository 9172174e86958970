import { createRequire } from 'node:module';
import type { Alert } from '../alerts/model.js';
import { mayReceive, recipientsFor, type Recipient } from '../alerts/route.js';
import type { Paths, Rules } from '../config/load.js';
import type { OwnersRules } from '../config/rules-schema.js';
import { crashPoint } from '../core/crashpoint.js';
import { errorLine } from '../core/errors.js';
import { DEFAULT_RETRY, hrSafeError, messageId, type Outbox, type OutboxMessage, type RetryPolicy, type StoredAlert } from '../store/outbox.js';
import { DEFAULT_DELIVERY, retryPolicy, type DeliveryRules } from './policy.js';
import type { RenderedEmail } from './render.js';
import { notifyDelivered } from './observers.js';
import type { MailAlertPayload } from './sections/mail.js';
import { mailFrom, makeTransport, type Transport } from './transport.js';

// Loaded for the first digest to compose: rendering pulls in Handlebars, every section and the
// chart renderer, MIME building pulls in nodemailer. A round with nothing new (the daemon runs
// one every minute) needs none of them.
const renderer = () => import('./render.js');
const sectionRegistry = () => import('./sections/registry.js');
const requireLazy = createRequire(import.meta.url);
const mailComposer = () => requireLazy('nodemailer/lib/mail-composer/index.js') as typeof import('nodemailer/lib/mail-composer/index.js');

export interface ComposeOptions {
  owners: OwnersRules;
  templatesDir: string;
  now: Date;
  /** For price-history charts (snapshots). Without it, emails are text and tables only. */
  stateDir?: string;
  /** 'immediate': only alerts of the immediate window (end of a daemon run); 'all': everything waiting. */
  window?: 'all' | 'immediate';
  limits?: DeliveryRules['digest'];
  from?: string;
}

/**
 * Groups every alert not yet carried to a recipient into one digest per recipient (split in parts
 * when too large). Bodies are written to mail/<id>.eml first; then the messages and the alerts'
 * "delivered" marks are saved in one atomic write, so a crash cannot leave an alert both in a
 * message and waiting for another, and a message always has its body on disk.
 */
export async function composeDigests(outbox: Outbox, opts: ComposeOptions): Promise<OutboxMessage[]> {
  const window = opts.window ?? 'all';
  const limits = opts.limits ?? DEFAULT_DELIVERY.digest;
  const from = opts.from ?? mailFrom();
  const perRecipient = new Map<string, { r: Recipient; alerts: StoredAlert[] }>();
  for (const a of Object.values(outbox.data.alerts)) {
    if (a.suppressed) continue;
    if (window === 'immediate' && a.window !== 'immediate') continue;
    for (const r of recipientsFor(a as Alert, opts.owners)) {
      if (a.delivered[r.email]) continue;
      if (!mayReceive(a, r, opts.owners)) continue;
      const entry = perRecipient.get(r.email) ?? { r, alerts: [] };
      entry.alerts.push(a);
      perRecipient.set(r.email, entry);
    }
  }
  const created: OutboxMessage[] = [];
  const memo = new Map<string, unknown>();
  let changed = false;
  for (const { r, alerts } of perRecipient.values()) {
    // A person who is both HR and a region owner gets HR alerts in a separate digest.
    for (const group of splitHr(alerts)) {
      const role: Recipient = group.hr ? { ...r, role: 'hr' } : r.role === 'hr' ? { ...r, role: 'ops' } : r;
      const parts = await buildParts(await order(group.alerts), role, opts, limits, from, memo);
      for (const part of parts) {
        const ids = part.covered.map((a) => a.id);
        const id = messageId(r.email, ids);
        if (!outbox.data.messages[id]) {
          const seq = outbox.nextSeq();
          const eml = await buildEml(part.email, id, r.email, from, opts.now, seq);
          outbox.writeBody(id, eml, previewHtml(part.email));
          const msg: OutboxMessage = {
            id,
            to: r.email,
            locale: r.locale,
            subject: part.email.subject,
            alertIds: ids,
            createdAt: opts.now.toISOString(),
            seq,
            ...(group.hr ? { hr: true } : {}),
            status: 'pending',
            attempts: 0,
            window,
            bytes: eml.length,
            charts: part.email.images.length,
            ...(parts.length > 1 ? { part: { n: part.n, of: parts.length } } : {}),
            ...(part.omitted ? { omitted: part.omitted } : {}),
          };
          outbox.data.messages[id] = msg;
          created.push(msg);
        }
        for (const a of part.covered) a.delivered[r.email] = id;
        changed = true;
      }
    }
  }
  crashPoint('compose');
  if (changed) outbox.save();
  return created;
}

/** HR-only topics never share an email with anything else. */
function splitHr(alerts: StoredAlert[]): { hr: boolean; alerts: StoredAlert[] }[] {
  const hr = alerts.filter((a) => a.audience.kind === 'hr');
  const rest = alerts.filter((a) => a.audience.kind !== 'hr');
  return [...(rest.length ? [{ hr: false, alerts: rest }] : []), ...(hr.length ? [{ hr: true, alerts: hr }] : [])];
}

/** Most important first: by section order, then the section's own weight (the size of a price move). */
async function order(alerts: StoredAlert[]): Promise<StoredAlert[]> {
  const { getSection } = await sectionRegistry();
  const rank = (a: StoredAlert) => getSection(a.topic)?.order ?? 1000;
  const weight = (a: StoredAlert) => getSection(a.topic)?.weight?.(a) ?? 0;
  return [...alerts].sort((a, b) => rank(a) - rank(b) || weight(b) - weight(a) || a.recordedAt.localeCompare(b.recordedAt) || a.id.localeCompare(b.id));
}

interface Part {
  n: number;
  /** Listed in the email. */
  listed: StoredAlert[];
  /** Listed plus those only counted (the email stands for all of them). */
  covered: StoredAlert[];
  omitted: number;
  email: RenderedEmail;
}

/**
 * Splits a recipient's alerts into emails within the limits: at most max_alerts listed per email
 * and max_parts emails (the last one counts the rest); an email over max_bytes loses its charts,
 * and if still too large the alerts per email are halved. No 15 MB digests.
 */
async function buildParts(alerts: StoredAlert[], r: Recipient, opts: ComposeOptions, limits: DeliveryRules['digest'], from: string, memo: Map<string, unknown>): Promise<Part[]> {
  const { renderDigest } = await renderer();
  let perEmail = limits.max_alerts;
  for (;;) {
    const chunks: StoredAlert[][] = [];
    for (let i = 0; i < alerts.length; i += perEmail) chunks.push(alerts.slice(i, i + perEmail));
    const kept = chunks.slice(0, limits.max_parts);
    const omittedAlerts = chunks.slice(limits.max_parts).flat();
    const parts: Part[] = [];
    let tooBig: number | null = null;
    for (let i = 0; i < kept.length; i++) {
      const listed = kept[i]!;
      const last = i === kept.length - 1;
      const omitted = last ? omittedAlerts.length : 0;
      const input = {
        templatesDir: opts.templatesDir,
        recipient: r,
        alerts: listed,
        owners: opts.owners,
        now: opts.now,
        memo,
        ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
        ...(kept.length > 1 ? { part: { n: i + 1, of: kept.length } } : {}),
        ...(omitted ? { omitted } : {}),
      };
      let email = await renderDigest({ ...input, charts: limits.charts });
      if (estimateBytes(email) > limits.max_bytes && email.images.length) email = await renderDigest({ ...input, charts: 0 });
      if (estimateBytes(email) > limits.max_bytes && listed.length > 1) {
        tooBig = listed.length;
        break;
      }
      parts.push({ n: i + 1, listed, covered: last ? [...listed, ...omittedAlerts] : listed, omitted, email });
    }
    if (tooBig === null) return parts;
    perEmail = Math.max(1, Math.floor(tooBig / 2));
  }
}

/** MIME size, closely enough: base64 parts grow by 4/3 plus line breaks and headers. */
function estimateBytes(e: RenderedEmail): number {
  const b64 = (n: number) => Math.ceil((n * 4) / 3) * (78 / 76);
  return 4096 + b64(Buffer.byteLength(e.html)) + b64(Buffer.byteLength(e.text)) + e.images.reduce((s, i) => s + b64(i.png.length) + 512, 0);
}

/**
 * The whole MIME message, built once and stored: every retry sends the same bytes with the same
 * Message-ID, so a copy delivered twice (see README, "Exactly once") is recognisably the same mail.
 */
async function buildEml(email: RenderedEmail, id: string, to: string, from: string, date: Date, seq?: number): Promise<Buffer> {
  const MailComposer = mailComposer();
  const composer = new MailComposer({
    from,
    to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: `<${id}@sales-radar>`,
    date,
    headers: { 'X-Sales-Radar-Digest': id, ...(seq ? { 'X-Sales-Radar-Seq': String(seq) } : {}) },
    attachments: email.images.map((img) => ({ cid: img.cid, filename: `${img.cid.split('@')[0]}.png`, contentType: 'image/png', content: img.png, contentDisposition: 'inline' as const })),
  });
  return composer.compile().build();
}

/** The HTML part with images inlined as data: URIs, for opening in a browser (cid: only works in mail). */
function previewHtml(email: RenderedEmail): string {
  let html = email.html;
  for (const img of email.images) html = html.split(`cid:${img.cid}`).join(`data:image/png;base64,${img.png.toString('base64')}`);
  return html;
}

/** Body of a message: its stored .eml, or built from the inline body of a version-1 outbox. */
async function bodyOf(outbox: Outbox, msg: OutboxMessage, from: string): Promise<Buffer | null> {
  const eml = outbox.readBody(msg.id);
  if (eml) return eml;
  if (msg.html === undefined) return null;
  const email: RenderedEmail = {
    subject: msg.subject,
    html: msg.html,
    text: msg.text ?? '',
    images: (msg.attachments ?? []).map((a) => ({ alertId: '', cid: a.cid, png: Buffer.from(a.base64, 'base64'), width: 0, height: 0, alt: '' })),
  };
  return buildEml(email, msg.id, msg.to, from, new Date(msg.createdAt), msg.seq);
}

export interface DeliveryReport {
  sent: OutboxMessage[];
  failed: { msg: OutboxMessage; error: string }[];
  /** Messages found mid-send from a process that died: resent, possibly a second copy. */
  resumed: OutboxMessage[];
}

export interface SendOptions {
  now?: () => Date;
  /** Attempt every pending message now, ignoring backoff (a manual run, `radar outbox retry`). */
  force?: boolean;
  retry?: RetryPolicy;
  from?: string;
  onSent?: (msg: OutboxMessage) => void;
  onFailed?: (msg: OutboxMessage, error: string) => void;
  /** Stop between messages (shutdown). */
  signal?: AbortSignal;
  /** Only these message ids. */
  only?: ReadonlySet<string>;
}

/**
 * Sends what is due. Each message is marked "sending" (durably) before the SMTP conversation and
 * "sent" right after the server's 250, so the only window in which a crash can cause a second
 * copy is between the server accepting and our fsync: microseconds, and the copy carries the same
 * Message-ID and bytes.
 */
export async function sendPending(outbox: Outbox, transport: Transport, opts: SendOptions = {}): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: [], failed: [], resumed: [] };
  const now = opts.now ?? (() => new Date());
  const retry = opts.retry ?? DEFAULT_RETRY;
  const from = opts.from ?? mailFrom();
  for (const msg of outbox.due(now(), opts.force)) {
    if (opts.signal?.aborted) break;
    if (opts.only && !opts.only.has(msg.id)) continue;
    if (msg.status === 'sending') report.resumed.push(msg);
    const body = await bodyOf(outbox, msg, from);
    outbox.markSending(msg, now());
    if (!body) {
      outbox.markFailed(msg, now(), 'message body missing from the state folder (mail/); cannot be sent', retry, true);
      report.failed.push({ msg, error: msg.lastError! });
      opts.onFailed?.(msg, msg.lastError!);
      continue;
    }
    crashPoint('before-smtp');
    let res;
    try {
      res = await transport.send(msg, { eml: body, previewHtml: outbox.bodyFile(msg.id, 'html') });
    } catch (err) {
      outbox.markFailed(msg, now(), errorLine(err), retry, isPermanent(err));
      report.failed.push({ msg, error: msg.lastError! });
      opts.onFailed?.(msg, msg.lastError!);
      continue;
    }
    crashPoint('after-smtp-accept');
    outbox.markSent(msg, now(), res.detail, res.file);
    crashPoint('after-journal');
    report.sent.push(msg);
    opts.onSent?.(msg);
  }
  return report;
}

/** The server refused this recipient for good (5xx on RCPT TO): retrying cannot help. */
function isPermanent(err: unknown): boolean {
  const e = err as { responseCode?: number; command?: string };
  return typeof e?.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600 && /RCPT/i.test(e.command ?? '');
}

/**
 * "Mail is stuck" notices for sales ops: a message still unsent after N attempts, and every
 * message given up on. Recorded in the outbox together with the "notified" marks (one write).
 * Notices about mail to ops itself are not raised (they could not arrive either, and would
 * loop); the daemon logs those at error level instead. A notice about HR mail says only that an
 * HR email is stuck: never its subject (it counts people), its recipient or the server's words.
 */
export function recordStuckMail(outbox: Outbox, owners: OwnersRules, notifyAfterAttempts: number, now: Date): Alert<MailAlertPayload>[] {
  const alerts: Alert<MailAlertPayload>[] = [];
  for (const m of Object.values(outbox.data.messages)) {
    const state: 'stuck' | 'dead' | null = m.status === 'dead' ? 'dead' : m.status !== 'sent' && m.attempts >= notifyAfterAttempts ? 'stuck' : null;
    if (!state || m.opsNotified?.includes(state)) continue;
    const onlyMailNotices = m.alertIds.every((id) => outbox.data.alerts[id]?.topic === 'mail');
    if (onlyMailNotices || owners.ops.length === 0) continue;
    m.opsNotified = [...(m.opsNotified ?? []), state];
    alerts.push({
      id: `mail:${state}:${m.id}:${m.attempts}`,
      topic: 'mail',
      audience: { kind: 'ops' },
      createdAt: now.toISOString(),
      urgency: 'immediate',
      payload: outbox.isHr(m)
        ? { state, messageId: m.id, hr: true, to: '', subject: '', attempts: m.attempts, lastError: m.lastError === undefined ? null : hrSafeError(m.lastError), since: m.createdAt }
        : { state, messageId: m.id, to: m.to, subject: m.subject, attempts: m.attempts, lastError: m.lastError ?? null, since: m.createdAt },
    });
  }
  if (alerts.length) outbox.record(alerts, now, { window: 'immediate' });
  return alerts;
}

export interface DeliverOptions {
  rules: Rules;
  paths: Paths;
  now: () => Date;
  /** 'all': everything waiting (a manual run, the daily digest); 'immediate': that window only; 'none': nothing. */
  window: 'all' | 'immediate' | 'none';
  transport?: Transport;
  /** Ignore retry backoff (default for a manual run, which someone is watching). */
  force?: boolean;
  signal?: AbortSignal;
  onSent?: (msg: OutboxMessage) => void;
  onFailed?: (msg: OutboxMessage, error: string) => void;
}

export interface DeliverResult {
  messages: OutboxMessage[];
  delivery: DeliveryReport;
  /** "Mail is stuck" notices raised for sales ops in this round. */
  notices: Alert[];
}

/**
 * One delivery round: compose digests for the window, send what is due, tell ops about mail that
 * is stuck (sent in the same round: a single refusing mailbox must not silence the news), and
 * forget old sent mail.
 */
export function deliverOutbox(outbox: Outbox, opts: DeliverOptions): Promise<DeliverResult> {
  return outbox.serial(() => deliverRound(outbox, opts));
}

async function deliverRound(outbox: Outbox, opts: DeliverOptions): Promise<DeliverResult> {
  const delivery: DeliveryReport = { sent: [], failed: [], resumed: [] };
  if (opts.window === 'none') return { messages: [], delivery, notices: [] };
  const d = opts.rules.delivery ?? DEFAULT_DELIVERY;
  const compose = (window: 'all' | 'immediate') =>
    composeDigests(outbox, { owners: opts.rules.owners, templatesDir: opts.paths.templatesDir, now: opts.now(), stateDir: opts.paths.stateDir, window, limits: d.digest });
  const messages = await compose(opts.window);
  const transport = opts.transport ?? makeTransport(opts.paths.outboxDir);
  const send = async (only?: ReadonlySet<string>) => {
    const r = await sendPending(outbox, transport, {
      now: opts.now,
      force: opts.force ?? opts.window === 'all',
      retry: retryPolicy(d),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(only ? { only } : {}),
      ...(opts.onSent ? { onSent: opts.onSent } : {}),
      ...(opts.onFailed ? { onFailed: opts.onFailed } : {}),
    });
    for (const msg of r.sent) {
      const alerts = msg.alertIds.map((id) => outbox.data.alerts[id]).filter((a): a is NonNullable<typeof a> => a !== undefined);
      await notifyDelivered({ msg, alerts, stateDir: opts.paths.stateDir, owners: opts.rules.owners, at: opts.now() });
    }
    delivery.sent.push(...r.sent);
    delivery.failed.push(...r.failed);
    delivery.resumed.push(...r.resumed);
  };
  try {
    await send();
    const notices = recordStuckMail(outbox, opts.rules.owners, d.retry.notify_ops_after_attempts, opts.now());
    if (notices.length) {
      const more = await compose('immediate');
      messages.push(...more);
      await send(new Set(more.map((m) => m.id)));
    }
    outbox.prune(opts.now(), d.retention_days * 86_400_000);
    return { messages, delivery, notices };
  } finally {
    if (!opts.transport) transport.close();
  }
}
