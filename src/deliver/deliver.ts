import type { Alert } from '../alerts/model.js';
import type { Paths, Rules } from '../config/load.js';
import type { OwnersRules } from '../config/rules-schema.js';
import { crashPoint } from '../core/crashpoint.js';
import { errorLine } from '../core/errors.js';
import { bodyFormat, DEFAULT_RETRY, hrSafeError, type Outbox, type OutboxMessage, type RetryPolicy, type StoredAlert } from '../store/outbox.js';
import { scorecardStore } from '../store/scorecards.js';
import { teamHealthStore } from '../store/team-health.js';
import { loadChannelModule, isChannelType } from './channels/registry.js';
import { ChannelError, type Channel, type Destination, type SendContext } from './channels/types.js';
import { destinationsFor, isHrAlert, mayDeliver } from './destinations.js';
import { DEFAULT_DELIVERY, retryPolicy, type DeliveryRules } from './policy.js';
import { notifyDelivered } from './observers.js';
import type { MailAlertPayload } from './sections/mail.js';
import { RateLimits } from './rate-limit.js';
import { mailFrom, makeTransport, type Transport } from './transport.js';

// The sections are loaded for the first digest to compose; a round with nothing new (the daemon
// runs one every minute) needs none of them, nor any channel's code.
const sectionRegistry = () => import('./sections/registry.js');

export async function loadChannel(type: string): Promise<Channel> {
  if (!isChannelType(type)) throw new ChannelError(`unknown delivery channel type "${type}"`, { permanent: true });
  return ((await loadChannelModule(type)) as { channel: Channel }).channel;
}

export interface ComposeOptions {
  owners: OwnersRules;
  templatesDir: string;
  now: Date;
  /** For price-history charts (snapshots). Without it, emails are text and tables only. */
  stateDir?: string;
  /**
   * 'immediate': only alerts of the immediate window (end of a daemon round); 'urgent': only those
   * that may not wait for a round to end (see isUrgent); 'all': everything waiting.
   */
  window?: ComposeWindow;
  limits?: DeliveryRules['digest'];
  links?: DeliveryRules['links'];
  from?: string;
}

/**
 * Groups every alert not yet carried to a destination (an email address or a chat channel) into
 * one digest per destination, which its channel composes into messages (split within the
 * medium's limits). Bodies are written to mail/<id>.eml or .json first; then the messages and the
 * alerts' "delivered" marks are saved in one atomic write, so a crash cannot leave an alert both
 * in a message and waiting for another, and a message always has its body on disk.
 */
