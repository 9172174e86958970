import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { esc, type DemoSite } from './site.js';

interface HistoryItem {
  daysAgo: number;
  title: string;
  text: string;
  /** The news portal carries this one too. */
  portal?: boolean;
}

interface Post {
  id: string;
  user: string;
  text: string;
  time?: string;
  reposts?: string;
  comments?: string;
  likes?: string;
}

interface MentionData {
  history: HistoryItem[];
  posts: Post[];
  story: { title: string; text: string; repostTitle: string; repostText: string; post: string; postUser: string; postReposts: string; postComments: string; postLikes: string };
  burst: Post[];
}

const MIN = 60_000;
const DAY = 86_400_000;
/** Asia/Shanghai has no DST: its midnight is a fixed offset away. */
const SHANGHAI = 8 * 3_600_000;

/**
 * The news and social sources: a financial news site's RSS feed (UTF-8), a news portal's search
 * results (an old GBK page with relative times) and the JSON behind a social platform's public
 * page (`3分钟前`, `1.2万`). Before the change they carry two weeks of ordinary news about Acme;
 * after it, one leak story on all three and a burst of posts, so the second run shows a spike and
 * one negative story from three sources in the east digest.
 */
export function mountMentions(site: DemoSite, dataDir: string): void {
  const data = JSON.parse(readFileSync(join(dataDir, 'mentions.json'), 'utf8')) as MentionData;
  const now = Date.now();
  const midnight = now - ((now + SHANGHAI) % DAY);
  // Minutes ago, but never before today's midnight: the demo's spike is about today.
  const sinceMidnight = Math.floor((now - midnight) / MIN);
  const ago = (m: number) => Math.min(m, sinceMidnight);
  const rel = (m: number) => (ago(m) > 0 ? `${ago(m)}分钟前` : '刚刚');
  const local = (t: number) => new Date(t + SHANGHAI);
  const cnTime = (t: number) => {
    const d = local(t);
    return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  };
  // The story reaches the feed first, the portal next, the social post last: `step` minutes apart
  // (fewer just after midnight, so all three stay today), on whole minutes as the portal shows them.
  const step = Math.min(10, Math.floor(sinceMidnight / 3));
  const base = Math.floor(now / MIN) * MIN;
  let changed = false;
  site.onChange(() => {
    changed = true;
  });

  const send = (res: ServerResponse, type: string, body: string | Buffer) => {
    res.writeHead(200, { 'content-type': type });
    res.end(body);
  };

  site.route('/news/rss.xml', (_req, res) => {
    const items = data.history.map((h, i) => ({ title: h.title, text: h.text, link: `/news/${i + 1}.html`, at: midnight - h.daysAgo * DAY + 10 * 3_600_000 }));
    if (changed) items.unshift({ title: data.story.title, text: data.story.text, link: '/news/leak.html', at: base - 3 * step * MIN });
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>示范财经网</title><link>${site.baseUrl}/news/</link><description>示范财经网 · 公司新闻</description>
${items
  .map((i) => `<item><title>${esc(i.title)}</title><link>${site.baseUrl}${i.link}</link><description><![CDATA[<p>${esc(i.text)}</p>]]></description><pubDate>${new Date(i.at).toUTCString()}</pubDate><dc:creator>本网记者</dc:creator><guid>${site.baseUrl}${i.link}</guid></item>`)
  .join('\n')}
</channel></rss>`;
    send(res, 'application/rss+xml; charset=utf-8', xml);
  });

  site.route('/portal/search', (_req, res) => {
    const results = data.history.filter((h) => h.portal).map((h, i) => ({ title: h.title, text: h.text, href: `/portal/a/${1000 + i}.html`, time: `${h.daysAgo}天前` }));
    if (changed) results.unshift({ title: data.story.repostTitle, text: data.story.repostText, href: '/portal/a/2001.html', time: cnTime(base - 2 * step * MIN) });
    const page = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>示范资讯 · 搜索：Acme</title></head><body>
<div class="results">${results.map((r) => `<div class="result"><h3><a href="${r.href}">${esc(r.title)}</a></h3><p class="abs">${esc(r.text)}</p><span class="time">${esc(r.time)}</span></div>`).join('\n')}</div></body></html>`;
    // An old portal: GBK, and the charset only in <meta>.
    send(res, 'text/html', iconv.encode(page, 'gbk'));
  });

  site.route('/social/api/statuses', (_req, res) => {
    const posts: Post[] = [...data.posts];
    if (changed) {
      posts.unshift(
        { id: '9100', user: data.story.postUser, text: data.story.post, time: rel(step), reposts: data.story.postReposts, comments: data.story.postComments, likes: data.story.postLikes },
        ...data.burst.map((p, i) => ({ ...p, time: rel(8 - i), reposts: '转发', comments: String(i), likes: String(3 * i + 1) })),
      );
    }
    const statuses = posts.map((p) => ({
      id: p.id,
      text: p.text,
      created_at: p.time ?? '刚刚',
      reposts_count: p.reposts ?? '转发',
      comments_count: p.comments ?? '评论',
      attitudes_count: p.likes ?? '赞',
      user: { screen_name: p.user },
      url: `${site.baseUrl}/social/status/${p.id}`,
    }));
    send(res, 'application/json; charset=utf-8', JSON.stringify({ ok: 1, data: { statuses } }));
  });
}
