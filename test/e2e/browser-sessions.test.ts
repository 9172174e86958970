/**
 * What makes browser targets cheap, in real headless Chromium: one context per target reused for
 * all its pages, pages reused from one URL to the next, items read as soon as they are drawn,
 * trackers not loaded, and a browser replaced after serving its share of pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTargetFile } from '../../src/config/load.js';
import { BrowserFetcher, findBrowser } from '../../src/fetch/browser.js';
import { HostQueues } from '../../src/fetch/host-queue.js';
import { RobotsCache } from '../../src/fetch/robots.js';
import { isTracker } from '../../src/fetch/trackers.js';
import { scrapeTarget, type ScrapeOutcome } from '../../src/pipeline/scrape.js';
import { descendantsMatching } from '../helpers/proc-tree.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

const found = findBrowser();
const browserPath = 'path' in found ? found.path : null;

/** Items drawn by a timer after the page went quiet (no request in flight): network idle comes before them. */
const LATE = (page: number, ms: number) => `<!doctype html><html><head><meta charset="utf-8"></head><body><ul id="list"></ul>
<script>
  setTimeout(() => {
    const list = document.getElementById('list');
    for (let i = 1; i <= 3; i++) {
      const li = document.createElement('li');
      li.className = 'product';
      li.dataset.sku = 'P${page}-' + i;
      li.innerHTML = '<span class="name">空调 ${page}-' + i + '</span> <span class="price">¥' + (1000 + i) + '</span>';
      list.appendChild(li);
    }
  }, ${ms});
</script></body></html>`;

describe.skipIf(!browserPath)('browser targets are cheap', () => {
  let site: FixtureServer;
  let ws: Workspace;
  const queues = new HostQueues();
  const cookies: string[] = [];

  beforeAll(async () => {
    site = await startServer({
      '/late': (req, res, url) => {
        cookies.push(String(req.headers.cookie ?? ''));
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(LATE(Number(url.searchParams.get('page') ?? 1), Number(url.searchParams.get('ms') ?? 1500)));
      },
    });
    ws = makeWorkspace();
  });
  afterAll(async () => {
    await site.close();
    ws.cleanup();
  });

  const target = (id: string, pages: number, ms = 1500) =>
    loadTargetFile(
      ws.writeTarget(
        `${id}.yaml`,
        `id: ${id}\nkind: price\ncompetitor: JS\nregion: east\nfetch:\n  url: ${site.url}/late?page={page}&ms=${ms}\n  pages: 1..${pages}\n  mode: browser\n  min_interval_ms: 0\n  retries: 0\n  cookies: { sid: "abc123" }\nitems:\n  each: "#list .product"\n  key: "@data-sku"\n  fields: { name: ".name", price: ".price" }\n`,
      ),
    );
  const scrape = (fetcher: BrowserFetcher, id: string, pages: number, ms?: number): Promise<ScrapeOutcome> =>
    scrapeTarget(target(id, pages, ms), { fetcher, ctx: { schedule: (u, t) => queues.schedule(u, t, 0), robots: new RobotsCache() } });

  it('one context per target for all its pages, pages reused, cookies on every page, items waited for rather than network idle', async () => {
    const fetcher = new BrowserFetcher({ pages: 2 });
    try {
      cookies.length = 0;
      const outcome = await scrape(fetcher, 'late', 6);
      if (!outcome.ok) throw new Error(`${outcome.failure.class}: ${outcome.failure.message}`);
      // Drawn 1.5 s after the page went quiet: waiting for network idle would have read empty lists.
      expect(outcome.items).toHaveLength(18);
      expect(outcome.items[17]).toMatchObject({ key: 'P6-3', data: { amount: 1003 } });
      expect(fetcher.contextsOpened).toBe(1);
      expect(fetcher.pagesOpened).toBeLessThanOrEqual(2);
      expect(cookies).toHaveLength(6);
      expect(cookies.every((c) => c.includes('sid=abc123'))).toBe(true);
      expect(fetcher.openPages).toBe(0);
      // Another target gets its own context.
      const other = await scrape(fetcher, 'late-other', 1);
      expect(other.ok).toBe(true);
      expect(fetcher.contextsOpened).toBe(2);
    } finally {
      await fetcher.close();
    }
  });

  it('a page is replaced by a fresh one after its share of loads (Playwright keeps every request of a page until it closes), cookies and items as before', async () => {
    const fetcher = new BrowserFetcher({ pages: 1, pageUses: 3 });
    try {
      cookies.length = 0;
      const outcome = await scrape(fetcher, 'late-uses', 7, 100);
      if (!outcome.ok) throw new Error(`${outcome.failure.class}: ${outcome.failure.message}`);
      expect(outcome.items).toHaveLength(21);
      expect(outcome.items[20]).toMatchObject({ key: 'P7-3', data: { amount: 1003 } });
      expect(fetcher.contextsOpened).toBe(1);
      expect(fetcher.pagesOpened).toBe(3);
      expect(cookies).toHaveLength(7);
      expect(cookies.every((c) => c.includes('sid=abc123'))).toBe(true);
      expect(fetcher.openPages).toBe(0);
    } finally {
      await fetcher.close();
    }
  });

  it('a browser is replaced after serving its share of pages, and closing leaves no Chromium behind', async () => {
    const before = chromiumChildren().length;
    const fetcher = new BrowserFetcher({ pages: 1, restartAfterPages: 2 });
    try {
      const outcome = await scrape(fetcher, 'recycle', 5, 0);
      expect(outcome.ok).toBe(true);
      if (outcome.ok) expect(outcome.items).toHaveLength(15);
      expect(fetcher.launches).toBe(3); // pages 1-2, 3-4, 5
    } finally {
      await fetcher.close();
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(chromiumChildren()).toHaveLength(before);
  });

  it('trackers are known by their host and its parents', () => {
    expect(isTracker('https://ssl.google-analytics.com/ga.js')).toBe(true);
    expect(isTracker('https://hm.baidu.com/hm.js?abc')).toBe(true);
    expect(isTracker('https://s4.cnzz.com/z_stat.php')).toBe(true);
    expect(isTracker('https://www.baidu.com/s?wd=空调')).toBe(false);
    expect(isTracker('https://shop.example.com/list')).toBe(false);
    expect(isTracker('not a url')).toBe(false);
  });
});

/** Chromium processes started by this process (the test worker). */
const chromiumChildren = () => descendantsMatching(process.pid, /chrom/i);
