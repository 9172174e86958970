// Crawlee's PlaywrightCrawler on the JavaScript-rendered catalog at the same concurrency, as its
// documentation sets it up: Chromium through Playwright, memory storage (its fastest), the
// products read once they are drawn, results stored with pushData.
import { join } from 'node:path';
import { Configuration, PlaywrightCrawler, log } from 'crawlee';
import { chromium } from 'playwright';
import { args, report, window } from '../lib/child.js';

const a = args();
// The same Chromium binary the product picks (findBrowser: Debian's headless shell when installed),
// so the row compares crawlers, not browsers. Crawlee's own default would be Playwright's headless
// shell too, which cannot be downloaded here. BENCH_CRAWLEE_CHROMIUM names another binary.
const { findBrowser } = await import(join(a.dist, 'fetch', 'browser.js'));
const found = findBrowser();
const browser = process.env.BENCH_CRAWLEE_CHROMIUM || (found.path ?? '/usr/bin/chromium');
log.setLevel(log.LEVELS.WARNING);
const pages = Number(a.pages);
const concurrency = Number(a.concurrency);
let items = 0;
let ok = 0;
const crawler = new PlaywrightCrawler(
  {
    launchContext: {
      launcher: chromium,
      launchOptions: {
        executablePath: browser,
        headless: true,
        args: process.getuid?.() === 0 ? ['--no-sandbox', '--disable-dev-shm-usage'] : ['--disable-dev-shm-usage'],
      },
    },
    // Equal concurrency: Crawlee's autoscaling would otherwise start lower and ramp up.
    minConcurrency: concurrency,
    maxConcurrency: concurrency,
    requestHandlerTimeoutSecs: 60,
    async requestHandler({ page, pushData }) {
      await page.waitForSelector('.product', { state: 'attached' });
      const found = await page.$$eval('.product', (els) =>
        els.map((el) => ({
          key: el.getAttribute('data-sku'),
          name: el.querySelector('.title')?.textContent?.trim() ?? '',
          price: Number((el.querySelector('.price')?.textContent ?? '').replace(/[^\d.]/g, '')),
          url: el.querySelector('.title a')?.href ?? null,
        })),
      );
      items += found.length;
      ok++;
      await pushData(found);
    },
  },
  new Configuration({ persistStorage: false }),
);
const urls = [];
for (let p = 1; p <= pages; p++) urls.push(`${a.url}/js/list?page=${p}`);
const done = window();
const stats = await crawler.run(urls);
const w = done();
report(a.out, { pages: ok, items, failedRequests: stats.requestsFailed, browser, ...w });
