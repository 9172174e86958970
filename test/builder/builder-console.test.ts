import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { loadRules, loadTargetFile } from '../../src/config/load.js';
import { findBrowser } from '../../src/fetch/browser.js';
import { tryScrape } from '../../src/service/try.js';
import { makeConsoleFixture, signIn, openConsole, type ConsoleFixture, type OpenConsole, type RoleUser } from '../helpers/console-fixture.js';
import { html } from '../helpers/server.js';

const found = findBrowser();
const browserPath = 'path' in found ? found.path : null;
if (!browserPath) console.log(`builder browser tests skipped: ${'missing' in found ? found.missing : 'no browser'}`);

const GRID = readFileSync(new URL('../extract/pages/grid-cards.html', import.meta.url));

/** The same shop drawn by its script: the page as sent has an empty list (as many JavaScript shops). */
const GRID_BY_SCRIPT = `<!doctype html><html><head><meta charset="utf-8"><title>Acme 空调</title></head><body><div id="root">加载中…</div>
<script>document.getElementById('root').innerHTML = ${JSON.stringify(/<body[^>]*>([\s\S]*)<\/body>/.exec(GRID.toString())![1]!).replace(/</g, '\\u003c')};</script></body></html>`;

/** What a person writes for that shop by hand (README "Adding a target"). */
const HAND_WRITTEN = (url: string) => `id: grid-by-hand
kind: price
competitor: Grid
region: east
fetch:
  url: ${url}
items:
  each: ".goods-card"
  key: "@data-sku"
  fields:
    name: ".goods-title"
    price: ".price"
    url: "a@href"
`;

let fx: ConsoleFixture;
let con: OpenConsole;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!browserPath) return;
  fx = await makeConsoleFixture({ jobs: false });
  fx.shop.routes.set('/grid', html(GRID));
  fx.shop.routes.set('/grid-js', html(GRID_BY_SCRIPT));
  con = await openConsole(fx);
  ({ base, browser } = con);
}, 120_000);

afterAll(async () => {
  await (con ? con.close() : fx?.cleanup());
});

async function loginAs(user: RoleUser): Promise<Page> {
  return signIn(browser, base, user);
}

