import { createRequire } from 'node:module';
import type { Recipient } from '../../alerts/route.js';
import { messageId, type OutboxMessage, type StoredAlert } from '../../store/outbox.js';
import type { DeliveryRules } from '../policy.js';
import type { RenderedEmail } from '../render.js';
import type { Channel, ComposeInput, Composed } from './types.js';

// Rendering pulls in Handlebars, every section and the chart renderer; MIME building pulls in
// nodemailer. Loaded for the first digest to compose.
const renderer = () => import('../render.js');
const requireLazy = createRequire(import.meta.url);
const mailComposer = () => requireLazy('nodemailer/lib/mail-composer/index.js') as typeof import('nodemailer/lib/mail-composer/index.js');

/** Email: one digest per recipient (split in parts when too large), sent over SMTP or written as .eml files. */
export const channel: Channel = {
  type: 'email',
  format: 'eml',
  async compose(input) {
    const d = input.destination;
    const r: Recipient = { email: d.key, locale: d.locale, role: d.role };
    const parts = await buildParts(input.alerts, r, input, input.limits);
    const out: Composed[] = [];
    for (const part of parts) {
      const id = messageId(r.email, part.covered.map((a) => a.id));
      const eml = await buildEml(part.email, id, r.email, input.from, input.now, input.seq(id));
      out.push({
        id,
        covered: part.covered,
        subject: part.email.subject,
        body: eml,
        previewHtml: previewHtml(part.email),
        fields: {
          bytes: eml.length,
          charts: part.email.images.length,
          ...(parts.length > 1 ? { part: { n: part.n, of: parts.length } } : {}),
          ...(part.omitted ? { omitted: part.omitted } : {}),
        },
      });
    }
    return out;
  },
  async send(msg, body, ctx) {
    return ctx.transport.send(msg, { eml: body, ...(ctx.previewHtml ? { previewHtml: ctx.previewHtml } : {}) });
  },
};

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
async function buildParts(alerts: StoredAlert[], r: Recipient, opts: ComposeInput, limits: DeliveryRules['digest']): Promise<Part[]> {
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
        memo: opts.memo,
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

/** A message from a version-1 outbox kept its body inline: built into MIME now. */
export async function legacyBody(msg: OutboxMessage, from: string): Promise<Buffer | null> {
  if (msg.html === undefined) return null;
  const email: RenderedEmail = {
    subject: msg.subject,
    html: msg.html,
    text: msg.text ?? '',
    images: (msg.attachments ?? []).map((a) => ({ alertId: '', cid: a.cid, png: Buffer.from(a.base64, 'base64'), width: 0, height: 0, alt: '' })),
  };
  return buildEml(email, msg.id, msg.to, from, new Date(msg.createdAt), msg.seq);
}
