import { createHmac } from 'node:crypto';
import { bytes, composeChat, cut, escapeChatMarkdown as esc, markup, safeLinkUrl, withoutUrls, type ChatFormat } from './chat.js';
import { postJson, secretFromEnv, urlSecrets } from './http.js';
import { ChannelError, type Channel } from './types.js';

/**
 * 钉钉 (DingTalk) custom robot: POST JSON to https://oapi.dingtalk.com/robot/send?access_token=…
 * With 加签 (a secret starting "SEC"), every request carries `timestamp` (ms, within an hour of
 * DingTalk's clock) and `sign` = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)) in the
 * query. Digests go as markdown, a few alerts as ActionCards. 20 messages a minute per robot;
 * beyond that DingTalk refuses (130101) and throttles the robot for 10 minutes. DingTalk publishes
 * no size limit for robot markdown: posts are kept under 6,000 bytes (`max_bytes` to change).
 */
const DEFAULT_MAX = 6_000;
const THROTTLED_MS = 10 * 60_000;

/** Refusals a retry cannot fix: unknown token, a wrong secret, keywords or IP list, a malformed body. */
const PERMANENT = new Set([300001, 310000, 40035, 400102]);

/** DingTalk markdown needs two spaces before a line break inside a paragraph. */
const lines = (s: string) => s.split('\n').join('  \n');

const format: ChatFormat = {
  maxBytes: DEFAULT_MAX,
  measure(body) {
    const b = body as { markdown?: { text: string }; actionCard?: { text: string } };
    return bytes(b.markdown?.text ?? b.actionCard?.text ?? '');
  },
  page(p) {
    const link = (url: string) => `[${p.t['chat.link'] ?? 'link'}](${safeLinkUrl(url)})`;
    const parts = [`### ${esc(p.title)}`, `> ${esc(p.meta)}`];
    if (p.summary.length) parts.push(p.summary.map((s) => `- ${esc(s)}`).join('\n'));
    for (const sec of p.sections) {
      parts.push(`**${esc(sec.title)}**`);
      for (const item of sec.items) parts.push(lines(markup(item.text, esc, link)));
      if (sec.notes.length) parts.push(lines(markup(sec.notes.join('\n'), esc, link)));
    }
    if (p.more) parts.push(`${esc(p.more.text)}${p.more.link ? ` [${esc(p.more.link.label)}](${safeLinkUrl(p.more.link.url)})` : ''}`);
    return { msgtype: 'markdown', markdown: { title: cut(p.title, 64), text: parts.join('\n\n') } };
  },
  card(c) {
    const buttons = [...c.actions, ...(c.item.url ? [{ label: c.t['chat.link'] ?? 'link', url: c.item.url }] : [])];
    if (!buttons.length) return null;
    const text = [`### ${esc(c.section)}`, lines(esc(withoutUrls(c.item.text))), ...(c.commands.length ? [lines(c.commands.map(esc).join('\n'))] : []), `> ${esc(c.meta)}`].join('\n\n');
    return {
      msgtype: 'actionCard',
      actionCard: {
        title: cut(c.subject, 64),
        text,
        btnOrientation: '0',
        btns: buttons.map((b) => ({ title: cut(b.label, 20), actionURL: b.url })),
      },
    };
  },
};

export const channel: Channel = {
  type: 'dingtalk',
  format: 'json',
  rates: [{ max: 20, perSeconds: 60 }],
  compose: (input) => composeChat(input, format),
  async send(_msg, body, ctx) {
    const def = ctx.def!;
    let url = secretFromEnv(ctx.env, def.url_env, 'the DingTalk robot webhook URL');
    const secrets = urlSecrets(url);
    if (def.secret_env) {
      const secret = secretFromEnv(ctx.env, def.secret_env, 'the DingTalk robot signing secret');
      secrets.push(secret);
      // The wall clock, whatever clock schedules us: DingTalk checks it against its own.
      const timestamp = String(Date.now());
      const sign = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
      url += `${url.includes('?') ? '&' : '?'}timestamp=${timestamp}&sign=${encodeURIComponent(sign)}`;
    }
    const ans = await postJson(url, body, { secrets, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    if (ans.status !== 200 || !ans.json) {
      throw new ChannelError(`DingTalk answered HTTP ${ans.status}: ${cut(ans.text, 200)}`, { permanent: ans.status >= 400 && ans.status < 500 && ans.status !== 429, answer: ans.text });
    }
    const code = Number(ans.json.errcode);
    if (code === 0) return { detail: ans.text };
    const errmsg = String(ans.json.errmsg ?? '');
    throw new ChannelError(`DingTalk refused the message: errcode ${code}, ${cut(errmsg, 200)}`, {
      // A timestamp DingTalk finds too far off is our clock, not the config: worth another try.
      permanent: PERMANENT.has(code) && !/timestamp/i.test(errmsg),
      retryAfterMs: code === 130101 ? THROTTLED_MS : 0,
      answer: ans.text,
    });
  },
  testBody: (text) => Buffer.from(JSON.stringify({ msgtype: 'markdown', markdown: { title: 'sales-radar', text: esc(text) } })),
};
