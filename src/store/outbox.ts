import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Alert } from '../alerts/model.js';
import { alertSubject } from '../alerts/subject.js';
import { activeMute, readMutes, writeMutes, type Mute } from './mutes.js';
import { readJsonFile, writeFileAtomic } from './atomic.js';

/** When an alert goes out: at the end of the run that found it, or in the daily digest. */
export type DeliveryWindow = 'immediate' | 'daily';

export interface StoredAlert extends Alert {
  recordedAt: string;
  /** recipient email → id of the message that carries this alert to them. */
  delivered: Record<string, string>;
  window?: DeliveryWindow;
  /** Groups alerts that say the same thing (a price flapping between two values); see deliver/cooldown.ts. */
  cooldownKey?: string;
  /** Set when the alert is kept for the record but never sent (why, e.g. "cooldown: repeats <id>"). */
  suppressed?: string;
  /** Someone said they saw it (`radar alerts ack`, or the console). */
  acked?: { at: string; note?: string };
}

/**
 * pending → sending → sent, or back to pending with a later nextAttemptAt, or dead after the
 * attempt limit. "sending" is written before the SMTP conversation starts: a message found in
 * that state at startup was interrupted mid-send (see `interrupted`).
 */
export type MessageStatus = 'pending' | 'sending' | 'sent' | 'dead';

export interface OutboxMessage {
  /** Stable: derived from recipient + alert ids, so a rebuilt digest after a crash gets the same id. */
  id: string;
  /** An email address, or the name of a chat channel in rules/owners.yaml (`channels:`). */
  to: string;
  /**
   * How it travels: 'email', or a chat channel type ('wecom', 'dingtalk' ...). Absent in outboxes
   * written before channels existed: email. Decides the body's format (mail/<id>.eml or .json).
   */
  channel?: string;
  locale: string;
  subject: string;
  alertIds: string[];
  createdAt: string;
  /** Order of composing (1, 2, 3 ...): digests made in the same second still sort in the order they were made. */
  seq?: number;
  /**
   * Carries HR-only alerts (attrition). Its subject ("[HR] 4 人离职风险偏高"), recipient and server
   * errors are HR data: outside the message itself they are shown only through `opsView`.
   */
  hr?: boolean;
  status: MessageStatus;
  attempts: number;
  /** Which window built it; 'all' for a manual run that sends everything. */
  window?: DeliveryWindow | 'all';
  /** Size of the stored body (MIME message or request JSON). */
  bytes?: number;
  charts?: number;
  /** A digest too large for one email (or chat post) is split: part n of m. */
  part?: { n: number; of: number };
  /** Alerts counted in the summary but not listed (beyond the per-digest limits). */
  omitted?: number;
  lastError?: string;
  lastAttemptAt?: string;
  nextAttemptAt?: string;
  sentAt?: string;
  /** The server's reply (e.g. "250 2.0.0 OK queued as ...") or the file it was written to. */
  response?: string;
  /**
   * Times a send was cut off by a crash after it began. If the server had already accepted the
   * message, the resend is a second copy with the same Message-ID (see README, "Exactly once").
   */
  interrupted?: number;
  /** Which "mail is stuck" notices sales ops already got for this message. */
  opsNotified?: ('stuck' | 'dead')[];
  /** Where the .eml landed, in file delivery mode. */
  file?: string;
  /** Version-1 outboxes kept the body inline; still sendable. */
  html?: string;
  text?: string;
  attachments?: { cid: string; filename: string; contentType: string; base64: string }[];
}

export interface OutboxData {
  version: 2;
  alerts: Record<string, StoredAlert>;
  messages: Record<string, OutboxMessage>;
  /** The last `seq` given to a message. */
  seq?: number;
}

export interface RecordPolicy {
  /** Which window an alert belongs to (rules/delivery.yaml `immediate:`). */
  window?: (a: Alert) => DeliveryWindow;
  /** Cooldown key of an alert, or null if it has none. */
  cooldownKey?: (a: Alert) => string | null;
  cooldownMs?: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  /** Wait after the 1st, 2nd ... failed attempt; the last value repeats. */
  backoffMs: number[];
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, backoffMs: [60_000, 300_000, 900_000, 3_600_000, 10_800_000] };

/**
 * The durable outbox: one JSON file replaced atomically on every change, so after a crash it
 * holds either the state before or after a step. Alerts are recorded here before anything is
 * sent; message bodies live next to it in mail/<id>.eml, written before the message that names
 * them, so the outbox never points at a body that is not on disk.
 */
