import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTargetFile } from '../../src/config/load.js';
import { BrowserFetcher, findBrowser } from '../../src/fetch/browser.js';
import { HostQueues } from '../../src/fetch/host-queue.js';
import { RobotsCache } from '../../src/fetch/robots.js';
import { scrapeTarget, type ScrapeOutcome } from '../../src/pipeline/scrape.js';
import { descendants, descendantsMatching } from '../helpers/proc-tree.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';

const found = findBrowser();
const browserPath = 'path' in found ? found.path : null;
if (!browserPath) console.log(`browser tests skipped: ${'missing' in found ? found.missing : 'no browser'}`);

/** A shop that renders with JavaScript: prices arrive after a delay, more items behind "load more". */
const SHOP = `<!doctype html><html><head><meta charset="utf-8"><title>JS shop</title>
<style>@font-face { font-family: Brand; src: url(/font.woff2); } body { font-family: Brand; }</style></head>
<body><img src="/banner.png" alt=""><ul id="list"></ul><button id="more" style="display:none">加载更多</button>
<script>
  const all = Array.from({ length: 12 }, (_, i) => ({ sku: 'J' + (i + 1), name: '变频空调 ' + (i + 1) + ' 号', price: 3000 + i * 10 }));
  let shown = 0;
  function more() {
    const list = document.getElementById('list');
    for (const p of all.slice(shown, shown + 4)) {
      const li = document.createElement('li');
      li.className = 'product';
      li.dataset.sku = p.sku;
      li.innerHTML = '<span class="name"></span> <span class="price"></span>';
      li.querySelector('.name').textContent = p.name;
      li.querySelector('.price').textContent = '¥' + p.price.toLocaleString('en-US');
      list.appendChild(li);
    }
    shown += 4;
    document.getElementById('more').style.display = shown < all.length ? 'inline' : 'none';
  }
  setTimeout(more, 400);
  document.getElementById('more').addEventListener('click', () => setTimeout(more, 300));
</script></body></html>`;

/** Infinite scroll: a new batch each time the page is scrolled to the bottom, three batches in all. */
const SCROLL = `<!doctype html><html><head><meta charset="utf-8"></head><body><div id="feed"></div>
<script>
  let batch = 0;
  function add() {
    const feed = document.getElementById('feed');
    for (let i = 0; i < 5; i++) {
      const n = batch * 5 + i + 1;
      const d = document.createElement('div');
      d.className = 'card';
      d.dataset.id = 'C' + n;
      d.style.height = '400px';
      d.innerHTML = '<h3>商品 ' + n + '</h3><em>' + (100 + n) + '元</em>';
      feed.appendChild(d);
    }
    batch++;
  }
  add();
  let loading = false;
  window.addEventListener('scroll', () => {
    if (loading || batch >= 3 || window.innerHeight + window.scrollY < document.body.scrollHeight - 10) return;
    loading = true;
    setTimeout(() => { add(); loading = false; }, 200);
  });
</script></body></html>`;

/** A search form: results for the query and region typed in, rendered by script. */
const SEARCH = `<!doctype html><html><head><meta charset="utf-8"></head><body>
<form id="f"><input id="q" name="q"><select id="region"><option value="">全部</option><option value="sh">上海</option><option value="bj">北京</option></select></form>
<div id="results"></div>
<script>
  document.getElementById('f').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = document.getElementById('q').value;
    const r = document.getElementById('region').value;
    setTimeout(() => {
      document.getElementById('results').innerHTML = [1, 2].map((n) => '<div class="hit" data-id="' + r + n + '"><b>' + q + ' ' + r + n + '</b><i>' + (n * 1000) + '</i></div>').join('');
    }, 200);
  });
</script></body></html>`;

