import { bytes, composeChat, cut, markup, safeLinkUrl, type ChatFormat } from './chat.js';
import { postJson, retryAfterMs, secretFromEnv, urlSecrets } from './http.js';
import { ChannelError, type Channel } from './types.js';

/**
 * Slack incoming webhook (https://hooks.slack.com/services/…, the path is the secret): Block Kit.
 * Limits that make Slack refuse a message (400 invalid_blocks): more than 50 blocks, a section
 * text over 3,000 characters, a header over 150. Incoming webhooks take about one message a
 * second (429 rate_limited with Retry-After). The answer is plain text: "ok", or the error.
 */
const MAX_BLOCKS = 50;
const MAX_SECTION = 3000;
/** Slack takes far larger messages; past this a post stops being read in a channel (`max_bytes` to change). */
const DEFAULT_MAX = 16_000;

/** mrkdwn's only escapes: a scraped "<http://x|click>" or "<!channel>" stays text. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text });

/** Section blocks for lines of mrkdwn, each within Slack's 3,000 characters. */
function sections(lines: string[]): unknown[] {
  const out: unknown[] = [];
  let cur = '';
  for (const line of lines) {
    if (cur && cur.length + 1 + line.length > MAX_SECTION) {
      out.push({ type: 'section', text: mrkdwn(cur) });
      cur = '';
    }
    cur = cur ? `${cur}\n${line}` : line;
  }
  if (cur) out.push({ type: 'section', text: mrkdwn(cur) });
  return out;
}

const format: ChatFormat = {
  maxBytes: DEFAULT_MAX,
  measure(body) {
    const blocks = (body as { blocks: { type: string; text?: { text: string } }[] }).blocks;
    if (blocks.length > MAX_BLOCKS || blocks.some((b) => (b.text?.text.length ?? 0) > (b.type === 'header' ? 150 : MAX_SECTION))) return Infinity;
    return bytes(JSON.stringify(body));
  },
  page(p) {
    const link = (url: string) => `<${safeLinkUrl(url)}|${esc(p.t['chat.link'] ?? 'link')}>`;
    const blocks: unknown[] = [{ type: 'header', text: plain(cut(p.title, 150)) }, { type: 'context', elements: [plain(p.meta)] }];
    if (p.summary.length) blocks.push(...sections(p.summary.map((s) => `• ${esc(s)}`)));
    for (const sec of p.sections) {
      blocks.push({ type: 'divider' }, { type: 'section', text: mrkdwn(`*${esc(sec.title)}*`) });
      blocks.push(...sections(sec.items.map((i) => markup(i.text, esc, link))));
      if (sec.notes.length) blocks.push({ type: 'context', elements: [mrkdwn(cut(markup(sec.notes.join('\n'), esc, link), MAX_SECTION))] });
    }
    if (p.more) blocks.push({ type: 'context', elements: [mrkdwn(`${esc(p.more.text)}${p.more.link ? ` <${safeLinkUrl(p.more.link.url)}|${esc(p.more.link.label)}>` : ''}`)] });
    return { text: cut(p.title, 300), blocks };
  },
  card(c) {
    const link = (url: string) => `<${safeLinkUrl(url)}|${esc(c.t['chat.link'] ?? 'link')}>`;
    const blocks: unknown[] = [{ type: 'header', text: plain(cut(c.section, 150)) }, ...sections([markup(c.item.text, esc, link)])];
    if (c.actions.length) blocks.push({ type: 'actions', elements: c.actions.map((a) => ({ type: 'button', text: plain(cut(a.label, 75)), url: a.url })) });
    if (c.commands.length) blocks.push({ type: 'context', elements: c.commands.map((cmd) => mrkdwn(`\`${esc(cmd)}\``)) });
    blocks.push({ type: 'context', elements: [plain(c.meta)] });
    return { text: cut(c.subject, 300), blocks };
  },
};

export const channel: Channel = {
  type: 'slack',
  format: 'json',
  rates: [{ max: 1, perSeconds: 1 }],
  compose: (input) => composeChat(input, format),
  async send(_msg, body, ctx) {
    const url = secretFromEnv(ctx.env, ctx.def!.url_env, 'the Slack incoming webhook URL');
    const ans = await postJson(url, body, { secrets: urlSecrets(url), ...(ctx.signal ? { signal: ctx.signal } : {}) });
    if (ans.status === 200 && ans.text.trim() === 'ok') return { detail: 'ok' };
    if (ans.status === 429) throw new ChannelError(`Slack answered 429 ${cut(ans.text, 100)}`, { retryAfterMs: retryAfterMs(ans.headers, 30_000), answer: ans.text });
    // 400 invalid_payload / invalid_blocks / no_text, 403 action_prohibited, 404 channel_not_found / no_service, 410 channel_is_archived.
    throw new ChannelError(`Slack refused the message: HTTP ${ans.status} ${cut(ans.text, 200)}`, { permanent: ans.status >= 400 && ans.status < 500, answer: ans.text });
  },
  testBody: (text) => Buffer.from(JSON.stringify({ text: esc(text) })),
};
