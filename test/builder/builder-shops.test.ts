/**
 * Ops build a target for each shape of shop by clicking only (an id and a competitor name are
 * typed, never a selector), save it, and it reads what a hand-written target reads.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { loadRules, loadTargetFile } from '../../src/config/load.js';
import { findBrowser } from '../../src/fetch/browser.js';
import { VIEW_WIDTH } from '../../src/fetch/page-capture.js';
import { tryScrape } from '../../src/service/try.js';
import { makeConsoleFixture, signIn, openConsole, type ConsoleFixture, type OpenConsole } from '../helpers/console-fixture.js';
import { gbkShop, jsonLdShop, tableShop } from '../helpers/fixture-shops.js';
import { html } from '../helpers/server.js';

const found = findBrowser();
const browserPath = 'path' in found ? found.path : null;

const HAND: Record<string, (url: string) => string> = {
  table: (url) => `id: table-by-hand\nkind: price\ncompetitor: Boxing\nregion: east\nfetch:\n  url: ${url}/table\nitems:\n  each: "table.quote tr:has(td)"\n  key: "td:nth-child(1)"\n  fields:\n    name: "td:nth-child(2)"\n    price: "td:nth-child(3)"\n    url: "a@href"\n    stock: "td:nth-child(4)"\n`,
  gbk: (url) => `id: gbk-by-hand\nkind: price\ncompetitor: Delta\nregion: east\nfetch:\n  url: ${url}/gbk\n  charset: gbk\nitems:\n  each: "#plist .item"\n  key: "@id"\n  fields:\n    name: ".mc a"\n    price: ".jg"\n    url: ".mc a@href"\n`,
  jsonld: (url) => `id: jsonld-by-hand\nkind: price\ncompetitor: Bolt\nregion: east\nfetch:\n  url: ${url}/jsonld\n`,
};

let fx: ConsoleFixture;
let con: OpenConsole;
let base: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!browserPath) return;
  fx = await makeConsoleFixture({ jobs: false });
  fx.shop.routes.set('/table', tableShop());
  fx.shop.routes.set('/gbk', gbkShop());
  fx.shop.routes.set('/jsonld', jsonLdShop());
  con = await openConsole(fx);
  ({ base, browser } = con);
  page = await signIn(browser, base, 'ops');
}, 120_000);

afterAll(async () => {
  await (con ? con.close() : fx?.cleanup());
});

/** Where `css` is on the shop's page, rendered at the builder's width: the box to click on the picture. */
async function boxOf(url: string, css: string): Promise<{ x: number; y: number; w: number; h: number }> {
  const p = await browser.newPage({ viewport: { width: VIEW_WIDTH, height: 800 } });
  try {
    await p.goto(url);
    return await p.locator(css).first().evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { x: Math.round(r.left + scrollX), y: Math.round(r.top + scrollY), w: Math.round(r.width), h: Math.round(r.height) };
    });
  } finally {
    await p.close();
  }
}

async function clickOnPicture(b: { x: number; y: number; w: number; h: number }): Promise<void> {
  const rect = page.locator(`svg.shot a.pick rect[x="${b.x}"][y="${b.y}"][width="${b.w}"][height="${b.h}"]`);
  expect(await rect.count(), `a box at ${JSON.stringify(b)}`).toBe(1);
  await rect.locator('xpath=..').click();
  await page.waitForLoadState('load');
}

async function open(path: string): Promise<void> {
  await page.goto(`${base}/targets/build`);
  await page.getByLabel('Page URL').fill(`${fx.shop.url}${path}`);
  await page.getByRole('button', { name: 'Open page' }).click();
  await page.waitForLoadState('load');
}

async function saveAs(id: string, competitor: string): Promise<void> {
  await page.getByLabel('Id (file name)').fill(id);
  await page.getByLabel('Competitor').fill(competitor);
  await page.getByRole('button', { name: 'Review the file' }).click();
  await page.waitForLoadState('load');
  await page.getByRole('button', { name: 'Save and try' }).click();
  await page.waitForLoadState('load');
}

/** Built and hand-written targets tried as a run reads them: the same products, names, prices and links. */
async function sameAsByHand(id: string, shape: string): Promise<ReturnType<typeof tryScrape> extends Promise<infer R> ? R : never> {
  fx.ws.writeTarget(`${shape}-by-hand.yaml`, HAND[shape]!(fx.shop.url));
  const rules = loadRules(fx.paths.rulesDir);
  const built = await tryScrape(loadTargetFile(join(fx.paths.scrapersDir, `${id}.yaml`)), fx.paths, rules);
  const byHand = await tryScrape(loadTargetFile(join(fx.paths.scrapersDir, `${shape}-by-hand.yaml`)), fx.paths, rules);
  const essentials = (r: typeof built) => r.items.map((i) => ({ name: i.data.name, amount: i.data.amount, url: i.data.url, availability: i.data.availability ?? null })).sort((a, b) => String(a.name).localeCompare(String(b.name)));
  expect(built.verdict).toBe('good');
  expect(byHand.verdict).toBe('good');
  expect(essentials(built)).toEqual(essentials(byHand));
  return built;
}

