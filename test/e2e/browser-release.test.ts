/**
 * A browser worker's memory follows what it is doing, in real headless Chromium: a target whose
 * run has ended no longer keeps a renderer process alive, and the pages rendered at once follow
 * the jobs the worker (or run) declares, not a fixed three.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTargetFile } from '../../src/config/load.js';
import { browserPages, findBrowser } from '../../src/fetch/browser.js';
import { HostQueues } from '../../src/fetch/host-queue.js';
import { makeFetcher } from '../../src/fetch/registry.js';
import { RobotsCache } from '../../src/fetch/robots.js';
import { scrapeTarget } from '../../src/pipeline/scrape.js';
import { descendantsMatching } from '../helpers/proc-tree.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

const found = findBrowser();
const browserPath = 'path' in found ? found.path : null;

const LIST = (id: string) => `<!doctype html><html><head><meta charset="utf-8"></head><body><ul id="list"></ul>
<script>
  setTimeout(() => {
    document.getElementById('list').innerHTML = '<li class="product" data-sku="${id}"><span class="name">空调 ${id}</span> <span class="price">¥1299</span></li>';
  }, 50);
</script></body></html>`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!browserPath)('browser memory follows the work', () => {
  let site: FixtureServer;
  let ws: Workspace;
  /** When the slow page was answered (0 until then). */
  let slowAnswered = 0;
  /** Set once the test has seen what it waits for: the slow page is answered then (or after 30 s). */
  let answerSlow = false;
  /** Pages being answered right now, and the most at once. */
  let inFlight = 0;
  let mostInFlight = 0;

  beforeAll(async () => {
    site = await startServer({
      '/quick': (_req, res, url) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(LIST(`Q${url.searchParams.get('page')}`));
      },
      '/slow': async (_req, res) => {
        for (let waited = 0; waited < 30_000 && !answerSlow; waited += 100) await sleep(100);
        slowAnswered = Date.now();
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(LIST('S1'));
      },
      // Holds each page until six are asked for at once (or a while has passed), counting them.
      '/held': async (_req, res, url) => {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        for (let waited = 0; waited < 4000 && inFlight < 6; waited += 50) await sleep(50);
        inFlight--;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(LIST(`H${url.searchParams.get('page')}`));
      },
    });
    ws = makeWorkspace();
  });
  afterAll(async () => {
    await site.close();
    ws.cleanup();
  });

  const yaml = (id: string, path: string, pages = 1) =>
    `id: ${id}\nkind: price\ncompetitor: JS\nregion: east\nfetch:\n  url: ${site.url}${path}?page={page}\n  pages: 1..${pages}\n  mode: browser\n  min_interval_ms: 0\n  retries: 0\nitems:\n  each: "#list .product"\n  key: "@data-sku"\n  fields: { name: ".name", price: ".price" }\n`;

  it("a target's renderer process goes when its run ends, while the run's other targets go on", async () => {
    ws.writeTarget('quick.yaml', yaml('quick', '/quick'));
    ws.writeTarget('slow.yaml', yaml('slow', '/slow'));
    // Without the release at a target's end, its context would wait this long for a next page.
    const idle = process.env.RADAR_BROWSER_SESSION_IDLE_MS;
    process.env.RADAR_BROWSER_SESSION_IDLE_MS = '60000';
    const seen: { at: number; renderers: number }[] = [];
    let running = true;
    const watch = (async () => {
      while (running) {
        const now = { at: Date.now(), renderers: renderers().length };
        seen.push(now);
        // Both targets had a renderer, the quick one's page was served, and one renderer is left:
        // the slow page may come now (however slow the machine, the quick run has ended by then).
        const quick = site.hits.some((h) => h.path.startsWith('/quick'));
        if (quick && now.renderers === 1 && seen.some((s) => s.renderers === 2)) answerSlow = true;
        await sleep(100);
      }
    })();
    try {
      const run = await ws.radar('run');
      expect(run.code, run.stderr).toBe(0);
    } finally {
      running = false;
      await watch;
      if (idle === undefined) delete process.env.RADAR_BROWSER_SESSION_IDLE_MS;
      else process.env.RADAR_BROWSER_SESSION_IDLE_MS = idle;
    }
    const quickServed = site.hits.find((h) => h.path.startsWith('/quick'))?.at ?? 0;
    expect(quickServed).toBeGreaterThan(0);
    expect(slowAnswered).toBeGreaterThan(quickServed);
    // Both targets had a renderer; after the quick one's run ended, and before the slow page
    // came, only the slow target's was left.
    const both = seen.findIndex((s) => s.renderers === 2);
    expect(both).toBeGreaterThanOrEqual(0);
    const after = seen.slice(both).filter((s) => s.at > quickServed && s.at < slowAnswered);
    expect(after.some((s) => s.renderers === 1)).toBe(true);
    // And the run closed everything.
    for (let waited = 0; waited < 5000 && renderers().length; waited += 100) await sleep(100);
    expect(renderers()).toHaveLength(0);
  }, 120_000);

  it('a fetcher made for 3 jobs renders 3 × the pages one host allows at once (2): six, not a fixed three', async () => {
    expect(browserPages(3, 2, {})).toBe(6);
    expect(browserPages(3, 2, { RADAR_BROWSER_PAGES: '2' })).toBe(2); // the environment still decides when set
    // Politeness per host is 6 here, so the browser's own page slots are what limits the pages at once.
    const queues = new HostQueues({ globalConcurrency: 16, perHostConcurrency: 6, minIntervalMs: 0 });
    const fetcher = makeFetcher('browser', { jobs: 3 })!;
    try {
      const target = loadTargetFile(ws.writeTarget('held.yaml', yaml('held', '/held', 6)));
      const outcome = await scrapeTarget(target, { fetcher, ctx: { schedule: (u, t) => queues.schedule(u, t, 0), robots: new RobotsCache() } });
      if (!outcome.ok) throw new Error(`${outcome.failure.class}: ${outcome.failure.message}`);
      expect(outcome.items.map((i) => i.key).sort()).toEqual(['H1', 'H2', 'H3', 'H4', 'H5', 'H6']);
      expect(mostInFlight).toBe(6);
    } finally {
      await fetcher.close?.();
    }
  }, 120_000);
});

/** Chromium renderer processes under this process (what `ps` shows ops). */
const renderers = () => descendantsMatching(process.pid, /--type=renderer/);
