// Crawlee's PlaywrightCrawler on the JavaScript-rendered catalog at the same concurrency, as its
// documentation sets it up: Debian's Chromium through Playwright, memory storage (its fastest),
// the products read once they are drawn, results stored with pushData.
import { Configuration, PlaywrightCrawler, log } from 'crawlee';
import { chromium } from 'playwright';
import { args, report, window } from '../lib/child.js';

const a = args();
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
        // Debian's Chromium (Playwright cannot download its own here); BENCH_CRAWLEE_CHROMIUM to try another.
        executablePath: process.env.BENCH_CRAWLEE_CHROMIUM ?? process.env.RADAR_CHROMIUM ?? '/usr/bin/chromium',
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
report(a.out, { pages: ok, items, failedRequests: stats.requestsFailed, ...w });