export async function composeDigests(outbox: Outbox, opts: ComposeOptions): Promise<OutboxMessage[]> {
  const window = opts.window ?? 'all';
  const perDestination = new Map<string, { d: Destination; alerts: StoredAlert[] }>();
  let changed = false;
  for (const a of Object.values(outbox.data.alerts)) {
    if (a.suppressed) continue;
    if (window === 'immediate' && a.window !== 'immediate') continue;
    if (window === 'urgent' && !isUrgent(a)) continue;
    const along = a.onlyWith ? alongside(outbox, a, opts.now) : 'send';
    if (along === 'wait') continue;
    for (const d of destinationsFor(a, opts.owners)) {
      if (a.delivered[d.key]) continue;
      if (!mayDeliver(a, d, opts.owners)) continue;
      if (along === 'skip') {
        // No news came with it within a day: it is never sent (NOT_SENT is no message id).
        a.delivered[d.key] = NOT_SENT;
        changed = true;
        continue;
      }
      const entry = perDestination.get(d.key) ?? { d, alerts: [] };
      entry.alerts.push(a);
      perDestination.set(d.key, entry);
    }
  }
  const created: OutboxMessage[] = [];
  const memo = new Map<string, unknown>();
  // The order of composing, taken once per new message (an email carries it in a header).
  const reserved = new Map<string, number>();
  const seqOf = (id: string): number => {
    const known = outbox.data.messages[id]?.seq ?? reserved.get(id);
    if (known !== undefined) return known;
    const seq = outbox.nextSeq();
    reserved.set(id, seq);
    return seq;
  };
  for (const { d, alerts } of perDestination.values()) {
    const channel = await loadChannel(d.type);
    // A person who is both HR and a region owner gets HR alerts in a separate digest.
    for (const group of splitHr(alerts)) {
      const role: Destination['role'] = group.hr ? 'hr' : d.role === 'hr' ? 'ops' : d.role;
      const composed = await channel.compose({
        destination: { ...d, role },
        alerts: await order(group.alerts),
        owners: opts.owners,
        templatesDir: opts.templatesDir,
        now: opts.now,
        ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
        limits: opts.limits ?? DEFAULT_DELIVERY.digest,
        links: opts.links ?? DEFAULT_DELIVERY.links,
        from: opts.from ?? mailFrom(),
        memo,
        seq: seqOf,
      });
      for (const c of composed) {
        if (!outbox.data.messages[c.id]) {
          outbox.writeBody(c.id, c.body, c.previewHtml, channel.format);
          const msg: OutboxMessage = {
            id: c.id,
            to: d.key,
            channel: d.type,
            locale: d.locale,
            subject: c.subject,
            alertIds: [...c.covered, ...(c.shows ?? [])].map((a) => a.id),
            createdAt: opts.now.toISOString(),
            seq: seqOf(c.id),
            ...(group.hr ? { hr: true } : {}),
            status: 'pending',
            attempts: 0,
            window: window === 'urgent' ? 'immediate' : window,
            bytes: c.body.length,
            ...c.fields,
          };
          outbox.data.messages[c.id] = msg;
          created.push(msg);
        }
        for (const a of c.covered) a.delivered[d.key] = c.id;
        changed = true;
      }
    }
  }
  crashPoint('compose');
  if (changed) outbox.save();
  return created;
}

export type ComposeWindow = 'all' | 'immediate' | 'urgent';

/**
 * Goes out at once even while a daemon round is still running, in a message of its own: news about
 * the delivery or the daemon itself (mail stuck, workers lost), which cannot wait for the round.
 */
export function isUrgent(a: StoredAlert): boolean {
  return a.window === 'immediate' && a.urgency === 'immediate';
}

/** Marks an alert as handled for a recipient without a message: it was only worth sending along with news. */
export const NOT_SENT = '-';

const DAY_MS = 86_400_000;

/** Stores that keep what the console shows after the outbox's retention_days (store/kept-alerts.ts). */
const KEPT_BEYOND_OUTBOX = [scorecardStore, teamHealthStore];

/**
 * For an alert that only goes along with news (Alert.onlyWith): send it when news of those topics
 * about the same region was recorded from a day before it on; wait while it is younger than a day
 * (news may still come); skip it after that.
 */
function alongside(outbox: Outbox, a: StoredAlert, now: Date): 'send' | 'wait' | 'skip' {
  const region = a.audience.kind === 'region' ? a.audience.region : null;
  const since = Date.parse(a.recordedAt) - DAY_MS;
  const news = Object.values(outbox.data.alerts).some(
    (x) => !x.suppressed && x !== a && a.onlyWith!.includes(x.topic) && (region === null || (x.audience.kind === 'region' && x.audience.region === region)) && Date.parse(x.recordedAt) >= since,
  );
  if (news) return 'send';
  return now.getTime() - Date.parse(a.recordedAt) > DAY_MS ? 'skip' : 'wait';
}

/** HR data never shares a message with anything else. */
function splitHr(alerts: StoredAlert[]): { hr: boolean; alerts: StoredAlert[] }[] {
  const hr = alerts.filter((a) => isHrAlert(a));
  const rest = alerts.filter((a) => !isHrAlert(a));
  return [...(rest.length ? [{ hr: false, alerts: rest }] : []), ...(hr.length ? [{ hr: true, alerts: hr }] : [])];
}

