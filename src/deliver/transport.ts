import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { RadarError } from '../core/errors.js';
import { writeFileAtomic } from '../store/atomic.js';
import type { OutboxMessage } from '../store/outbox.js';

// nodemailer is loaded on the first SMTP send: a daemon with nothing to send never holds it.
const requireLazy = createRequire(import.meta.url);
const nodemailer = () => requireLazy('nodemailer') as typeof import('nodemailer');
type AddressParser = typeof import('nodemailer/lib/addressparser/index.js');
const addressparser = ((address: string, options?: object) => (requireLazy('nodemailer/lib/addressparser/index.js') as AddressParser)(address, options as never)) as AddressParser;

export interface SendResult {
  /** Where the message went: an SMTP response or a file path. */
  detail: string;
  file?: string;
}

/** A stored message: its MIME bytes (built once at compose time) and the path of its HTML preview. */
export interface MessageBody {
  eml: Buffer;
  previewHtml?: string;
}

/** A delivery channel. A new one (webhook, WeCom bot ...) is one file plus a line in `makeTransport`. */
export interface Transport {
  name: string;
  send(msg: OutboxMessage, body: MessageBody): Promise<SendResult>;
  close(): void;
}

export function mailFrom(env: NodeJS.ProcessEnv = process.env): string {
  return env.MAIL_FROM?.trim() || 'sales-radar <sales-radar@localhost>';
}

/**
 * SMTP needs a sender the mail server and the readers' servers accept: the built-in
 * `sales-radar@localhost` (fine in .eml files) is refused or lands in spam. Checked where a
 * command starts, so a run does not scrape for minutes and then fail to send.
 */
export function senderProblem(env: NodeJS.ProcessEnv = process.env): RadarError | null {
  if (!env.SMTP_URL) return null;
  const from = env.MAIL_FROM?.trim();
  const example = "e.g. MAIL_FROM='sales-radar <radar@yourcompany.com>'";
  if (!from) return new RadarError('config', `SMTP_URL is set but MAIL_FROM is not: set MAIL_FROM to a sender address your mail server accepts, ${example}`);
  const addr = envelopeAddress(from);
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(addr) || /@localhost$/i.test(addr)) {
    return new RadarError('config', `MAIL_FROM "${from}" is not a deliverable sender address: set it to one your mail server accepts, ${example}`);
  }
  return null;
}

/** The bare address of "Name <addr>", for the SMTP envelope. */
export function envelopeAddress(from: string): string {
  const parsed = addressparser(from, { flatten: true });
  return parsed[0]?.address || from;
}

/**
 * SMTP through nodemailer; the URL (with its password) comes from the environment and is never
 * printed. The stored bytes are sent as they are, so every retry is the identical message.
 */
export function smtpTransport(url: string, from = mailFrom()): Transport {
  let t: import('nodemailer').Transporter | null = null;
  return {
    name: 'smtp',
    async send(msg, body) {
      // Timeouts well below nodemailer's defaults (minutes): a hung server must not stall a delivery round.
      t ??= nodemailer().createTransport({ url, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 120_000 } as never);
      const info = await t.sendMail({ envelope: { from: envelopeAddress(from), to: [msg.to] }, raw: body.eml });
      return { detail: String(info.response ?? 'accepted') };
    },
    close: () => t?.close(),
  };
}

/** The embedded default: each email becomes an .eml file (open it in any mail client) plus an .html preview. */
export function fileTransport(dir: string): Transport {
  return {
    name: 'file',
    async send(msg, body) {
      mkdirSync(dir, { recursive: true });
      const stamp = msg.createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
      // The sequence keeps digests made within one second in the order they were made.
      const seq = msg.seq === undefined ? '' : `${String(msg.seq).padStart(6, '0')}_`;
      const base = `${stamp}_${seq}${msg.to.replace(/[^a-zA-Z0-9._-]+/g, '_')}_${msg.id.slice(0, 8)}`;
      const file = join(dir, `${base}.eml`);
      writeFileAtomic(file, body.eml);
      if (body.previewHtml && existsSync(body.previewHtml)) copyFileSync(body.previewHtml, join(dir, `${base}.html`));
      return { detail: file, file };
    },
    close: () => undefined,
  };
}

export function makeTransport(outboxDir: string, env: NodeJS.ProcessEnv = process.env): Transport {
  const problem = senderProblem(env);
  if (problem) throw problem;
  return env.SMTP_URL ? smtpTransport(env.SMTP_URL, mailFrom(env)) : fileTransport(outboxDir);
}

/** For logs: an SMTP URL without its credentials. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}
