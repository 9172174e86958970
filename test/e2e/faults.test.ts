import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultServer, type Fault, type FaultServer } from '../helpers/fault-server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';
import { readSnapshot } from '../../src/store/snapshot.js';

interface RunJson {
  exitCode: number;
  targets: { id: string; verdict: string; failure: { class: string; message: string; httpStatus?: number; sample?: string } | null; items: number; alerts: string[] }[];
}

describe('fault injection: every way a site misbehaves ends in the right verdict, an untouched snapshot and no price alert', () => {
  let site: FaultServer;
  let ws: Workspace;
  const snapshot = () => join(ws.state, 'targets', 'shop.snapshot.json');

  const target = (extra = '') => `
id: shop
kind: price
competitor: Shop
region: east
fetch:
  url: ${site.url}/list
  min_interval_ms: 0
  timeout_ms: 1500
  # The pages are a few KB: the endless body passes this cap after a few chunks, long before
  # timeout_ms, also on a loaded machine (at 5 MB it could time out first and read as a timeout).
  max_bytes: 200000
  retries: 1
${extra}items:
  each: ".product"
  key: "@data-sku"
  fields:
    name: ".title"
    price: ".price"
    url: "a@href"
`;

  const run = async (): Promise<RunJson & { stderr: string }> => {
    const r = await ws.radar('run', '--json');
    return { ...(JSON.parse(r.stdout) as RunJson), stderr: r.stderr };
  };

  const priceAlertsInOutbox = (): string[] => {
    const file = join(ws.state, 'outbox.json');
    if (!existsSync(file)) return [];
    const box = JSON.parse(readFileSync(file, 'utf8')) as { alerts?: Record<string, unknown> };
    return Object.keys(box.alerts ?? {}).filter((id) => id.startsWith('price:'));
  };

  beforeEach(async () => {
    site = await startFaultServer();
    ws = makeWorkspace();
    ws.writeTarget('shop.yaml', target());
  });

  afterEach(async () => {
    await site.close();
    ws.cleanup();
  });

  const cases: { fault: Fault; cls: string; detail?: RegExp }[] = [
    { fault: 'http_500', cls: 'http_500' },
    { fault: 'http_503_retry_after', cls: 'http_503' },
    { fault: 'http_429', cls: 'http_429' },
    { fault: 'reset', cls: 'network', detail: /closed|reset/ },
    { fault: 'slow', cls: 'timeout' },
    { fault: 'truncated', cls: 'network', detail: /after \d+ bytes/ },
    { fault: 'captcha', cls: 'blocked', detail: /Cloudflare/ },
    { fault: 'captcha_cn', cls: 'blocked' },
    { fault: 'login_redirect', cls: 'login_wall', detail: /login/ },
    { fault: 'redirect_loop', cls: 'redirect_loop' },
    { fault: 'layout_changed', cls: 'layout_changed', detail: /matched nothing/ },
    { fault: 'half_items', cls: 'layout_changed', detail: /found 5 items, the last good run found 10/ },
    { fault: 'prices_missing', cls: 'layout_changed', detail: /8 of 10 items lack a required field/ },
    { fault: 'prices_unreadable', cls: 'parse_error', detail: /7 of 10 prices could not be read/ },
    { fault: 'huge_body', cls: 'too_large' },
    { fault: 'garbled', cls: 'parse_error', detail: /looks garbled|could not be decoded/ },
  ];

  for (const c of cases) {
    it(`${c.fault} → ${c.cls}`, async () => {
      const first = await run();
      expect(first.targets[0]!.verdict).toBe('good');
      expect(first.targets[0]!.items).toBe(10);
      const before = readFileSync(snapshot());

      site.fault = c.fault;
      const r = await run();
      const t = r.targets[0]!;
      expect(r.exitCode).toBe(1);
      expect(t.verdict).toBe('failed');
      expect(t.failure!.class).toBe(c.cls);
      if (c.detail) expect(t.failure!.message).toMatch(c.detail);
      expect(readFileSync(snapshot()).equals(before)).toBe(true);
      expect(t.alerts).toEqual([]);
      expect(priceAlertsInOutbox()).toEqual([]);
    });
  }

  it('wrong declared charset (GBK behind "charset=utf-8"): read correctly, good, same items, no alert', async () => {
    await run();
    const dataOf = () => new Map([...readSnapshot(ws.state, 'shop')!.items].map(([k, v]) => [k, v.data]));
    const before = dataOf();
    site.fault = 'wrong_charset';
    const r = await run();
    expect(r.targets[0]!.verdict).toBe('good');
    const after = dataOf();
    expect(after.get('S1')!.name).toBe('空调 KFR-20GW 型号1');
    expect(after).toEqual(before);
    expect(r.targets[0]!.alerts).toEqual([]);
    expect(priceAlertsInOutbox()).toEqual([]);
  });

  it('UTF-8 bytes behind "charset=GBK" in both header and <meta>: read as UTF-8, good, same items, no alert', async () => {
    await run();
    const dataOf = () => new Map([...readSnapshot(ws.state, 'shop')!.items].map(([k, v]) => [k, v.data]));
    const before = dataOf();
    site.fault = 'utf8_declared_gbk';
    const r = await run();
    expect(r.targets[0]!.verdict).toBe('good');
    expect(dataOf()).toEqual(before);
    expect(r.targets[0]!.alerts).toEqual([]);
  });

  it('retries 5xx (retries + 1 requests) but never a 404', async () => {
    await run();
    site.hits.length = 0;
    site.fault = 'http_500';
    await run();
    expect(site.hitsOf('/list')).toHaveLength(2);

    site.hits.length = 0;
    site.fault = 'http_404';
    const r = await run();
    expect(r.targets[0]!.failure!.class).toBe('http_404');
    expect(site.hitsOf('/list')).toHaveLength(1);
  });

  it('waits at least Retry-After before retrying a 503, then succeeds (measured by the server)', async () => {
    await run();
    site.hits.length = 0;
    site.fault = 'http_503_retry_after';
    site.faultTimes = 1;
    site.retryAfter = '1';
    const r = await run();
    expect(r.targets[0]!.verdict).toBe('good');
    const hits = site.hitsOf('/list');
    expect(hits).toHaveLength(2);
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('waits at least Retry-After (an HTTP date) after a 429 and gives up after the retries', async () => {
    await run();
    site.hits.length = 0;
    site.fault = 'http_429';
    site.retryAfter = new Date(Date.now() + 2000).toUTCString(); // second precision: 1-2 s from now
    const r = await run();
    expect(r.targets[0]!.failure!.class).toBe('http_429');
    const hits = site.hitsOf('/list');
    expect(hits).toHaveLength(2);
    expect(hits[1]!.at).toBeGreaterThanOrEqual(Date.parse(site.retryAfter));
  });

  it('does not wait out an unreasonable Retry-After: fails at once, saying what the site asked', async () => {
    await run();
    site.hits.length = 0;
    site.fault = 'http_503_retry_after';
    site.retryAfter = '86400';
    const r = await run();
    expect(r.targets[0]!.failure!.class).toBe('http_503');
    expect(r.targets[0]!.failure!.message).toContain('Retry-After: 86400');
    expect(site.hitsOf('/list')).toHaveLength(1);
  });

  it('honours robots.txt: a disallowed page is never requested, the failure names the rule', async () => {
    site.robots = 'User-agent: *\nAllow: /\n\nUser-agent: sales-radar\nDisallow: /list\n';
    ws.writeTarget('other.yaml', target().replace('id: shop', 'id: shop-two'));
    const r = await run();
    for (const t of r.targets) {
      expect(t.failure!.class).toBe('robots');
      expect(t.failure!.message).toContain('line 5: "Disallow: /list"');
    }
    expect(site.hitsOf('/list')).toHaveLength(0);
    // Two targets on one host: robots.txt was read once.
    expect(site.hitsOf('/robots.txt')).toHaveLength(1);
    expect(existsSync(snapshot())).toBe(false);
  });

  it('honours robots.txt Crawl-delay between the pages of a run (measured by the server)', async () => {
    site.robots = 'User-agent: *\nCrawl-delay: 1\n';
    ws.writeTarget('shop.yaml', target().replace(`${site.url}/list`, `${site.url}/list?page={page}`).replace('  min_interval_ms: 0\n', '  min_interval_ms: 0\n  pages: 1..3\n'));
    const r = await run();
    expect(r.targets[0]!.verdict).toBe('good');
    const at = site.hits.filter((h) => h.path.startsWith('/list')).map((h) => h.at);
    expect(at).toHaveLength(3);
    // The agent spaces its requests 1 s apart; on a loaded machine one request can reach the server
    // late and shorten the gap the server sees. Without the delay the gap is a few milliseconds.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(850);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(850);
    expect(at[2]! - at[0]!).toBeGreaterThanOrEqual(1900);
  });

  it('a Crawl-delay longer than a run can wait fetches the first page only and says why', async () => {
    site.robots = 'User-agent: sales-radar\nCrawl-delay: 3600\n';
    ws.writeTarget('shop.yaml', target().replace(`${site.url}/list`, `${site.url}/list?page={page}`).replace('  min_interval_ms: 0\n', '  min_interval_ms: 0\n  pages: 1..3\n'));
    const r = await run();
    expect(r.targets[0]!.failure!.class).toBe('robots');
    expect(r.targets[0]!.failure!.message).toMatch(/asks for 3600 s between requests \(Crawl-delay\)/);
    expect(site.hits.filter((h) => h.path.startsWith('/list'))).toHaveLength(1);
    expect(existsSync(snapshot())).toBe(false);
  });

  it('fetch.ignore_robots overrides robots.txt and says so in one warning line', async () => {
    site.robots = 'User-agent: *\nDisallow: /\n';
    ws.writeTarget('shop.yaml', target('  ignore_robots: true\n'));
    const r = await run();
    expect(r.targets[0]!.verdict).toBe('good');
    expect(site.hitsOf('/robots.txt')).toHaveLength(0);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('ignore_robots'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: shop: fetch\.ignore_robots is set/);
  });

  it('a failing page in a paginated target fails the whole run (no partial list, no removed items)', async () => {
    ws.writeTarget('shop.yaml', target().replace(`${site.url}/list`, `${site.url}/list?page={page}`).replace('  min_interval_ms: 0\n', '  min_interval_ms: 0\n  pages: 1..3\n'));
    const first = await run();
    expect(first.targets[0]!.verdict).toBe('good');
    const before = readFileSync(snapshot());
    site.fault = 'http_500'; // every page fails; the host's pages fail together
    const r = await run();
    expect(r.targets[0]!.failure!.class).toBe('http_500');
    expect(readFileSync(snapshot()).equals(before)).toBe(true);
  });

  it('debounce: absent once → nothing; absent twice → removed; back → added', async () => {
    await run();
    const all = [...site.products];
    site.products = all.filter((p) => p.sku !== 'S3');
    const once = await run();
    expect(once.targets[0]!.verdict).toBe('good');
    expect(once.targets[0]!.alerts).toEqual([]);

    site.products = all; // back within the window: nothing
    const back = await run();
    expect(back.targets[0]!.alerts).toEqual([]);

    site.products = all.filter((p) => p.sku !== 'S3');
    expect((await run()).targets[0]!.alerts).toEqual([]);
    const twice = await run();
    expect(twice.targets[0]!.alerts).toEqual([expect.stringMatching(/^price:shop:S3:removed@/)]);

    site.products = all;
    const again = await run();
    expect(again.targets[0]!.alerts).toEqual([expect.stringMatching(/^price:shop:S3:added@/)]);
  });
});
