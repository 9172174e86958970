import { createHmac } from 'node:crypto';
import { bytes, composeChat, cut, safeLinkUrl, withoutUrls, type ChatFormat, type Link } from './chat.js';
import { postJson, retryAfterMs, secretFromEnv, urlSecrets } from './http.js';
import { ChannelError, type Channel } from './types.js';

/**
 * 飞书 (Feishu) custom bot: POST JSON to https://open.feishu.cn/open-apis/bot/v2/hook/<token>.
 * With 签名校验 the body carries `timestamp` (seconds, within an hour) and `sign` =
 * base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = "")). Everything goes as
 * interactive cards; scraped text is `plain_text` (never interpreted), links are buttons or
 * markdown links we build. Documented limits: a request body of at most 20 KB; 100 requests a
 * minute and 5 a second per bot (11232 "frequency limited").
 */
const MAX_BODY = 20 * 1024;
/** Room for the timestamp and sign added at send time. */
const SIGN_ROOM = 120;

/** Refusals a retry cannot fix: bad token (19001), signature (19021), IP list (19022), keywords (19024), malformed (9499). */
const PERMANENT = new Set([19001, 19021, 19022, 19024, 9499]);

const plain = (content: string) => ({ tag: 'plain_text', content });
const button = (l: Link, primary: boolean) => ({ tag: 'button', text: plain(cut(l.label, 40)), url: l.url, type: primary ? 'primary' : 'default' });

const format: ChatFormat = {
  maxBytes: MAX_BODY - SIGN_ROOM,
  measure: (body) => bytes(JSON.stringify(body)),
  page(p) {
    const elements: unknown[] = [{ tag: 'note', elements: [plain(p.meta)] }];
    if (p.summary.length) elements.push({ tag: 'div', text: plain(p.summary.map((s) => `• ${s}`).join('\n')) });
    for (const sec of p.sections) {
      elements.push({ tag: 'hr' }, { tag: 'div', text: { tag: 'lark_md', content: `**${cut(sec.title, 60).replace(/[*_~`[\]<>]/g, '')}**` } });
      for (const item of sec.items) {
        elements.push({ tag: 'div', text: plain(withoutUrls(item.text)) });
        if (item.url) elements.push({ tag: 'div', text: { tag: 'lark_md', content: `[${p.t['chat.link'] ?? 'link'}](${safeLinkUrl(item.url)})` } });
      }
      if (sec.notes.length) elements.push({ tag: 'note', elements: [plain(sec.notes.join('\n'))] });
    }
    if (p.more) {
      elements.push({ tag: 'hr' }, { tag: 'note', elements: [plain(p.more.text)] });
      if (p.more.link) elements.push({ tag: 'action', actions: [button(p.more.link, false)] });
    }
    return { msg_type: 'interactive', card: { config: { wide_screen_mode: true }, header: { template: 'blue', title: plain(cut(p.title, 100)) }, elements } };
  },
  card(c) {
    const buttons = [...c.actions, ...(c.item.url ? [{ label: c.t['chat.link'] ?? 'link', url: c.item.url }] : [])];
    const elements: unknown[] = [{ tag: 'div', text: plain(withoutUrls(c.item.text)) }];
    if (buttons.length) elements.push({ tag: 'action', actions: buttons.map((b, i) => button(b, i === 0)) });
    if (c.commands.length) elements.push({ tag: 'note', elements: [plain(c.commands.join('\n'))] });
    elements.push({ tag: 'note', elements: [plain(c.meta)] });
    return { msg_type: 'interactive', card: { config: { wide_screen_mode: true }, header: { template: 'orange', title: plain(cut(`${c.section}: ${c.subject}`, 100)) }, elements } };
  },
};

export const channel: Channel = {
  type: 'feishu',
  format: 'json',
  rates: [
    { max: 100, perSeconds: 60 },
    { max: 5, perSeconds: 1 },
  ],
  compose: (input) => composeChat(input, format),
  async send(_msg, body, ctx) {
    const def = ctx.def!;
    const url = secretFromEnv(ctx.env, def.url_env, 'the Feishu bot webhook URL');
    const secrets = urlSecrets(url);
    let payload: Buffer | string = body;
    if (def.secret_env) {
      const secret = secretFromEnv(ctx.env, def.secret_env, 'the Feishu bot signing secret');
      secrets.push(secret);
      // The wall clock, whatever clock schedules us: Feishu checks it against its own.
      const timestamp = String(Math.floor(Date.now() / 1000));
      const sign = createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
      payload = JSON.stringify({ timestamp, sign, ...(JSON.parse(body.toString('utf8')) as object) });
    }
    const ans = await postJson(url, payload, { secrets, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    if (ans.status === 429) throw new ChannelError(`Feishu answered HTTP 429: ${cut(ans.text, 200)}`, { retryAfterMs: retryAfterMs(ans.headers, 60_000, 'x-ogw-ratelimit-reset'), answer: ans.text });
    if (ans.status !== 200 || !ans.json) {
      throw new ChannelError(`Feishu answered HTTP ${ans.status}: ${cut(ans.text, 200)}`, { permanent: ans.status >= 400 && ans.status < 500, answer: ans.text });
    }
    // Newer bots answer {"code":0,"msg":"success"}, older ones {"StatusCode":0,"StatusMessage":"success"}.
    const code = Number(ans.json.code ?? ans.json.StatusCode);
    if (code === 0) return { detail: ans.text };
    throw new ChannelError(`Feishu refused the message: code ${code}, ${cut(String(ans.json.msg ?? ans.json.StatusMessage ?? ''), 200)}`, {
      permanent: PERMANENT.has(code),
      retryAfterMs: code === 11232 ? 60_000 : 0,
      answer: ans.text,
    });
  },
  testBody: (text) => Buffer.from(JSON.stringify({ msg_type: 'text', content: { text } })),
};