const saved = (id: string) => parse(readFileSync(join(fx.paths.scrapersDir, `${id}.yaml`), 'utf8')) as { fetch: Record<string, unknown>; items?: { each: string; key?: string; fields: Record<string, string> } };

describe.skipIf(!browserPath)('building a target by clicking, for every shape of shop', () => {
  it('an HTML table: a click on one price cell gives the data rows (not the header) and a column per field', async () => {
    await open('/table');
    await clickOnPicture(await boxOf(`${fx.shop.url}/table`, 'table.quote tr:nth-child(3) td:nth-child(3)'));
    expect(await page.locator('p.found').textContent()).toContain("3 products like it: .quote tr:has(td)");
    const rows = (await page.locator('table.preview tbody tr').allTextContents()).map((t) => t.replace(/\s+/g, ' '));
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain('博星 吸尘器 200');
    expect(rows[1]).toContain('1299');
    await saveAs('table-shop', 'Boxing');
    expect(await page.locator('body').textContent()).toContain('good (3 items)');
    expect(saved('table-shop').items?.each).not.toContain('tbody');
    const built = await sameAsByHand('table-shop', 'table');
    expect(built.items).toHaveLength(3);
  }, 180_000);

  it('a GBK page: decoded from its <meta>, a click on one price, the names read in Chinese', async () => {
    await open('/gbk');
    await clickOnPicture(await boxOf(`${fx.shop.url}/gbk`, '#g1002 .jg'));
    expect(await page.locator('p.found').textContent()).toContain('3 products like it: .item');
    const rows = (await page.locator('table.preview tbody tr').allTextContents()).map((t) => t.replace(/\s+/g, ' '));
    expect(rows[2]).toContain('德尔塔 洗烘套装');
    expect(rows[2]).toContain('125000');
    await saveAs('gbk-shop', 'Delta');
    expect(await page.locator('body').textContent()).toContain('good (3 items)');
    const built = await sameAsByHand('gbk-shop', 'gbk');
    expect(built.items.map((i) => i.data.name)).toContain('德尔塔 烘干机 9公斤');
  }, 180_000);

  it('JSON-LD only: the structured data is offered first, no click and no selector needed; the file has no items:', async () => {
    await open('/jsonld');
    expect(await page.locator('p.found').textContent()).toContain("The page's structured data (JSON-LD) lists 2 products: no selectors needed.");
    const rows = (await page.locator('table.preview tbody tr').allTextContents()).map((t) => t.replace(/\s+/g, ' '));
    expect(rows[0]).toContain('Bolt 冰箱 A');
    expect(rows[0]).toContain('3299');
    expect(await page.getByLabel('Each product (CSS)').inputValue()).toBe('');
    // The page as sent has the JSON-LD too: a plain page it stays.
    expect(await page.getByLabel('How to read it').inputValue()).toBe('http');
    expect(await page.locator('.mode-why').count()).toBe(0);
    await saveAs('jsonld-shop', 'Bolt');
    expect(await page.locator('body').textContent()).toContain('good (2 items)');
    expect(saved('jsonld-shop').items).toBeUndefined();
    const built = await sameAsByHand('jsonld-shop', 'jsonld');
    expect(built.items.map((i) => i.key).sort()).toEqual(['BF-A', 'BF-B']);
  }, 180_000);

  it("JSON-LD added by the page's script: offered as on the rendered page, proposed and saved as mode: browser, saying why; it reads its products at once", async () => {
    fx.shop.routes.set('/jsonld-js', html(readFileSync(new URL('./shops/jsonld-by-script.html', import.meta.url))));
    await open('/jsonld-js');
    expect(await page.locator('p.found').textContent()).toContain("The page's structured data (JSON-LD) lists 3 products: no selectors needed.");
    expect(await page.getByLabel('How to read it').inputValue()).toBe('browser');
    expect(await page.locator('.mode-why').textContent()).toBe(
      "In a browser: the products' structured data (JSON-LD) is added by the page's script. The page as sent lists none of them, the rendered page 3; read as a plain page, the first run would not find them.",
    );
    await saveAs('jsonld-js-shop', 'Bolt');
    expect(await page.locator('body').textContent()).toContain('good (3 items)');
    expect(saved('jsonld-js-shop').fetch).toEqual({ url: `${fx.shop.url}/jsonld-js`, mode: 'browser' });
    expect(saved('jsonld-js-shop').items).toBeUndefined();
    const built = await tryScrape(loadTargetFile(join(fx.paths.scrapersDir, 'jsonld-js-shop.yaml')), fx.paths, loadRules(fx.paths.rulesDir));
    expect(built.verdict).toBe('good');
    expect(built.items.map((i) => [i.key, i.data.amount]).sort()).toEqual([['BL-120', 1299], ['BL-310', 3299], ['BL-452', 4599]]);
  }, 180_000);
});