export class Outbox {
  readonly file: string;
  readonly mailDir: string;
  private readonly stateDir: string;
  data: OutboxData;
  policy: RecordPolicy = {};
  /** cooldown key → when the last alert with it was recorded (ms). */
  private cooldowns = new Map<string, number>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(stateDir: string) {
    this.stateDir = stateDir;
    this.file = join(stateDir, 'outbox.json');
    this.mailDir = join(stateDir, 'mail');
    const raw = readJsonFile<{ version: number } & Omit<OutboxData, 'version'>>(this.file);
    this.data = raw
      ? { version: 2, alerts: raw.alerts ?? {}, messages: raw.messages ?? {}, ...(raw.seq ? { seq: raw.seq } : {}) }
      : { version: 2, alerts: {}, messages: {} };
    for (const a of Object.values(this.data.alerts)) {
      if (a.cooldownKey && !a.suppressed) this.noteCooldown(a.cooldownKey, Date.parse(a.recordedAt));
    }
  }

  /**
   * Runs delivery work one round at a time. Composing and sending await (charts, SMTP); two
   * rounds interleaving in one process could compose the same alerts twice or send one message
   * twice, so every round goes through this queue.
   */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  save(): void {
    writeFileAtomic(this.file, JSON.stringify(this.data) + '\n');
  }

  private noteCooldown(key: string, at: number): void {
    if (at > (this.cooldowns.get(key) ?? -Infinity)) this.cooldowns.set(key, at);
  }

  /**
   * Records new alerts in one atomic write; an id already present is the same alert and is not
   * recorded twice. An alert repeating one sent within the cooldown is kept but marked suppressed.
   * Returns the alerts that will be delivered.
   */
  record(alerts: readonly Alert[], now: Date, opts: { window?: DeliveryWindow } = {}): Alert[] {
    const added: Alert[] = [];
    let changed = false;
    const t = now.getTime();
    // Read at each record, so a mute set in the console applies to the next run without a reload.
    const mutes = alerts.length ? readMutes(this.stateDir).mutes : [];
    for (const a of alerts) {
      if (this.data.alerts[a.id]) continue;
      const stored: StoredAlert = { ...a, recordedAt: now.toISOString(), delivered: {}, window: opts.window ?? this.policy.window?.(a) ?? 'daily' };
      const key = this.policy.cooldownKey?.(a) ?? null;
      const mute = mutes.length ? activeMute(mutes, alertSubject(a), now) : null;
      if (mute) {
        stored.suppressed = `muted until ${mute.until} by ${mute.by}`;
      } else if (key) {
        stored.cooldownKey = key;
        const last = this.cooldowns.get(key);
        if (last !== undefined && t - last < (this.policy.cooldownMs ?? 0)) {
          stored.suppressed = `cooldown: same change as ${new Date(last).toISOString()}`;
        } else {
          this.noteCooldown(key, t);
        }
      }
      this.data.alerts[a.id] = stored;
      changed = true;
      if (!stored.suppressed) added.push(a);
    }
    if (changed) this.save();
    return added;
  }

  /** Marks alerts as seen; returns those found. */
  ack(ids: readonly string[], now: Date, note?: string): StoredAlert[] {
    const done = ids.map((id) => this.data.alerts[id]).filter((a): a is StoredAlert => a !== undefined);
    for (const a of done) a.acked = { at: now.toISOString(), ...(note ? { note } : {}) };
    if (done.length) this.save();
    return done;
  }

  /**
   * Mutes the item an alert is about until `until` (a past date unmutes it), in the same
   * <state>/mutes.json the console writes, so a mute set in either place holds for both.
   * Null: the alert is unknown or is not about an item.
   */
  mute(alertId: string, until: Date, now: Date, by = 'cli'): { key: string; mute: Mute } | null {
    const a = this.data.alerts[alertId];
    const subject = a ? alertSubject(a) : null;
    if (!a || !subject?.targetId || !subject.key) return null;
    const { targetId, key: itemKey } = subject;
    const key = `${targetId}/${itemKey}`;
    const file = readMutes(this.stateDir);
    const others = file.mutes.filter((m) => !(m.targetId === targetId && m.key === itemKey));
    const mute: Mute = { id: `m-${createHash('sha1').update(`${key}|${now.toISOString()}`).digest('hex').slice(0, 10)}`, targetId, key: itemKey, until: until.toISOString(), by, at: now.toISOString() };
    if (until.getTime() <= now.getTime()) {
      writeMutes(this.stateDir, others, now, file.version);
      return { key, mute };
    }
    writeMutes(this.stateDir, [...others, mute], now, file.version);
    // What is recorded about the item and not yet sent anywhere stays unsent too.
    let changed = false;
    for (const other of Object.values(this.data.alerts)) {
      if (other.suppressed || Object.keys(other.delivered).length) continue;
      const s = alertSubject(other);
      if (s.targetId === targetId && s.key === itemKey) {
        other.suppressed = `muted until ${mute.until} by ${by}`;
        changed = true;
      }
    }
    if (changed) this.save();
    return { key, mute };
  }

