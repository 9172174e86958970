import type { Locale, Recipient } from '../../alerts/route.js';
import type { OwnersRules } from '../../config/rules-schema.js';
import { RadarError } from '../../core/errors.js';
import type { BodyFormat, OutboxMessage, StoredAlert } from '../../store/outbox.js';
import type { DeliveryRules } from '../policy.js';
import type { Rate } from '../rate-limit.js';
import type { SendResult, Transport } from '../transport.js';
import type { ChannelDef } from '../../config/channels-schema.js';

/**
 * Where a digest goes: an email address, or a chat channel from rules/owners.yaml. `key` is what
 * the outbox records (the message's `to`, and the alerts' "delivered" mark).
 */
export interface Destination {
  key: string;
  /** 'email', or the chat channel's type ('wecom' ...). */
  type: string;
  locale: Locale;
  /** Whom the digest is written for (subject prefix, HR handling). */
  role: Recipient['role'];
  /** The chat channel's settings (never its secrets). */
  def?: ChannelDef;
}

export interface ComposeInput {
  destination: Destination;
  /** Not yet carried to this destination, most important first. Never HR and non-HR together. */
  alerts: StoredAlert[];
  owners: OwnersRules;
  templatesDir: string;
  now: Date;
  stateDir?: string;
  limits: DeliveryRules['digest'];
  links: DeliveryRules['links'];
  from: string;
  /** Shared by every digest of one compose pass (charts drawn once for several readers). */
  memo: Map<string, unknown>;
  /** A new message's place in the order of composing (the same number for the same id). */
  seq(id: string): number;
}

/** One message to store: built once, its body written before the outbox names it. */
export interface Composed {
  id: string;
  /** Alerts this message stands for (listed, or counted as not listed): their "delivered" mark points here. */
  covered: StoredAlert[];
  /** Alerts it only illustrates (a chart image of a listed price): carried, but not marked by it. */
  shows?: StoredAlert[];
  subject: string;
  body: Buffer;
  /** Email: the HTML part with images inlined, for a person to open. */
  previewHtml?: string;
  fields?: Pick<OutboxMessage, 'bytes' | 'charts' | 'part' | 'omitted'>;
}

export interface SendContext {
  /** Email's SMTP or file transport. */
  transport: Transport;
  /** The chat channel's settings, as configured now. */
  def?: ChannelDef;
  /** Email: the stored HTML preview (file delivery copies it next to the .eml). */
  previewHtml?: string;
  env: NodeJS.ProcessEnv;
  from: string;
  now: () => Date;
  signal?: AbortSignal;
}

/**
 * A delivery channel: composes a destination's alerts into stored messages (its medium's format,
 * within its size limits) and sends one stored message. `send` resolves only once the service
 * accepted the message; anything else throws (a ChannelError says whether retrying can help).
 */
export interface Channel {
  type: string;
  format: BodyFormat;
  /** Requests one robot accepts per period (its documented limits); a channel entry's `rate` replaces them. */
  rates?: Rate[];
  compose(input: ComposeInput): Promise<Composed[]>;
  send(msg: OutboxMessage, body: Buffer, ctx: SendContext): Promise<SendResult>;
  /** A short message for `radar channels test`, sent directly and never stored. */
  testBody?(text: string): Buffer;
}

/** A refused or failed send: `permanent` when no retry can help; `retryAfterMs` when the service said when to come back. */
export class ChannelError extends RadarError {
  readonly permanent: boolean;
  readonly retryAfterMs: number;
  /** The service's own answer, as it came (for `radar channels test` and the outbox). */
  readonly answer: string | undefined;

  constructor(message: string, opts: { permanent?: boolean; retryAfterMs?: number; answer?: string; cause?: unknown } = {}) {
    super('deliver', message, opts.cause === undefined ? {} : { cause: opts.cause });
    this.permanent = opts.permanent ?? false;
    this.retryAfterMs = opts.retryAfterMs ?? 0;
    this.answer = opts.answer;
  }
}
