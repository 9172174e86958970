import { createHmac } from 'node:crypto';
import { alertRef } from '../../alerts/ref.js';
import { bytes, composeChat, cut, type ChatFormat } from './chat.js';
import { postJson, retryAfterMs, secretFromEnv, urlSecrets } from './http.js';
import { ChannelError, type Channel } from './types.js';

/**
 * Any HTTP endpoint: the digest as JSON (the payload is documented in docs/webhook.md), signed
 * the Standard Webhooks way: headers `webhook-id` (the message id, the same on every retry: the
 * idempotency key, also sent as `Idempotency-Key`), `webhook-timestamp` (seconds) and
 * `webhook-signature` = "v1," + base64(HMAC-SHA256(secret, id + "." + timestamp + "." + body)).
 * A secret starting "whsec_" is base64 after the prefix; any other is used as its UTF-8 bytes.
 * Accepted = a 2xx answer whose body, if JSON, does not say "ok": false.
 */
const DEFAULT_MAX = 256 * 1024;

const format: ChatFormat = {
  maxBytes: DEFAULT_MAX,
  measure: (body) => bytes(JSON.stringify(body)),
  page(p) {
    const alerts = p.sections.flatMap((s) => s.items.map((i) => i.alert));
    return {
      type: 'sales-radar.digest',
      version: 1,
      to: p.to,
      title: p.title,
      createdAt: p.at,
      summary: p.summary,
      sections: p.sections.map((s) => ({ title: s.title, items: s.items.map((i) => ({ alertId: i.alert.id, ref: alertRef(i.alert.id), text: i.text, url: i.url })), notes: s.notes })),
      alerts: alerts.map((a) => ({ id: a.id, ref: alertRef(a.id), topic: a.topic, audience: a.audience, createdAt: a.createdAt, window: a.window ?? 'daily', payload: a.payload })),
      more: p.more ? { count: p.more.n, text: p.more.text, url: p.more.link?.url ?? null } : null,
    };
  },
};

export const channel: Channel = {
  type: 'webhook',
  format: 'json',
  compose: (input) => composeChat(input, format),
  async send(msg, body, ctx) {
    const def = ctx.def!;
    const url = secretFromEnv(ctx.env, def.url_env, 'the webhook URL');
    const secrets = urlSecrets(url);
    // The wall clock, whatever clock schedules us: receivers check it against theirs.
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = { 'webhook-id': msg.id, 'webhook-timestamp': timestamp, 'idempotency-key': msg.id };
    if (def.secret_env) {
      const secret = secretFromEnv(ctx.env, def.secret_env, 'the webhook signing secret');
      secrets.push(secret);
      const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
      headers['webhook-signature'] = `v1,${createHmac('sha256', key).update(`${msg.id}.${timestamp}.`).update(body).digest('base64')}`;
    }
    const ans = await postJson(url, body, { headers, secrets, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    if (ans.status >= 200 && ans.status < 300 && ans.json?.ok !== false) return { detail: `HTTP ${ans.status} ${cut(ans.text, 200)}`.trim() };
    if (ans.status === 429) throw new ChannelError(`the webhook answered 429 ${cut(ans.text, 100)}`, { retryAfterMs: retryAfterMs(ans.headers, 60_000), answer: ans.text });
    if (ans.status >= 200 && ans.status < 300) throw new ChannelError(`the webhook refused the message: ${cut(ans.text, 200)}`, { answer: ans.text });
    throw new ChannelError(`the webhook answered HTTP ${ans.status}: ${cut(ans.text, 200)}`, { permanent: ans.status >= 400 && ans.status < 500 && ans.status !== 408, answer: ans.text });
  },
  testBody: (text) => Buffer.from(JSON.stringify({ type: 'sales-radar.test', version: 1, text })),
};
