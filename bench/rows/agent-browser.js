// The agent's browser target on the JavaScript-rendered catalog, through its real pipeline
// (runAll: robots, polite queues, one Chromium, a context for the target, pages reused,
// images/fonts/media/trackers blocked, items waited for, extraction, verdict, diff, snapshot).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { args, report, window } from '../lib/child.js';

const a = args();
const root = join(import.meta.dirname, '..', '..');
const pages = Number(a.pages);
const concurrency = Number(a.concurrency);

// The same pages in flight as Crawlee gets: per host and in the browser.
process.env.RADAR_HOST_CONCURRENCY = String(concurrency);
process.env.RADAR_BROWSER_PAGES = String(concurrency);
// The browser the product finds on its own (RADAR_CHROMIUM if set): Debian's headless shell when
// installed, else /usr/bin/chromium.

const home = mkdtempSync(join(tmpdir(), 'radar-bench-agent-browser-'));
mkdirSync(join(home, 'scrapers'));
mkdirSync(join(home, 'rules'));
for (const f of ['owners.yaml', 'price.yaml']) copyFileSync(join(root, 'rules', f), join(home, 'rules', f));
writeFileSync(
  join(home, 'scrapers', 'js-catalog.yaml'),
  `id: bench-js-catalog
kind: price
competitor: Bench JS Shop
region: east
currency: CNY
fetch:
  url: ${a.url}/js/list?page={page}
  mode: browser
  pages: 1..${pages}
  min_interval_ms: 0
items:
  each: ".product"
  key: "@data-sku"
  fields:
    name: ".title"
    price: ".price"
    url: ".title a@href"
`,
);

const { runAll } = await import(join(a.dist, 'pipeline', 'run.js'));
const { resolvePaths } = await import(join(a.dist, 'config', 'load.js'));
const paths = resolvePaths({ home, stateDir: join(home, 'state'), outboxDir: join(home, 'outbox'), templatesDir: join(root, 'templates') });

// Named in the table, next to the binary Crawlee's row used.
const found = (await import(join(a.dist, 'fetch', 'browser.js'))).findBrowser();
const done = window();
const summary = await runAll({ paths });
const w = done();
const r = summary.results[0];
rmSync(home, { recursive: true, force: true });
if (!r || r.verdict !== 'good') {
  console.error(`agent run failed: ${JSON.stringify(r?.failure ?? summary.configErrors.map((e) => e.toLine()))}`);
  process.exit(1);
}
report(a.out, { pages: r.pages.length, items: r.items, browser: found.path, ...w });