/** Most important first: by section order, then the section's own weight (the size of a price move). */
async function order(alerts: StoredAlert[]): Promise<StoredAlert[]> {
  const { getSection } = await sectionRegistry();
  const rank = (a: StoredAlert) => getSection(a.topic)?.order ?? 1000;
  const weight = (a: StoredAlert) => getSection(a.topic)?.weight?.(a) ?? 0;
  return [...alerts].sort((a, b) => rank(a) - rank(b) || weight(b) - weight(a) || a.recordedAt.localeCompare(b.recordedAt) || a.id.localeCompare(b.id));
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
  /** Chat channels as configured now (rules/owners.yaml `channels:`). */
  channels?: OwnersRules['channels'];
  /** Where webhook URLs and signing secrets are read, at send time. */
  env?: NodeJS.ProcessEnv;
  /** Requests each robot took recently; the daemon keeps one across rounds. */
  rateLimits?: RateLimits;
  /** Longest wait for a robot's rate limit within a round; beyond it the message waits for a later round. */
  maxRateWaitMs?: number;
}

/**
 * Sends what is due, whatever its channel. Each message is marked "sending" (durably) before the
 * SMTP conversation or HTTP request and "sent" right after the service accepted it (SMTP 250, a
 * chat service's success code), so the only window in which a crash can cause a second copy is
 * between the service accepting and our fsync: microseconds, and the copy is the same stored body
 * (same Message-ID; for webhooks the same idempotency key).
 *
 * Chat robots accept only so many requests a minute: a message whose robot is busy waits here
 * (or, past maxRateWaitMs, until a later round) without spending an attempt. The parts of one
 * digest go in order: when one fails, the later ones wait for it.
 */
export async function sendPending(outbox: Outbox, transport: Transport, opts: SendOptions = {}): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: [], failed: [], resumed: [] };
  const now = opts.now ?? (() => new Date());
  const retry = opts.retry ?? DEFAULT_RETRY;
  const from = opts.from ?? mailFrom();
  const env = opts.env ?? process.env;
  const limits = opts.rateLimits ?? new RateLimits(() => Object.values(outbox.data.messages));
  const held = new Set<string>();
  const fail = (msg: OutboxMessage, error: string, permanent: boolean, waitMs = 0) => {
    outbox.markFailed(msg, now(), error, retry, permanent, waitMs);
    report.failed.push({ msg, error: msg.lastError! });
    opts.onFailed?.(msg, msg.lastError!);
    held.add(digestOf(msg));
  };
  for (const msg of outbox.due(now(), opts.force)) {
    if (opts.signal?.aborted) break;
    if (opts.only && !opts.only.has(msg.id)) continue;
    if (held.has(digestOf(msg)) || waitsForEarlierPart(outbox, msg)) continue;
    const type = msg.channel ?? 'email';
    const chat = type !== 'email';
    const def = chat ? opts.channels?.[msg.to] : undefined;
    let channel: Channel;
    try {
      channel = await loadChannel(type);
    } catch (err) {
      outbox.markSending(msg, now());
      fail(msg, errorLine(err), true);
      continue;
    }
    if (chat && def) {
      const rates = def.rate ? [{ max: def.rate.max, perSeconds: def.rate.per_seconds }] : (channel.rates ?? []);
      const wait = limits.waitMs(msg.to, rates, now());
      if (wait > (opts.maxRateWaitMs ?? Math.max(0, ...rates.map((r) => r.perSeconds * 1000)) + 5_000)) {
        outbox.defer(msg, new Date(now().getTime() + wait));
        held.add(digestOf(msg));
        continue;
      }
      if (wait > 0) await sleep(wait, opts.signal);
      if (opts.signal?.aborted) break;
    }
    if (msg.status === 'sending') report.resumed.push(msg);
    const body = outbox.readBody(msg.id, bodyFormat(msg)) ?? (chat ? null : await (await import('./channels/email.js')).legacyBody(msg, from));
    outbox.markSending(msg, now());
    if (!body) {
      fail(msg, `message body missing from the state folder (mail/${msg.id}.${bodyFormat(msg)}); cannot be sent`, true);
      continue;
    }
    if (chat && !def) {
      fail(msg, `channel "${msg.to}" is not in rules/owners.yaml channels: any more; put it back, then radar outbox retry`, false);
      continue;
    }
    const ctx: SendContext = { transport, env, from, now, ...(def ? { def } : {}), ...(opts.signal ? { signal: opts.signal } : {}), previewHtml: outbox.bodyFile(msg.id, 'html') };
    if (chat) limits.note(msg.to, now());
    crashPoint(chat ? 'before-post' : 'before-smtp');
    let res;
    try {
      res = await channel.send(msg, body, ctx);
    } catch (err) {
      const ce = err instanceof ChannelError ? err : null;
      fail(msg, errorLine(err), ce ? ce.permanent : isPermanent(err), ce?.retryAfterMs ?? 0);
      continue;
    }
    crashPoint(chat ? 'after-post-accept' : 'after-smtp-accept');
    outbox.markSent(msg, now(), res.detail, res.file);
    crashPoint('after-journal');
    report.sent.push(msg);
    opts.onSent?.(msg);
  }
  return report;
}