describe.skipIf(!browserPath)('browser targets in real headless Chromium', () => {
  let site: FixtureServer;
  let ws: Workspace;
  // One browser for the file: the in-process tests share this fetcher; only the CLI and SIGTERM tests start their own.
  const fetcher = new BrowserFetcher({ pages: 2 });
  const queues = new HostQueues();
  const robots = new RobotsCache();
  const scrape = (name: string, yaml: string): Promise<ScrapeOutcome> =>
    scrapeTarget(loadTargetFile(ws.writeTarget(name, yaml)), { fetcher, ctx: { schedule: (u, t) => queues.schedule(u, t, 0), robots } });
  const items = (o: ScrapeOutcome) => {
    if (!o.ok) throw new Error(`scrape failed: ${o.failure.class}: ${o.failure.message}`);
    return o.items;
  };
  const page = (body: string, status = 200) => (_q: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  };

  beforeAll(async () => {
    site = await startServer({
      '/shop': page(SHOP),
      '/scroll': page(SCROLL),
      '/search': page(SEARCH),
      '/never': page('<html><body><p>still loading…</p></body></html>'),
      '/members': (req, res) => {
        if (String(req.headers.cookie ?? '').includes('session=s3cr3t-cookie-value')) return page(SHOP)(req, res);
        res.writeHead(302, { location: '/login' });
        res.end();
      },
      '/login': page('<html><head><title>Log in</title></head><body><form><input name="u"><input type="password" name="p"><button>Sign in</button></form></body></html>'),
    });
    ws = makeWorkspace();
  });

  afterAll(async () => {
    await fetcher.close();
    await site.close();
    ws.cleanup();
  });

  const shopTarget = (id: string, path: string, extra = '') => `
id: ${id}
kind: price
competitor: JS
region: east
fetch:
  url: ${site.url}${path}
  mode: browser
  min_interval_ms: 0
  timeout_ms: 20000
  wait_for: "#list .product .price"
${extra}items:
  each: "#list .product"
  key: "@data-sku"
  fields:
    name: ".name"
    price: ".price"
`;

  it('reads prices a script inserts after a delay, clicks "load more" until it is gone, and loads no images or fonts', async () => {
    const found = items(await scrape('js.yaml', shopTarget('js-shop', '/shop', '  steps:\n    - click: "#more"\n      times: 10\n')));
    expect(found).toHaveLength(12);
    expect(found[0]).toMatchObject({ key: 'J1', data: { name: '变频空调 1 号', amount: 3000 } });
    expect(found[11]).toMatchObject({ key: 'J12', data: { name: '变频空调 12 号', amount: 3110 } });
    expect(fetcher.openPages).toBe(0);
    const paths = site.hits.map((h) => h.path);
    expect(paths).toContain('/shop');
    expect(paths).not.toContain('/banner.png');
    expect(paths).not.toContain('/font.woff2');
  });

  it('without the steps it reads what the page shows first (4 items)', async () => {
    expect(items(await scrape('js4.yaml', shopTarget('js-four', '/shop')))).toHaveLength(4);
  });

  it('scrolls an infinite list to the bottom until nothing more comes', async () => {
    const outcome = await scrape(
      'scroll.yaml',
      `
id: scroll-shop
kind: price
competitor: S
region: east
fetch:
  url: ${site.url}/scroll
  mode: browser
  min_interval_ms: 0
  steps:
    - scroll: 10
      wait_ms: 1000
items:
  each: ".card"
  key: "@data-id"
  fields: { name: "h3", price: "em" }
`,
    );
    expect(items(outcome).map((i) => i.key)).toEqual(Array.from({ length: 15 }, (_v, i) => `C${i + 1}`));
  });

  it('fills a search box, picks a region and reads the results', async () => {
    const outcome = await scrape(
      'search.yaml',
      `
id: search-shop
kind: price
competitor: S
region: east
fetch:
  url: ${site.url}/search
  mode: browser
  min_interval_ms: 0
  steps:
    - select: "#region"
      value: 上海
    - fill: "#q"
      value: 空调
      submit: true
    - wait_for: ".hit"
items:
  each: ".hit"
  key: "@data-id"
  fields: { name: "b", price: "i" }
`,
    );
    expect(items(outcome).map((i) => [i.key, i.data.name, i.data.amount])).toEqual([
      ['sh1', '空调 sh1', 1000],
      ['sh2', '空调 sh2', 2000],
    ]);
  });

  // Through the CLI (its own browser): what a user runs, and what ends up in the state folder.
  it('sends cookies from the environment; without them the login page is a login_wall, and the secret is never printed', async () => {
    const yaml = shopTarget('members', '/members', '  cookies: { session: "${SHOP_SESSION}" }\n');
    ws.writeTarget('members.yaml', yaml);
    const saved = process.env.SHOP_SESSION;
    try {
      process.env.SHOP_SESSION = 's3cr3t-cookie-value';
      const good = await ws.radar('run', '--target', 'members', '--json');
      expect(JSON.parse(good.stdout).targets[0].verdict).toBe('good');

      process.env.SHOP_SESSION = 'expired-cookie-value';
      const r = await ws.radar('run', '--target', 'members', '--json');
      const t = JSON.parse(r.stdout).targets[0] as { failure: { class: string } };
      expect(t.failure.class).toBe('login_wall');
      expect(r.stdout + r.stderr + good.stdout + good.stderr).not.toContain('cookie-value');
      expect(filesContaining(ws.state, 'cookie-value')).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.SHOP_SESSION;
      else process.env.SHOP_SESSION = saved;
    }
  });

  it('a wait_for that never appears is a timeout; every page and context is closed, and close() leaves no Chromium behind', async () => {
    // The file's shared browser, if it started: its renderer may end meanwhile (its target's
    // context closing when idle), so only the processes this fetcher adds are counted.
    const before = new Set(chromiumChildren());
    const added = () => chromiumChildren().filter((pid) => !before.has(pid));
    const own = new BrowserFetcher();
    try {
      const target = loadTargetFile(ws.writeTarget('never.yaml', shopTarget('never', '/never').replace('  timeout_ms: 20000\n', '  timeout_ms: 20000\n  wait_timeout_ms: 500\n  retries: 0\n')));
      const outcome = await scrapeTarget(target, { fetcher: own, ctx: { schedule: (u, t) => queues.schedule(u, t, 0) } });
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.failure.class).toBe('timeout');
        expect(outcome.failure.message).toContain('"#list .product .price" did not appear within 500 ms');
        expect(outcome.failure.sample).toContain('still loading');
      }
      expect(own.openPages).toBe(0);
      expect(added().length).toBeGreaterThan(0);
    } finally {
      await own.close();
    }
    expect(added()).toEqual([]);
  });

  it('a cancelled run (the daemon shutting down) closes the page at once instead of waiting it out', async () => {
    const target = loadTargetFile(ws.writeTarget('cancel.yaml', shopTarget('cancel', '/never').replace('  timeout_ms: 20000\n', '  timeout_ms: 20000\n  wait_timeout_ms: 50000\n')));
    // Abort at different moments: while the page is being set up, loading, and waiting for wait_for.
    for (const ms of [0, 10, 30, 80, 150, 300, 600]) {
      const ac = new AbortController();
      const pending = scrapeTarget(target, { fetcher, ctx: { schedule: (u, t) => queues.schedule(u, t, 0), robots, signal: ac.signal } });
      setTimeout(() => ac.abort(), ms);
      const outcome = await pending; // well inside the test timeout, far from the 50 s wait
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.failure.message).toMatch(/closed|cancelled/);
      expect(fetcher.openPages).toBe(0);
    }
  });

  it('on SIGTERM the browser is closed before the process exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-sigterm-'));
    const script = join(dir, 'child.mts');
    const src = resolve(REPO, 'src');
    writeFileSync(
      script,
      `
import { BrowserFetcher } from ${JSON.stringify(join(src, 'fetch/browser.ts'))};
import { loadTargetFile } from ${JSON.stringify(join(src, 'config/load.ts'))};
const target = loadTargetFile(${JSON.stringify(ws.writeTarget('sig.yaml', shopTarget('sig', '/shop')))});
const f = new BrowserFetcher();
const ctx = { schedule: (_u: string, t: () => Promise<unknown>) => t() } as never;
await f.fetchPage(target.fetch.url, target, ctx);
process.stdout.write('ready\\n');
setInterval(() => undefined, 1000); // stays alive until signalled
`,
    );
    // Chromium dies with its parent anyway; what a graceful close leaves behind is nothing: Playwright
    // removes the browser's temporary profile only when the browser is closed properly.
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } });
    try {
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await new Promise<void>((res, rej) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && res());
        child.once('exit', (code) => rej(new Error(`child exited ${code} before it was ready: ${stderr}`)));
      });
      const browserPids = descendants(child.pid!);
      expect(browserPids.length).toBeGreaterThan(0);
      expect(readdirSync(tmp).filter((f) => f.startsWith('playwright_chromiumdev_profile'))).toHaveLength(1);
      const exit = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(143);
      expect(browserPids.filter(alive)).toEqual([]);
      expect(readdirSync(tmp).filter((f) => f.startsWith('playwright_chromiumdev_profile'))).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Runs whether or not a browser is installed: this is what a user without one sees.
