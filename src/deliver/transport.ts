import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { writeFileAtomic } from '../store/atomic.js';
import type { OutboxMessage } from '../store/outbox.js';

export interface SendResult {
  /** Where the message went: an SMTP response or a file path. */
  detail: string;
  file?: string;
}

/** A delivery channel. A new one (webhook, WeCom bot ...) is one file plus a line in `makeTransport`. */
export interface Transport {
  name: string;
  send(msg: OutboxMessage): Promise<SendResult>;
  close(): void;
}

export function mailFrom(env: NodeJS.ProcessEnv = process.env): string {
  return env.MAIL_FROM ?? 'sales-radar <sales-radar@localhost>';
}

function toMail(msg: OutboxMessage, from: string): Mail.Options {
  return {
    from,
    to: msg.to,
    subject: msg.subject,
    text: msg.text,
    html: msg.html,
    // Stable across retries, so a receiving server (and a person) can tell a resend from a new digest.
    messageId: `<${msg.id}@sales-radar>`,
    date: new Date(msg.createdAt),
    headers: { 'X-Sales-Radar-Digest': msg.id },
    attachments: (msg.attachments ?? []).map((a) => ({ cid: a.cid, filename: a.filename, contentType: a.contentType, content: Buffer.from(a.base64, 'base64') })),
  };
}

/** SMTP through nodemailer; the URL (with its password) comes from the environment and is never printed. */
export function smtpTransport(url: string, from = mailFrom()): Transport {
  const t = nodemailer.createTransport(url);
  return {
    name: 'smtp',
    async send(msg) {
      const info = await t.sendMail(toMail(msg, from));
      return { detail: String(info.response ?? 'accepted') };
    },
    close: () => t.close(),
  };
}

/** The embedded default: each email becomes an .eml file (open it in any mail client) plus an .html preview. */
export function fileTransport(dir: string, from = mailFrom()): Transport {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    name: 'file',
    async send(msg) {
      const info = (await t.sendMail(toMail(msg, from))) as unknown as { message: Buffer };
      mkdirSync(dir, { recursive: true });
      const stamp = msg.createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
      const base = `${stamp}_${msg.to.replace(/[^a-zA-Z0-9._-]+/g, '_')}_${msg.id.slice(0, 8)}`;
      const file = join(dir, `${base}.eml`);
      writeFileAtomic(file, info.message);
      writeFileAtomic(join(dir, `${base}.html`), msg.html);
      return { detail: file, file };
    },
    close: () => t.close(),
  };
}

export function makeTransport(outboxDir: string, env: NodeJS.ProcessEnv = process.env): Transport {
  return env.SMTP_URL ? smtpTransport(env.SMTP_URL, mailFrom(env)) : fileTransport(outboxDir, mailFrom(env));
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
