import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pagedGridRoute } from '../helpers/fixture-shops.js';
import { html, startServer, type FixtureServer } from '../helpers/server.js';
import { runCli } from '../helpers/workspace.js';

const page = (name: string) => readFileSync(new URL(`../extract/pages/${name}`, import.meta.url));

describe('radar try URL --suggest', () => {
  let site: FixtureServer;
  beforeAll(async () => {
    site = await startServer({ '/gbk': html(page('gbk.html'), 200, 'text/html'), '/jsonld': html(page('jsonld.html')), '/empty': html('<html><body><p>hi</p></body></html>'), '/paged': pagedGridRoute() });
  });
  afterAll(() => site.close());

  it('prints the items it found, parsed, and the items: YAML to paste (a GBK page, decoded from its <meta>)', async () => {
    const r = await runCli(['try', `${site.url}/gbk`, '--suggest']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 items match .item');
    expect(r.stdout).toMatch(/g1003\s+德尔塔 洗烘套装\s+价格：12.5万元\s+125000/);
    const yaml = parse(r.stdout.slice(r.stdout.indexOf('items:'))) as unknown;
    expect(yaml).toEqual({ items: { each: '.item', key: '@id', fields: { name: '.mc', price: '.jg', url: 'a@href' } } });
  });

  it('reports the next link, follows it once and counts page 2 with the same selectors; the YAML carries fetch.next', async () => {
    const r = await runCli(['try', `${site.url}/paged`, '--suggest']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 items match .goods-card');
    expect(r.stdout).toContain(`pages: next link "下一页" (a.next@href) → ${site.url}/paged?page=2`);
    expect(r.stdout).toContain('page 2: HTTP 200, 4 items with the same selectors');
    expect(site.hits.some((h) => h.path === '/paged?page=2')).toBe(true);
    const yaml = parse(r.stdout.slice(r.stdout.indexOf('fetch:'))) as { fetch: unknown; items: { each: string } };
    expect(yaml.fetch).toEqual({ next: 'a.next@href' });
    expect(yaml.items.each).toBe('.goods-card');
    expect(r.stdout).toContain(`# or by page number: fetch.url: ${site.url}/paged?page={page} with pages: "1..3"`);
    const json = JSON.parse((await runCli(['try', `${site.url}/paged`, '--suggest', '--json'])).stdout) as { pagination: { next: string; page2: { items: number } } };
    expect(json.pagination.next).toBe('a.next@href');
    expect(json.pagination.page2.items).toBe(4);
  });

  it('says so when the page JSON-LD already lists the products', async () => {
    const r = await runCli(['try', `${site.url}/jsonld`, '--suggest']);
    expect(r.stdout).toContain("2 products in the page's JSON-LD");
    expect(r.stdout).toContain('leave items: out');
  });

  it('exits 1 with a hint when nothing repeats, 2 on something that is not a URL', async () => {
    const r = await runCli(['try', `${site.url}/empty`, '--suggest']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('nothing on this page repeats');
    const bad = await runCli(['try', 'not a url', '--suggest']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a URL');
  });
});
