import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config/load.js';
import { runAll } from '../../src/pipeline/run.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';

interface Posting {
  id: string;
  title: string;
  city: string;
  posted: string;
  pay?: [number, number];
}

/** A careers page that lists its openings only as schema.org JobPostings (as Google for Jobs wants). */
function careersPage(postings: Posting[]): string {
  const ld = {
    '@context': 'https://schema.org',
    '@type': 'ItemList',
    itemListElement: postings.map((p, i) => ({
      '@type': 'ListItem',
      position: i + 1,
      item: {
        '@type': 'JobPosting',
        title: p.title,
        url: `/careers/job/${p.id}`,
        datePosted: p.posted,
        hiringOrganization: { '@type': 'Organization', name: 'Acme 电器' },
        jobLocation: { '@type': 'Place', address: { '@type': 'PostalAddress', addressLocality: p.city, addressCountry: 'CN' } },
        ...(p.pay ? { baseSalary: { '@type': 'MonetaryAmount', currency: 'CNY', value: { '@type': 'QuantitativeValue', minValue: p.pay[0], maxValue: p.pay[1], unitText: 'MONTH' } } } : {}),
      },
    })),
  };
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><script type="application/ld+json">${JSON.stringify(ld)}</script></head><body><div id="app"></div></body></html>`;
}

let n = 0;
const post = (title: string, city: string, posted: string, pay?: [number, number]): Posting => ({ id: String(++n), title, city, posted, ...(pay ? { pay } : {}) });

describe('competitor hiring end to end: careers page (JSON-LD) → weekly counts → signals routed by city', () => {
  let site: FixtureServer;
  let ws: Workspace;
  let postings: Posting[];

  beforeEach(async () => {
    // Before the first run: Shenzhen sales 1, 2, 1, 2 new postings in weeks 44–47 (1.5 a week),
    // and three Shanghai engineering postings at 20–30K a month.
    postings = [
      post('销售经理（华南）', '深圳', '2026-10-28'),
      post('大客户经理', '深圳', '2026-11-03'),
      post('渠道销售', 'Shenzhen', '2026-11-05'),
      post('区域销售代表', '深圳市', '2026-11-12'),
      post('销售工程师', '深圳', '2026-11-17'),
      post('大客户销售', '深圳', '2026-11-19'),
      post('嵌入式软件工程师', '上海', '2026-11-10', [20000, 30000]),
      post('硬件研发工程师', '上海', '2026-11-16', [20000, 30000]),
      post('测试开发工程师', '上海', '2026-11-18', [20000, 30000]),
    ];
    site = await startServer({
      '/careers': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(careersPage(postings));
      },
    });
    ws = makeWorkspace();
    ws.writeRule('tenders.yaml', 'regions: { east: [上海, 江苏, 浙江], south: [广东, 广西] }\n');
    ws.writeTarget('acme-careers.yaml', `id: acme-careers\nkind: job\ncompetitor: Acme\nregion: north\nfetch:\n  url: ${site.url}/careers\n  min_interval_ms: 0\n`);
  });

  afterEach(async () => {
    await site.close();
    ws.cleanup();
  });

  const run = (iso: string) =>
    runAll({ paths: resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox, templatesDir: join(REPO, 'templates') }), now: () => new Date(iso) });
  const to = (m: { to?: unknown }) => (m.to as { text: string }).text;

  it('a plain HTML list with `detail: {}` reads each new posting\'s own JSON-LD for city, pay and date', async () => {
    const one = (p: Posting) => careersPage([p]);
    site.routes.set('/jobs', (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<ul>${postings.slice(0, 3).map((p) => `<li class="job"><a href="/careers/job/${p.id}">${p.title}</a></li>`).join('')}</ul>`);
    });
    for (const p of postings.slice(0, 3)) site.routes.set(`/careers/job/${p.id}`, (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(one({ ...p, pay: [15000, 25000] }));
    });
    ws.writeTarget('html-careers.yaml', `id: html-careers\nkind: job\ncompetitor: Acme\nregion: north\nfetch:\n  url: ${site.url}/jobs\n  min_interval_ms: 0\nitems:\n  each: "li.job"\n  fields:\n    title: "a"\n    url: "a@href"\ndetail: {}\n`);
    const r = await ws.radar('try', 'html-careers');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/销售经理（华南） +深圳 +180000 +300000 +2026-10-27T16:00:00\.000Z +sales → south/);
    expect(r.stdout).toMatch(/渠道销售 +深圳 .*sales → south/); // "Shenzhen" in the JSON-LD is 深圳
  });

  it('alerts a spike against the trailing weeks, a first posting in a new city and a salary shift, each once, to the region of the city', async () => {
    // Run 1 (Thursday of week 48): the backdated postings are the baseline; nothing to say yet.
    const first = await run('2026-11-26T02:00:00Z');
    expect(first.exitCode).toBe(0);
    expect(first.results[0]!.items).toBe(9);
    expect(await ws.emails()).toHaveLength(0);

    // Run 2, same week: six new Shenzhen sales postings (≥ 2 × 1.5 and ≥ 5) and a first one in Hangzhou.
    postings.push(
      ...['销售主管', '销售代表', '大客户经理（政企）', '渠道经理', '销售经理', '商务经理'].map((t, i) => post(t, '深圳', `2026-11-2${4 + (i % 3)}`)),
      post('区域销售经理', '杭州', '2026-11-26'),
    );
    await run('2026-11-26T08:00:00Z');
    let mails = await ws.emails();
    expect(mails.map(to).sort()).toEqual(['east-head@example.com', 'south-head@example.com']);
    const south = mails.find((m) => to(m) === "south-head@example.com")!;
    expect(south.subject).toBe('[South China] Acme hiring spike: 6 new sales postings in 深圳 this week');
    expect(south.text).toContain('Acme | 深圳 | sales: 6 new postings this week (weekly average before: 1.5)');
    expect(south.html).toContain(`${site.url}/careers/job/`);
    const east = mails.find((m) => to(m) === 'east-head@example.com')!;
    expect(east.subject).toBe('[华东] Acme 首次在杭州招聘');
    expect(east.text).toContain('区域销售经理');

    // Run 3, a week later: two more in Shenzhen is no spike; Shanghai engineering pay moves up by half.
    postings.push(post('销售经理', '深圳', '2026-12-01'), post('销售代表', '深圳', '2026-12-02'));
    for (const p of postings) if (p.city === '上海') p.pay = [30000, 45000];
    await run('2026-12-03T02:00:00Z');
    mails = await ws.emails();
    expect(mails).toHaveLength(3);
    const pay = mails.find((m) => m.subject?.includes('薪资'))!;
    expect(to(pay)).toBe('east-head@example.com');
    expect(pay.subject).toBe('[华东] Acme 上海研发/工程薪资 +50%');
    expect(pay.text).toContain('Acme | 上海 | 研发/工程: 24万–36万/年 -> 36万–54万/年 (+50%, 3 个在招职位)');

    // Run 4: nothing new, nothing sent.
    await run('2026-12-03T05:00:00Z');
    expect(await ws.emails()).toHaveLength(3);
  });
});