  /** Messages to attempt now: pending ones whose backoff has passed, and ones a crash cut off mid-send. */
  due(now: Date, force = false): OutboxMessage[] {
    const t = now.getTime();
    return Object.values(this.data.messages)
      .filter((m) => (m.status === 'pending' || m.status === 'sending') && (force || !m.nextAttemptAt || Date.parse(m.nextAttemptAt) <= t))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || (a.seq ?? 0) - (b.seq ?? 0) || a.to.localeCompare(b.to) || (a.part?.n ?? 0) - (b.part?.n ?? 0) || a.id.localeCompare(b.id));
  }

  pendingMessages(): OutboxMessage[] {
    return Object.values(this.data.messages).filter((m) => m.status === 'pending' || m.status === 'sending');
  }

  /** The earliest time a pending message may be retried (for the daemon's delivery timer). */
  nextAttemptAt(): Date | null {
    let min = Infinity;
    for (const m of this.pendingMessages()) min = Math.min(min, m.nextAttemptAt ? Date.parse(m.nextAttemptAt) : 0);
    return min === Infinity ? null : new Date(min);
  }

  get(id: string): OutboxMessage | undefined {
    return this.data.messages[id];
  }

  /** The next message's place in the order of composing (saved with the message that takes it). */
  nextSeq(): number {
    this.data.seq = (this.data.seq ?? 0) + 1;
    return this.data.seq;
  }

  /** Whether a message carries HR-only alerts (older outboxes did not mark it: asked of its alerts). */
  isHr(m: OutboxMessage): boolean {
    return m.hr ?? m.alertIds.some((id) => this.data.alerts[id]?.audience.kind === 'hr');
  }

  /** Durably notes that a send begins; if the previous one was cut off, counts it. */
  markSending(msg: OutboxMessage, now: Date): void {
    if (msg.status === 'sending') msg.interrupted = (msg.interrupted ?? 0) + 1;
    msg.status = 'sending';
    msg.attempts += 1;
    msg.lastAttemptAt = now.toISOString();
    this.save();
  }

  /** The sent journal entry: written right after the server accepted the message. */
  markSent(msg: OutboxMessage, now: Date, response: string, file?: string): void {
    msg.status = 'sent';
    msg.sentAt = now.toISOString();
    msg.response = response;
    if (file) msg.file = file;
    delete msg.lastError;
    delete msg.nextAttemptAt;
    this.save();
  }

  /** `waitMs`: the service said when to come back (a rate limit); at least that long, whatever the backoff. */
  markFailed(msg: OutboxMessage, now: Date, error: string, retry: RetryPolicy, permanent = false, waitMs = 0): void {
    msg.lastError = error;
    if (permanent || msg.attempts >= retry.maxAttempts) {
      msg.status = 'dead';
      delete msg.nextAttemptAt;
    } else {
      msg.status = 'pending';
      const wait = retry.backoffMs[Math.min(msg.attempts, retry.backoffMs.length) - 1] ?? retry.backoffMs.at(-1) ?? 60_000;
      msg.nextAttemptAt = new Date(now.getTime() + Math.max(wait, waitMs)).toISOString();
    }
    this.save();
  }

  /**
   * Not attempted now (a channel's rate limit is used up): back to pending until `at`, without
   * spending an attempt, so a busy robot never turns into a dead message.
   */
  defer(msg: OutboxMessage, at: Date): void {
    msg.status = 'pending';
    msg.nextAttemptAt = at.toISOString();
    this.save();
  }

  /** Dead or waiting messages go back to pending with a fresh attempt budget, to be sent at once. */
  retry(ids: readonly string[]): OutboxMessage[] {
    const done: OutboxMessage[] = [];
    for (const id of ids) {
      const m = this.data.messages[id];
      if (!m || m.status === 'sent') continue;
      m.status = 'pending';
      m.attempts = 0;
      delete m.nextAttemptAt;
      m.opsNotified = [];
      done.push(m);
    }
    if (done.length) this.save();
    return done;
  }

  /** Drops messages for good (their alerts stay marked as handled for that recipient). */
  purge(ids: readonly string[]): OutboxMessage[] {
    const gone: OutboxMessage[] = [];
    for (const id of ids) {
      const m = this.data.messages[id];
      if (!m) continue;
      delete this.data.messages[id];
      gone.push(m);
    }
    if (gone.length) {
      this.save();
      for (const m of gone) this.removeBody(m.id);
    }
    return gone;
  }

  /**
   * Forgets sent mail and handled alerts older than the retention, so the file stays small over
   * months. Pending and dead mail is never dropped here (only by `radar outbox purge`). Alert ids
   * older than the retention cannot come back: they embed the snapshot time they were found against.
   */
  prune(now: Date, retentionMs: number): { messages: number; alerts: number; files: number } {
    const cutoff = now.getTime() - retentionMs;
    const pruned: string[] = [];
    let alerts = 0;
    for (const m of Object.values(this.data.messages)) {
      if (m.status === 'sent' && Date.parse(m.sentAt ?? m.createdAt) < cutoff) {
        delete this.data.messages[m.id];
        pruned.push(m.id);
      }
    }
    const live = new Set(Object.values(this.data.messages).flatMap((m) => m.alertIds));
    for (const a of Object.values(this.data.alerts)) {
      if (Date.parse(a.recordedAt) < cutoff && !live.has(a.id)) {
        delete this.data.alerts[a.id];
        alerts++;
      }
    }
    if (pruned.length || alerts) this.save();
    let files = 0;
    for (const id of pruned) files += this.removeBody(id);
    // Orphans: bodies written just before a crash kept the message from being recorded. Judged by
    // file age on the real clock, so a body being composed right now is never one of them.
    if (existsSync(this.mailDir)) {
      for (const f of readdirSync(this.mailDir)) {
        const path = join(this.mailDir, f);
        if (this.data.messages[f.replace(/\.(eml|html|json)$/, '')]) continue;
        try {
          if (statSync(path).mtimeMs < Date.now() - 3_600_000) {
            unlinkSync(path);
            files++;
          }
        } catch {
          /* gone */
        }
      }
    }
    return { messages: pruned.length, alerts, files };
  }

  bodyFile(id: string, ext: BodyFormat | 'html' = 'eml'): string {
    return join(this.mailDir, `${id}.${ext}`);
  }

  /**
   * Writes a message's body before the message is recorded: the MIME message (with an HTML
   * preview for people) for email, the request JSON (never a secret: keys and signatures are
   * added at send time) for a chat channel.
   */
  writeBody(id: string, body: Buffer, previewHtml?: string, format: BodyFormat = 'eml'): void {
    if (previewHtml !== undefined) writeFileAtomic(this.bodyFile(id, 'html'), previewHtml);
    writeFileAtomic(this.bodyFile(id, format), body);
  }

  readBody(id: string, format: BodyFormat = 'eml'): Buffer | null {
    try {
      return readFileSync(this.bodyFile(id, format));
    } catch {
      return null;
    }
  }

  private removeBody(id: string): number {
    let n = 0;
    for (const ext of ['eml', 'html', 'json'] as const) {
      try {
        unlinkSync(this.bodyFile(id, ext));
        n++;
      } catch {
        /* not there */
      }
    }
    return n;
  }
}

