import { createHash } from 'node:crypto';
import { bytes, composeChat, cut, escapeChatMarkdown as esc, firstLine, markup, safeLinkUrl, withoutUrls, type ChatFormat } from './chat.js';
import { postJson, secretFromEnv, urlSecrets } from './http.js';
import { fill } from '../i18n.js';
import { ChannelError, type Channel } from './types.js';

/**
 * 企业微信 (WeCom) group robot ("消息推送"): POST JSON to the robot's webhook URL, whose `key` is
 * its secret. Digests go as markdown, a few alerts as template cards (text_notice) with actions, a
 * rep's follow-up reminder as a task card (text_notice: overdue count, a row per item),
 * price charts as images (base64 + md5). Documented limits: markdown.content at most 4,096
 * bytes (else errcode 40058), an image at most 2 MB, 20 messages a minute per robot (45009).
 */
const MAX_MARKDOWN = 4096;
const MAX_IMAGE = 2 * 1024 * 1024;

/** Refusals a retry cannot fix: a bad key (93000), a message we built wrong. */
const PERMANENT = new Set([93000, 40008, 40009, 40058, 44004]);
const RATE_LIMITED = 45009;

const format: ChatFormat = {
  maxBytes: MAX_MARKDOWN,
  measure(body) {
    const b = body as { markdown?: { content: string } };
    return b.markdown ? bytes(b.markdown.content) : 0;
  },
  page(p) {
    const link = (url: string) => `[${p.t['chat.link'] ?? 'link'}](${safeLinkUrl(url)})`;
    const lines = [`## ${esc(p.title)}`, `> ${esc(p.meta)}`];
    for (const s of p.summary) lines.push(`<font color="warning">• ${esc(s)}</font>`);
    for (const sec of p.sections) {
      lines.push('', `**${esc(sec.title)}**`);
      for (const item of sec.items) lines.push(markup(item.text, esc, link));
      for (const n of sec.notes) lines.push(`<font color="comment">${markup(n, esc, link)}</font>`);
    }
    if (p.more) lines.push('', `<font color="comment">${esc(p.more.text)}</font>${p.more.link ? ` [${esc(p.more.link.label)}](${safeLinkUrl(p.more.link.url)})` : ''}`);
    return { msgtype: 'markdown', markdown: { content: lines.join('\n') } };
  },
  card(c) {
    // A text_notice card needs somewhere to go when tapped: the console, else the item's own page.
    const target = c.actions[0]?.url ?? c.item.url;
    if (!target) return null;
    const jumps = [...c.actions, ...(c.item.url && !c.actions.length ? [{ label: c.t['chat.link'] ?? 'link', url: c.item.url }] : [])];
    // The link is the card's tap target; the text keeps what a person reads.
    const rest = withoutUrls(c.item.text.split('\n').slice(1).join('\n'));
    return {
      msgtype: 'template_card',
      template_card: {
        card_type: 'text_notice',
        source: { desc: 'sales-radar' },
        main_title: { title: cut(c.section, 26), desc: cut(c.subject, 30) },
        sub_title_text: cut([withoutUrls(firstLine(c.item.text, 200)), rest].filter(Boolean).join('\n'), 112),
        ...(c.commands.length ? { quote_area: { type: 0, quote_text: c.commands.join('\n') } } : {}),
        ...(jumps.length ? { jump_list: jumps.slice(0, 3).map((a) => ({ type: 1, title: cut(a.label, 13), url: a.url })) } : {}),
        card_action: { type: 1, url: target },
      },
    };
  },
  task(c) {
    // A rep's reminder as a task card: the count of overdue items up front, one row per item (at
    // most 6, the card's limit) that opens it in the CRM, and the whole card opening the console.
    // Lengths are the documented ones (title 26, desc 30, row key 5 and value 26, text 112).
    const v = c.view;
    const rows = v.items.slice(0, 6);
    const target = c.open?.url ?? rows.find((r) => r.url)?.url;
    if (!target) return null;
    const more = v.items.length - rows.length;
    const text = [v.summary, more ? fill(c.t['chat.task_more'] ?? '{n} more not listed', { n: more }) : '', fill(c.t['chat.task_explain'] ?? 'Source: {command}', { command: v.explain })].filter(Boolean).join('\n');
    return {
      msgtype: 'template_card',
      template_card: {
        card_type: 'text_notice',
        source: { desc: 'sales-radar' },
        main_title: { title: cut(v.title, 26), desc: cut(v.desc, 30) },
        emphasis_content: { title: cut(String(v.count.value), 10), desc: cut(v.count.label, 15) },
        sub_title_text: cut(text, 112),
        horizontal_content_list: rows.map((r) => ({ keyname: cut(r.key, 5), value: cut(r.value, 26), ...(r.url ? { type: 1, url: r.url } : {}) })),
        ...(c.open ? { jump_list: [{ type: 1, title: cut(c.open.label, 13), url: c.open.url }] } : {}),
        card_action: { type: 1, url: target },
      },
    };
  },
  image(img) {
    if (img.png.length > MAX_IMAGE) return null;
    return { msgtype: 'image', image: { base64: img.png.toString('base64'), md5: createHash('md5').update(img.png).digest('hex') } };
  },
};

export const channel: Channel = {
  type: 'wecom',
  format: 'json',
  rates: [{ max: 20, perSeconds: 60 }],
  compose: (input) => composeChat(input, format),
  async send(_msg, body, ctx) {
    const url = secretFromEnv(ctx.env, ctx.def!.url_env, 'the WeCom robot webhook URL');
    const ans = await postJson(url, body, { secrets: urlSecrets(url), ...(ctx.signal ? { signal: ctx.signal } : {}) });
    if (ans.status !== 200 || !ans.json) {
      throw new ChannelError(`WeCom answered HTTP ${ans.status}: ${cut(ans.text, 200)}`, { permanent: ans.status >= 400 && ans.status < 500 && ans.status !== 429, answer: ans.text });
    }
    const code = Number(ans.json.errcode);
    if (code === 0) return { detail: ans.text };
    // These robots answer 200 with an error code in the body: a refused send all the same.
    throw new ChannelError(`WeCom refused the message: errcode ${code}, ${cut(String(ans.json.errmsg ?? ''), 200)}`, {
      permanent: PERMANENT.has(code),
      retryAfterMs: code === RATE_LIMITED ? 60_000 : 0,
      answer: ans.text,
    });
  },
  testBody: (text) => Buffer.from(JSON.stringify({ msgtype: 'markdown', markdown: { content: esc(text) } })),
};
