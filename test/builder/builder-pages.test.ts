import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { loadRules, loadTargetFile } from '../../src/config/load.js';
import { findBrowser } from '../../src/fetch/browser.js';
import { tryScrape } from '../../src/service/try.js';
import { makeConsoleFixture, signIn, openConsole, type ConsoleFixture, type OpenConsole } from '../helpers/console-fixture.js';
import { PAGED_ITEMS, pagedGridRoute } from '../helpers/fixture-shops.js';

const found = findBrowser();
const browserPath = 'path' in found ? found.path : null;

/** What a person writes by hand for the paged shop. */
const HAND_WRITTEN = (url: string) => `id: paged-by-hand
kind: price
competitor: Acme
region: east
fetch:
  url: ${url}/paged?page={page}
  pages: 1..3
items:
  each: "li.goods-card"
  key: "@data-sku"
  fields:
    name: "h3 a"
    price: ".pricebox .price"
    url: "h3 a@href"
`;

let fx: ConsoleFixture;
let con: OpenConsole;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!browserPath) return;
  fx = await makeConsoleFixture({ jobs: false });
  fx.shop.routes.set('/paged', pagedGridRoute());
  con = await openConsole(fx);
  ({ base, browser } = con);
}, 120_000);

afterAll(async () => {
  await (con ? con.close() : fx?.cleanup());
});

async function ops(): Promise<Page> {
  return signIn(browser, base, 'ops');
}

const cells = async (page: Page, sel: string) => (await page.locator(sel).allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());

describe.skipIf(!browserPath)('target builder: pagination', () => {
  it('proposes the next link, previews page 2, counts every selector on both pages; clicking 下一页 keeps the product picked; the saved target reads all three pages like a hand-written one', async () => {
    const page = await ops();
    await page.goto(`${base}/targets/build?url=${encodeURIComponent(`${fx.shop.url}/paged`)}`);
    // Found without a click: the next link, outlined on the picture, and followed once.
    expect(await page.locator('p.pages-found').textContent()).toContain('Follows the next link “下一页” on every page: next: a.next@href');
    expect(await page.locator('svg.shot rect.hl-next').count()).toBe(1);
    // (the products too: without a click the engine proposes the biggest priced group)
    expect(await cells(page, 'ul.pages-seen li')).toEqual([`Page 1: 4 items ${fx.shop.url}/paged`, `Page 2: 4 items ${fx.shop.url}/paged?page=2`]);

    // One click on a price: products on both pages, counted per page.
    await page.locator('svg.shot a.pick[data-label="span.price"]').nth(1).click();
    await page.waitForLoadState('load');
    expect(await page.locator('p.found').textContent()).toContain('4 products like it: .goods-card');
    expect(await cells(page, 'ul.pages-seen li')).toEqual([`Page 1: 4 items ${fx.shop.url}/paged`, `Page 2: 4 items ${fx.shop.url}/paged?page=2`]);
    expect((await cells(page, 'table.counts tr.chosen td')).slice(0, 4)).toEqual(['.goods-card ✓', '4', '4', '8']);
    expect(await cells(page, 'ul.field-counts li')).toContain('price .price: reads on 8 of 8 items');
    const page2 = await cells(page, 'table.preview.page2 tbody tr');
    expect(page2).toHaveLength(4);
    expect(page2[0]).toContain(PAGED_ITEMS[4]!.sku);
    expect(page2[0]).toContain('1599');
    expect(await page.locator('section.build-pages').textContent()).toContain(`On page 2 the next link leads on to ${fx.shop.url}/paged?page=3.`);

    // A click on 下一页 on the picture sets the pagination and keeps the product picked.
    await page.locator('svg.shot a.pick[data-label="a.next"]').click();
    await page.waitForLoadState('load');
    expect(await page.locator('p.found').textContent()).toContain('4 products like it: .goods-card');
    expect(await page.getByLabel('Next page link (CSS@href)').inputValue()).toBe('a.next@href');

    await page.getByLabel('Id (file name)').fill('paged-shop');
    await page.getByLabel('Competitor').fill('Acme');
    await page.getByRole('button', { name: 'Review the file' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('pre.diff').textContent()).toContain('+   next: a.next@href');
    expect(await page.locator('p.pages-found').textContent()).toBe('Follows this next link on every page: next: a.next@href');
    await page.getByRole('button', { name: 'Save and try' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('body').textContent()).toContain('good (10 items)');

    const file = join(fx.paths.scrapersDir, 'paged-shop.yaml');
    expect((parse(readFileSync(file, 'utf8')) as { fetch: unknown }).fetch).toEqual({ url: `${fx.shop.url}/paged`, next: 'a.next@href' });
    fx.ws.writeTarget('paged-by-hand.yaml', HAND_WRITTEN(fx.shop.url));
    const rules = loadRules(fx.paths.rulesDir);
    const built = await tryScrape(loadTargetFile(file), fx.paths, rules);
    const byHand = await tryScrape(loadTargetFile(join(fx.paths.scrapersDir, 'paged-by-hand.yaml')), fx.paths, rules);
    const essentials = (r: typeof built) => r.items.map((i) => ({ key: i.key, name: i.data.name, amount: i.data.amount, url: i.data.url })).sort((a, b) => a.key.localeCompare(b.key));
    expect(built.verdict).toBe('good');
    expect(built.pages).toHaveLength(3);
    expect(essentials(built)).toHaveLength(PAGED_ITEMS.length);
    expect(essentials(built)).toEqual(essentials(byHand));
  }, 180_000);

  it('a typed page pattern replaces the next link: page 2 is read from it and the file gets url with {page} and pages', async () => {
    const page = await ops();
    await page.goto(`${base}/targets/build?url=${encodeURIComponent(`${fx.shop.url}/paged`)}`);
    await page.locator('svg.shot a.pick[data-label="span.price"]').first().click();
    await page.waitForLoadState('load');
    await page.getByLabel('Id (file name)').fill('paged-numbers');
    await page.getByLabel('Competitor').fill('Acme');
    await page.getByLabel('Next page link (CSS@href)').fill('');
    await page.getByLabel('Or: page URL with {page}').fill(`${fx.shop.url}/paged?page={page}`);
    await page.getByLabel('Pages', { exact: true }).fill('1..3');
    await page.getByRole('button', { name: 'Review the file' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('p.pages-found').textContent()).toContain(`Reads pages by number: ${fx.shop.url}/paged?page={page}, pages 1..3`);
    expect(await cells(page, 'ul.pages-seen li')).toEqual([`Page 1: 4 items ${fx.shop.url}/paged`, `Page 2: 4 items ${fx.shop.url}/paged?page=2`]);
    const diff = await page.locator('pre.diff').textContent();
    expect(diff).toContain(`+   url: ${fx.shop.url}/paged?page={page}`);
    expect(diff).toContain('+   pages: 1..3');
  }, 120_000);
});