/** How a stored body is kept: a MIME message, or the JSON a chat service is sent. */
export type BodyFormat = 'eml' | 'json';

export function bodyFormat(msg: Pick<OutboxMessage, 'channel'>): BodyFormat {
  return !msg.channel || msg.channel === 'email' ? 'eml' : 'json';
}

export function messageId(to: string, alertIds: readonly string[]): string {
  const h = createHash('sha256').update(to).update('\0').update([...alertIds].sort().join('\n')).digest('hex');
  return h.slice(0, 24);
}

/** What sales ops, logs and the CLI may show of a message. */
export interface MessageView {
  id: string;
  to: string;
  subject: string;
  lastError: string | null;
  hr: boolean;
}

export const HR_RECIPIENT = 'HR';
export const HR_SUBJECT = 'an HR email (subject withheld)';

/**
 * A message as anyone but its recipient may see it. For HR mail: that it is an HR email, and
 * nothing of its subject (which counts people), its recipient or the server's error (which quotes
 * the address); only the SMTP status code remains, which is what ops need to act.
 */
export function opsView(m: OutboxMessage, hr = m.hr ?? false): MessageView {
  if (!hr) return { id: m.id, to: m.to, subject: m.subject, lastError: m.lastError ?? null, hr: false };
  return { id: m.id, to: HR_RECIPIENT, subject: HR_SUBJECT, lastError: m.lastError === undefined ? null : hrSafeError(m.lastError), hr: true };
}

/** A delivery error without anything HR-specific in it: the SMTP code, or that the server was unreachable. */
export function hrSafeError(error: string): string {
  const code = /\b([45]\d\d)(?:[ -]+([245]\.\d{1,3}\.\d{1,3}))?\b/.exec(error);
  if (code) return `the mail server answered ${code[1]}${code[2] ? ` ${code[2]}` : ''} (details withheld: HR mail)`;
  if (/ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|timed? ?out|connect/i.test(error)) return 'the mail server could not be reached';
  if (/body missing/i.test(error)) return 'message body missing from the state folder (mail/)';
  return 'not accepted by the mail server (details withheld: HR mail)';
}