describe.skipIf(!browserPath)('target builder in headless Chromium', () => {
  it('ops build a target by clicking one price, review the file, save it, and it reads what a hand-written target reads', async () => {
    const page = await loginAs('ops');
    await page.getByRole('link', { name: 'Build by clicking' }).click();
    await page.getByLabel('Page URL').fill(`${fx.shop.url}/grid`);
    await page.getByRole('button', { name: 'Open page' }).click();
    await expect.poll(() => page.locator('svg.shot a.pick').count()).toBeGreaterThan(20);

    // One click on the picture: the price of the third card.
    await page.locator('svg.shot a.pick[data-label="span.price"]').nth(2).click();
    await page.waitForLoadState('load');
    expect(await page.locator('p.found').textContent()).toContain('4 products like it: .goods-card');
    expect(await page.locator('svg.shot rect.hl-items').count()).toBe(4);
    expect(await page.locator('svg.shot rect.hl-price').count()).toBe(4);
    const rows = await page.locator('table.preview tbody tr').allTextContents();
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain('KFR-35GW');
    expect(rows[0]).toContain('¥1,299起');
    expect(rows[0]).toContain('1299 (from)');
    expect(rows[3]).toContain('12000');
    expect(await page.getByLabel('Each product (CSS)').inputValue()).toBe('.goods-card');
    expect(await page.getByLabel('Stable id (CSS)').inputValue()).toBe('@data-sku');

    await page.getByLabel('Id (file name)').fill('grid-shop');
    await page.getByLabel('Competitor').fill('Grid');
    // Remove a field by hand: the preview and the outlines follow what was typed.
    await page.getByLabel('Stock (CSS)').fill('');
    await page.getByRole('button', { name: 'Review the file' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('svg.shot rect.hl-stock').count()).toBe(0);
    expect(await page.locator('table.preview tbody tr').first().textContent()).not.toContain('有货');
    const diff = await page.locator('pre.diff').textContent();
    expect(diff).toContain('+ id: grid-shop');
    expect(diff).toContain('+   each: .goods-card');
    expect(existsSync(join(fx.paths.scrapersDir, 'grid-shop.yaml'))).toBe(false); // reviewing writes nothing

    await page.getByRole('button', { name: 'Save and try' }).click();
    await page.waitForLoadState('load');
    expect(new URL(page.url()).pathname).toBe('/targets/build'); // the tried target is shown in place
    expect(await page.locator('h1').first().textContent()).toContain('grid-shop');
    expect(await page.locator('body').textContent()).toContain('good (4 items)');

    // The saved file is what a person would write, and reads exactly what the hand-written one reads.
    const file = join(fx.paths.scrapersDir, 'grid-shop.yaml');
    const saved = parse(readFileSync(file, 'utf8')) as { items: unknown; fetch: unknown };
    expect(saved.fetch).toEqual({ url: `${fx.shop.url}/grid` });
    expect(saved.items).toEqual({ each: '.goods-card', key: '@data-sku', fields: { name: '.goods-title', price: '.price', url: '.pic@href' } });
    fx.ws.writeTarget('grid-by-hand.yaml', HAND_WRITTEN(`${fx.shop.url}/grid`));
    const rules = loadRules(fx.paths.rulesDir);
    const built = await tryScrape(loadTargetFile(file), fx.paths, rules);
    const byHand = await tryScrape(loadTargetFile(join(fx.paths.scrapersDir, 'grid-by-hand.yaml')), fx.paths, rules);
    const essentials = (r: typeof built) => r.items.map((i) => ({ key: i.key, name: i.data.name, amount: i.data.amount, from: i.data.from, url: i.data.url }));
    expect(built.verdict).toBe('good');
    expect(essentials(built)).toEqual(essentials(byHand));
    expect(essentials(built)).toHaveLength(4);
  }, 120_000);

  it('a shop drawn by its script is proposed and saved as mode: browser, saying why; it reads its products at once', async () => {
    const page = await loginAs('ops');
    await page.goto(`${base}/targets/build?url=${encodeURIComponent(`${fx.shop.url}/grid-js`)}`);
    await expect.poll(() => page.locator('svg.shot a.pick').count()).toBeGreaterThan(20);
    await page.locator('svg.shot a.pick[data-label="span.price"]').nth(2).click();
    await page.waitForLoadState('load');
    expect(await page.locator('p.found').textContent()).toContain('4 products like it: .goods-card');
    expect(await page.getByLabel('How to read it').inputValue()).toBe('browser');
    expect(await page.locator('.mode-why').textContent()).toBe(
      "In a browser: the products (.goods-card) are drawn by the page's script. The page as sent has none of them, the rendered page 4; read as a plain page, the first run would find nothing.",
    );
    await page.getByLabel('Id (file name)').fill('grid-js-shop');
    await page.getByLabel('Competitor').fill('Grid');
    await page.getByRole('button', { name: 'Review the file' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('pre.diff').textContent()).toContain('+   mode: browser');
    await page.getByRole('button', { name: 'Save and try' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('body').textContent()).toContain('good (4 items)');
    const saved = parse(readFileSync(join(fx.paths.scrapersDir, 'grid-js-shop.yaml'), 'utf8')) as { fetch: unknown };
    expect(saved.fetch).toEqual({ url: `${fx.shop.url}/grid-js`, mode: 'browser' });
  }, 120_000);

  it('is for ops: other roles are refused, and a save without the CSRF token is refused', async () => {
    const hr = await loginAs('hr');
    const res = await hr.goto(`${base}/targets/build?url=${encodeURIComponent(`${fx.shop.url}/grid`)}`);
    expect(res?.status()).toBe(403);
    const ops = await loginAs('ops');
    const post = await ops.request.post(`${base}/targets/build`, { form: { id: 'sneaky', competitor: 'X', region: 'east', url: `${fx.shop.url}/grid`, each: '.goods-card', do: 'save' } });
    expect(post.status()).toBe(403);
    expect(existsSync(join(fx.paths.scrapersDir, 'sneaky.yaml'))).toBe(false);
  }, 60_000);
});