describe('browser targets without a browser', () => {
  it('fail as browser_missing, saying how to install one', async () => {
    const site = await startServer({});
    const ws = makeWorkspace();
    const saved = process.env.RADAR_CHROMIUM;
    process.env.RADAR_CHROMIUM = '/nonexistent/chromium';
    try {
      ws.writeTarget('b.yaml', `id: no-browser\nkind: price\ncompetitor: X\nregion: east\nfetch:\n  url: ${site.url}/shop\n  mode: browser\n  retries: 0\n`);
      const r = await ws.radar('run', '--json');
      expect(r.code).toBe(1);
      const t = JSON.parse(r.stdout).targets[0] as { failure: { class: string; message: string } };
      expect(t.failure.class).toBe('browser_missing');
      expect(t.failure.message).toContain('apt-get install chromium');
      expect(t.failure.message).toContain('RADAR_CHROMIUM');
      expect(site.hits.map((h) => h.path)).not.toContain('/shop');
    } finally {
      if (saved === undefined) delete process.env.RADAR_CHROMIUM;
      else process.env.RADAR_CHROMIUM = saved;
      await site.close();
      ws.cleanup();
    }
  });
});

function filesContaining(dir: string, needle: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => readFileSync(f, 'utf8').includes(needle));
}

/** Chromium processes started by this process (the test worker). */
const chromiumChildren = () => descendantsMatching(process.pid, /chrom/i);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}