/** A later part of a digest goes only after the earlier ones (or once they are given up). */
function waitsForEarlierPart(outbox: Outbox, msg: OutboxMessage): boolean {
  if (!msg.part || msg.part.n === 1) return false;
  return Object.values(outbox.data.messages).some(
    (m) => m.to === msg.to && m.createdAt === msg.createdAt && m.part && m.part.n < msg.part!.n && (m.status === 'pending' || m.status === 'sending'),
  );
}

/** The parts of one digest: same destination, composed together. */
function digestOf(msg: OutboxMessage): string {
  return `${msg.to}\0${msg.createdAt}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
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
  /**
   * 'all': everything waiting (a manual run, the daily digest); 'immediate': that window only;
   * 'urgent': only urgent alerts (the daemon while a round is still running); 'none': nothing.
   */
  window: ComposeWindow | 'none';
  transport?: Transport;
  /** Ignore retry backoff (default for a manual run, which someone is watching). */
  force?: boolean;
  signal?: AbortSignal;
  onSent?: (msg: OutboxMessage) => void;
  onFailed?: (msg: OutboxMessage, error: string) => void;
  /** Where chat channels' webhook URLs and secrets are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
  rateLimits?: RateLimits;
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
  const compose = (window: ComposeWindow) =>
    composeDigests(outbox, { owners: opts.rules.owners, templatesDir: opts.paths.templatesDir, now: opts.now(), stateDir: opts.paths.stateDir, window, limits: d.digest, links: d.links });
  const messages = await compose(opts.window);
  const transport = opts.transport ?? makeTransport(opts.paths.outboxDir);
  const send = async (only?: ReadonlySet<string>) => {
    const r = await sendPending(outbox, transport, {
      now: opts.now,
      force: opts.force ?? opts.window === 'all',
      retry: retryPolicy(d),
      channels: opts.rules.owners.channels,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}),
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
      const more = await compose(opts.window === 'urgent' ? 'urgent' : 'immediate');
      messages.push(...more);
      await send(new Set(more.map((m) => m.id)));
    }
    // What the console shows beyond the outbox is copied before the prune forgets it (alerts
    // recorded before their kind had a store of its own, or by a caller that did not keep them).
    for (const store of KEPT_BEYOND_OUTBOX) store.keep(opts.paths.stateDir, Object.values(outbox.data.alerts), { onlyNew: true });
    outbox.prune(opts.now(), d.retention_days * 86_400_000);
    return { messages, delivery, notices };
  } finally {
    if (!opts.transport) transport.close();
  }
}
