import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolvePaths } from '../../src/config/load.js';
import type { MentionAlertPayload } from '../../src/mentions/decide.js';
import { readMentionStore } from '../../src/mentions/store.js';
import { findBrowser } from '../../src/fetch/browser.js';
import { runAll } from '../../src/pipeline/run.js';
import { readSnapshot } from '../../src/store/snapshot.js';
import type { StoredAlert } from '../../src/store/outbox.js';
import { html, startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';

const MIN = 60_000;
const DAY = 86_400_000;
const SHANGHAI = 8 * 3_600_000;

/** Times "today" in Shanghai that stay today even just after midnight (so the day counts hold). */
function clock(now: number) {
  const sinceMidnight = Math.floor(((now + SHANGHAI) % DAY) / MIN);
  const midnight = now - ((now + SHANGHAI) % DAY);
  return {
    /** `N分钟前` (or 刚刚), never before today's midnight. */
    minutesAgo: (m: number) => {
      const n = Math.min(m, sinceMidnight);
      return n === 0 ? '刚刚' : `${n}分钟前`;
    },
    /** `2026年3月5日 10:30`: m minutes ago, never before midnight. */
    cnToday: (m: number) => {
      const d = new Date(Math.max(now - m * MIN, midnight) + SHANGHAI);
      return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    },
    /** k days before today, 10:00 in Shanghai. */
    daysAgo: (k: number) => new Date(midnight - k * DAY + 10 * 3_600_000),
    day: (k: number) => new Date(midnight - k * DAY + SHANGHAI).toISOString().slice(0, 10),
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

// The usual chatter about 东岳 on a financial news site, one item a day, all neutral and off-topic.
const HISTORY = [
  '东岳华东区经销商大会在杭州召开',
  '记者走访东岳空调门店：夏季备货情况',
  '东岳与浙江大学共建暖通实验室',
  '东岳空调工厂开放日吸引市民参观',
  '东岳集团举办年度员工运动会',
  '东岳空调安装师傅的一天',
  '东岳空调旗舰店在南京开业',
];

const STORY = { title: '东岳空调被曝大面积漏水 消费者投诉无人处理', text: '多名消费者反映，东岳空调室内机漏水严重，售后服务非常敷衍，至今没有解决。' };

interface FeedItem {
  title: string;
  text: string;
  link: string;
  date: Date;
}

function rss(items: FeedItem[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>示范财经网</title><link>http://finance.example/</link>
${items.map((i) => `<item><title>${esc(i.title)}</title><link>${i.link}</link><description><![CDATA[<p>${i.text}</p>]]></description><pubDate>${i.date.toUTCString()}</pubDate><dc:creator>本网记者</dc:creator><guid>${i.link}</guid></item>`).join('\n')}
</channel></rss>`;
}

describe('mentions end to end: feeds, a GBK search page and a social JSON → who, tone, topics, stories, spikes', () => {
  let site: FixtureServer;
  let ws: Workspace;
  let now: number;
  let t: ReturnType<typeof clock>;
  let feed: FeedItem[];
  let portal: { title: string; snippet: string; href: string; date: string }[];
  let posts: Record<string, unknown>[];

  beforeEach(async () => {
    // Relative dates ('3天前', '20分钟前') and day counts depend on the hour: run at 12:00 in Shanghai
    // of the real day (only Date is faked; the clock still moves, timers and sockets are real).
    const real = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(real - ((real + SHANGHAI) % DAY) + 12 * 3_600_000);
    now = Date.now();
    t = clock(now);
    feed = [
      ...HISTORY.map((title, i) => ({ title, text: `${title}。`, link: `/news/h${i + 1}.html`, date: t.daysAgo(i + 1) })),
      // 东岳 inside 东岳庙 (a temple) is nobody's mention.
      { title: '泰山东岳庙会今日开幕', text: '东岳庙前游客排起长队。', link: '/news/temple.html', date: new Date(now - 20 * MIN) },
    ];
    // The news portal's search results: an old GBK site, charset only in <meta>, relative dates.
    portal = [{ title: HISTORY[2]!, snippet: `${HISTORY[2]}，记者从现场获悉。`, href: '/s/1001.html', date: '3天前' }];
    posts = [{ id: 'p0', text: '今天天气不错，出去走走', user: { screen_name: '路人甲' }, created_at: '昨天 14:05', reposts_count: '转发', comments_count: '3', attitudes_count: '12' }];
    site = await startServer({
      '/robots.txt': html('User-agent: *\nDisallow: /private/\n', 200, 'text/plain'),
      '/finance/rss.xml': (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
        res.end(rss(feed));
      },
      '/portal/search': (_q, res) => {
        const page = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>示范资讯 搜索：东岳</title></head><body>
<div class="results">${portal.map((p) => `<div class="result"><h3><a href="${p.href}">${p.title}</a></h3><p class="abs">${p.snippet}</p><span class="src">示范资讯</span> <span class="time">${p.date}</span></div>`).join('\n')}</div></body></html>`;
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(iconv.encode(page, 'gbk'));
      },
      '/social/api/statuses': (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ ok: 1, data: { statuses: posts } }));
      },
      '/en/atom.xml': (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/atom+xml' });
        res.end(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Trade Wire</title><link href="http://wire.example/"/>
<entry><title>Bolt recalls 20,000 heaters after fire complaints</title><link href="http://wire.example/bolt-recall"/><id>urn:wire:1</id><updated>${new Date(now - 60 * MIN).toISOString()}</updated><summary>Customers say the heaters are very faulty.</summary><author><name>Jane Roe</name></author></entry>
<entry><title>Boltzmann machines, explained</title><link href="http://wire.example/boltzmann"/><id>urn:wire:2</id><updated>${new Date(now - 90 * MIN).toISOString()}</updated><summary>A great primer.</summary></entry>
</feed>`);
      },
    });
    ws = makeWorkspace();
    ws.writeRule(
      'mentions.yaml',
      `
marketing: [marketing@example.com]
watch:
  - { name: 东岳, role: competitor, aliases: [Dongyue], regions: [east] }
  - { name: 蓝鲸, role: brand, aliases: [蓝鲸空调] }
  - { name: Bolt, role: competitor }
spike: { factor: 3, min_mentions: 5, baseline_days: 7, min_history_days: 3 }
`,
    );
    ws.writeTarget('finance.yaml', `id: finance-news\nkind: mention\ncompetitor: 示范财经网\nregion: east\nfetch: { url: "${site.url}/finance/rss.xml", min_interval_ms: 0 }\n`);
    ws.writeTarget(
      'portal.yaml',
      `id: portal-search\nkind: mention\ncompetitor: 示范资讯\nregion: east\nfetch: { url: "${site.url}/portal/search?q=%E4%B8%9C%E5%B2%B3", min_interval_ms: 0 }\nitems:\n  each: ".result"\n  fields: { title: "h3 a", url: "h3 a@href", text: ".abs", published: ".time" }\n`,
    );
    ws.writeTarget(
      'social.yaml',
      `id: social\nkind: mention\ncompetitor: 微博\nregion: east\nfetch: { url: "${site.url}/social/api/statuses", mode: json, min_interval_ms: 0 }\nitems:\n  each: "data.statuses[*]"\n  key: "id"\n  fields: { text: "text", author: "user.screen_name", published: "created_at", reposts: "reposts_count", comments: "comments_count", likes: "attitudes_count" }\n`,
    );
    ws.writeTarget('wire.yaml', `id: wire\nkind: mention\ncompetitor: Trade Wire\nregion: south\nfetch: { url: "${site.url}/en/atom.xml", min_interval_ms: 0 }\n`);
  });

  afterEach(async () => {
    vi.useRealTimers();
    await site.close();
    ws.cleanup();
  });

  const paths = () => resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox, templatesDir: join(REPO, 'templates') });
  const mentionAlerts = () => {
    const outbox = JSON.parse(readFileSync(join(ws.state, 'outbox.json'), 'utf8')) as { alerts: Record<string, StoredAlert> };
    return Object.values(outbox.alerts).filter((a) => a.topic === 'mention');
  };
  const payload = (a: StoredAlert) => a.payload as unknown as MentionAlertPayload;

  it('reads every source into items, judges them across sources, and alerts what the rules say', async () => {
    // Run 1: a week of usual chatter, a temple fair, and an English recall story.
    const first = await runAll({ paths: paths() });
    expect(first.results.map((r) => [r.target.id, r.verdict, r.items])).toEqual([
      ['finance-news', 'good', 8],
      ['portal-search', 'good', 1],
      ['social', 'good', 1],
      ['wire', 'good', 2],
    ]);
    expect(first.analyserErrors).toEqual([]);

    // The items as stored: the feed's HTML cleaned, the GBK page decoded, relative dates read.
    const fin = readSnapshot(ws.state, 'finance-news')!;
    const h1 = fin.items.get('http://finance.example/news/h1.html')!.data;
    // Links are relative to the channel's <link>, as the RSS spec has it; so is the guid used as key.
    expect(h1).toMatchObject({ source: '示范财经网', title: HISTORY[0], text: `${HISTORY[0]}。`, author: '本网记者', publishedAt: t.daysAgo(1).toISOString(), url: 'http://finance.example/news/h1.html' });
    const p = [...readSnapshot(ws.state, 'portal-search')!.items.values()][0]!.data;
    expect(p).toMatchObject({ source: '示范资讯', title: HISTORY[2], publishedText: '3天前', url: `${site.url}/s/1001.html` });
    expect(Math.abs(Date.parse(String(p.publishedAt)) - (now - 3 * DAY))).toBeLessThan(5 * MIN);
    const s0 = readSnapshot(ws.state, 'social')!.items.get('p0')!.data;
    expect(s0).toMatchObject({ author: '路人甲', publishedAt: new Date(Date.parse(`${t.day(1)}T14:05:00+08:00`)).toISOString(), reposts: null, comments: 3, likes: 12 });

    // Run 1's only alert: the English recall story, to the region of its source (Bolt has no regions).
    const a1 = mentionAlerts();
    expect(a1.map((a) => [a.audience, payload(a).signal])).toEqual([[{ kind: 'region', region: 'south' }, 'story']]);
    const bolt = payload(a1[0]!) as Extract<MentionAlertPayload, { signal: 'story' }>;
    expect(bolt.story).toMatchObject({ title: 'Bolt recalls 20,000 heaters after fire complaints', tone: 'negative', topics: ['recall_quality'], sources: ['Trade Wire'], entities: ['Bolt'], author: 'Jane Roe' });
    // recalls −1, fire −1, complaints −1, very ×1.5 faulty −1 = −1.5: −4.5
    expect(bolt.story.score).toBe(-4.5);

    // The store: 东岳 once a day for a week, twice on day 3 (the portal carried that story too), as one story.
    let store = readMentionStore(ws.state);
    expect(store.counts['mentions:东岳']).toEqual({ [t.day(1)]: 1, [t.day(2)]: 1, [t.day(3)]: 2, [t.day(4)]: 1, [t.day(5)]: 1, [t.day(6)]: 1, [t.day(7)]: 1 });
    expect(store.since).toBe(t.day(7));
    const day3 = store.stories.filter((s) => s.title === HISTORY[2]);
    expect(day3).toHaveLength(1);
    expect(day3[0]!.sources.map((s) => s.source)).toEqual(['示范财经网', '示范资讯']);
    expect(Object.values(store.seen).filter((s) => s.story === null)).toHaveLength(3); // temple, weather post, Boltzmann

    // Run 2: the leak story on all three Chinese sources, three posts of chatter, and our brand on fire.
    feed.push({ ...STORY, link: '/news/leak.html', date: new Date(now - 30 * MIN) });
    portal.unshift({ title: `【转载】${STORY.title.replace(' ', '，')}`, snippet: `${STORY.text}来源：示范财经网`, href: '/s/2002.html', date: t.cnToday(20) });
    posts.unshift(
      { id: 'p1', text: `${STORY.title} ${STORY.text.slice(0, 20)} <img alt="[怒]" src="/e/angry.png">`, user: { screen_name: '家电观察' }, created_at: t.minutesAgo(10), reposts_count: '256', comments_count: '88', attitudes_count: '1千' },
      { id: 'p2', text: '刚路过东岳专卖店，门口排了长队', user: { screen_name: 'a1' }, created_at: t.minutesAgo(8), reposts_count: '0', comments_count: '0', attitudes_count: '2' },
      { id: 'p3', text: '东岳的新广告在地铁站铺满了<br/>#城市#', user: { screen_name: 'a2' }, created_at: t.minutesAgo(6), reposts_count: '1', comments_count: '0', attitudes_count: '5' },
      { id: 'p4', text: '同事家里装的是东岳空调，夏天开得多', user: { screen_name: 'a3' }, created_at: t.minutesAgo(4), reposts_count: '0', comments_count: '1', attitudes_count: '0' },
      { id: 'p5', text: '蓝鲸空调室外机爆炸起火，太危险了！厂家至今没有回应', user: { screen_name: '受害用户' }, created_at: '3小时前', reposts_count: '1.2万', comments_count: '356', attitudes_count: '3.4万' },
    );
    const second = await runAll({ paths: paths() });
    expect(second.results.map((r) => [r.target.id, r.verdict])).toEqual([
      ['finance-news', 'good'],
      ['portal-search', 'good'],
      ['social', 'good'],
      ['wire', 'good'],
    ]);
    const social = readSnapshot(ws.state, 'social')!.items;
    expect(social.get('p5')!.data).toMatchObject({ reposts: 12_000, comments: 356, likes: 34_000 });
    expect(Math.abs(Date.parse(String(social.get('p5')!.data.publishedAt)) - (now - 3 * 3_600_000))).toBeLessThan(5 * MIN);
    expect(social.get('p1')!.data.text).toBe(`${STORY.title} ${STORY.text.slice(0, 20)} [怒]`);
    expect(social.get('p3')!.data.text).toBe('东岳的新广告在地铁站铺满了\n#城市#');

    store = readMentionStore(ws.state);
    // Today: the leak story ×3 + three posts = 6 (the temple fair does not count).
    expect(store.counts['mentions:东岳']![t.day(0)]).toBe(6);
    expect(store.counts['negative:东岳']).toEqual({ [t.day(0)]: 1 }); // one story, however many sites
    expect(store.counts['topic:东岳:recall_quality']).toEqual({ [t.day(0)]: 3 });

    const fresh = mentionAlerts().filter((a) => !a1.some((b) => b.id === a.id));
    expect(fresh).toHaveLength(3);

    // The spike: 6 today against 8 in the 7 days before (1.14 → 1.1 a day); 6 ≥ 5 and ≥ 3 × 1.14.
    const spike = fresh.find((a) => payload(a).signal === 'spike')!;
    expect(spike.audience).toEqual({ kind: 'region', region: 'east' });
    expect(spike.id).toBe(`mention:spike:东岳:*:${t.day(0)}→east`);
    expect(payload(spike)).toMatchObject({ entity: '东岳', topic: null, day: t.day(0), count: 6, baseline: 1.1, baselineDays: 7 });
    expect(spike.window).toBe('daily');

    // The leak story: one item from three sites, negative, explained.
    const story = fresh.find((a) => payload(a).signal === 'story' && !(payload(a) as { urgent: boolean }).urgent)!;
    expect(story.audience).toEqual({ kind: 'region', region: 'east' });
    const sp = payload(story) as Extract<MentionAlertPayload, { signal: 'story' }>;
    expect(sp.story).toMatchObject({ title: STORY.title, sources: ['示范财经网', '示范资讯', '微博'], tone: 'negative', topics: ['recall_quality'], entities: ['东岳'] });
    // The oldest version (the feed's) speaks for the story: title 被曝 −1, 大面积 ×1.5 漏水 −1, 投诉 −1,
    // 无人处理 −2; text 漏水 −1, 非常 ×2 敷衍 −1: −8.5, strongest words first.
    expect(sp.story.score).toBe(-8.5);
    expect(sp.story.toneWords.map((w) => `${w.text} ${w.weight}`)).toEqual(['无人处理 -2', '非常敷衍 -2', '大面积漏水 -1.5', '被曝 -1', '投诉 -1', '漏水 -1']);
    expect(sp.story.engagement).toBe(256 + 88);

    // Our brand, strongly negative (爆炸 −2, 起火 −2, 太 ×1.5 危险 −1 = −5.5), 12,356 reposts + comments: urgent, to marketing, at once.
    const urgent = fresh.find((a) => (payload(a) as { urgent: boolean }).urgent)!;
    expect(urgent.audience).toEqual({ kind: 'person', email: 'marketing@example.com' });
    expect(urgent.window).toBe('immediate');
    expect(payload(urgent)).toMatchObject({ signal: 'story', urgent: true, story: { score: -5.5, engagement: 12_356, sources: ['微博'], author: '受害用户' } });
    // One negative story (on three sites) is not a burst: that needs 3 distinct negative stories.
    expect(fresh.filter((a) => payload(a).signal === 'negative_burst')).toEqual([]);

    // The east digest carries the mentions section; marketing gets the urgent item.
    const mails = await ws.emails();
    const east = mails.filter((m) => (m.to as { text: string }).text === 'east-head@example.com' && m.text!.includes('舆情'));
    expect(east).toHaveLength(1);
    expect(east[0]!.text).toContain('声量激增');
    // The day reads as every Chinese date in the digests (12月5日), never 2026-12-05.
    const [, month, dayOfMonth] = t.day(0).split('-').map(Number);
    expect(east[0]!.text).toMatch(new RegExp(`\\* 东岳: (\\d{4}年)?${month}月${dayOfMonth}日 共 6 条（此前 7 天日均 1\\.1 条）`));
    expect(east[0]!.text).toContain(`* ${STORY.title}`);
    expect(east[0]!.text).toContain('负面 -8.5 (无人处理 −2, 非常敷衍 −2, 大面积漏水 −1.5, 被曝 −1) | 召回/质量投诉 | 东岳');
    expect(east[0]!.text).toContain('3 个来源: 示范财经网, 示范资讯, 微博');
    const marketing = mails.filter((m) => (m.to as { text: string }).text === 'marketing@example.com');
    expect(marketing).toHaveLength(1);
    expect(marketing[0]!.subject).toContain('紧急舆情');

    // Run 3, nothing new: nothing is counted or alerted twice.
    const before = JSON.stringify(readMentionStore(ws.state).counts);
    await runAll({ paths: paths() });
    expect(JSON.stringify(readMentionStore(ws.state).counts)).toBe(before);
    expect(mentionAlerts()).toHaveLength(a1.length + 3);
  });
});

const found = findBrowser();
const browserPath = 'path' in found ? found.path : null;

describe.skipIf(!browserPath)('mentions from a page that renders its posts with JavaScript (mode: browser)', () => {
  let site: FixtureServer;
  let ws: Workspace;
  beforeEach(async () => {
    site = await startServer({
      '/feed': html(`<!doctype html><html><head><meta charset="utf-8"></head><body><div id="posts"></div>
<script>
  const posts = [
    { id: 'b1', user: '蓝鲸用户', text: '蓝鲸空调用了一年没有故障，非常省电', time: '昨天 14:05', likes: '1.2万' },
    { id: 'b2', user: '路人', text: '早上喝了一碗小米粥', time: '2026年3月5日', likes: '3' },
  ];
  setTimeout(() => {
    for (const p of posts) {
      const d = document.createElement('div');
      d.className = 'post';
      d.dataset.id = p.id;
      d.innerHTML = '<b class="u"></b><p class="t"></p><time></time><span class="like"></span>';
      d.querySelector('.u').textContent = p.user;
      d.querySelector('.t').textContent = p.text;
      d.querySelector('time').textContent = p.time;
      d.querySelector('.like').textContent = '赞 ' + p.likes;
      document.getElementById('posts').appendChild(d);
    }
  }, 300);
</script></body></html>`),
    });
    ws = makeWorkspace();
    ws.writeRule('mentions.yaml', 'marketing: [marketing@example.com]\nwatch:\n  - { name: 蓝鲸, role: brand, aliases: [蓝鲸空调] }\n  - { name: 小米, role: competitor }\nstories: { alert_when: [positive, negative, topic] }\n');
    ws.writeTarget(
      'js.yaml',
      `id: js-social\nkind: mention\ncompetitor: 社区\nregion: east\nfetch: { url: "${site.url}/feed", mode: browser, wait_for: ".post", min_interval_ms: 0 }\nitems:\n  each: ".post"\n  key: "@data-id"\n  fields: { text: ".t", author: ".u", published: "time", likes: ".like" }\n`,
    );
  });
  afterEach(async () => {
    await site.close();
    ws.cleanup();
  });

  it('reads the rendered posts and judges them like any other source', async () => {
    const run = await runAll({ paths: resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox, templatesDir: join(REPO, 'templates') }) });
    expect(run.results[0]).toMatchObject({ verdict: 'good', items: 2 });
    const items = readSnapshot(ws.state, 'js-social')!.items;
    expect(items.get('b1')!.data).toMatchObject({ author: '蓝鲸用户', likes: 12_000, publishedText: '昨天 14:05' });
    expect(items.get('b2')!.data).toMatchObject({ publishedAt: '2026-03-04T16:00:00.000Z' });
    // 没有 turns 故障 around (+1), 非常 ×2 省电 (+1) = +3: a positive story about our brand, to marketing; 小米粥 is nobody.
    const alerts = run.alerts.filter((a) => a.topic === 'mention');
    expect(alerts.map((a) => [a.audience, (a.payload as { story: { score: number; tone: string } }).story.score])).toEqual([[{ kind: 'person', email: 'marketing@example.com' }, 3]]);
  });
});
