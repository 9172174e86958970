import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { findBrowser } from '../../src/fetch/browser.js';
import { localPrincipal } from '../../src/service/access.js';
import { getTarget, runTargetNow } from '../../src/service/targets.js';
import { makeConsoleFixture, signIn, openConsole, type ConsoleFixture, type OpenConsole } from '../helpers/console-fixture.js';
import { PAGED_ITEMS, pagedGridRoute } from '../helpers/fixture-shops.js';

const found = findBrowser();
const browserPath = 'path' in found ? found.path : null;

/** A target as sales ops wrote it months ago, with a comment and a threshold the repair must keep. */
const TARGET = (url: string) => `# Acme's air conditioners, all pages
id: acme-paged
kind: price
competitor: Acme
region: east
schedule: "0 8 * * *"
fetch:
  url: ${url}/paged
  next: "a.next@href"   # 下一页
  min_interval_ms: 0
items:
  each: ".goods-card"
  key: "@data-sku"
  fields:
    name: ".goods-title"
    price: ".price"
    url: "h3 a@href"
thresholds:
  change_percent: 5
`;

let fx: ConsoleFixture;
let con: OpenConsole;
let base: string;
let browser: Browser;
const shop = { redesigned: false };
const root = localPrincipal('test');

beforeAll(async () => {
  if (!browserPath) return;
  fx = await makeConsoleFixture({ jobs: false });
  fx.shop.routes.set('/paged', pagedGridRoute(shop));
  fx.ws.writeTarget('acme-paged.yaml', TARGET(fx.shop.url));
  con = await openConsole(fx);
  ({ base, browser } = con);
}, 120_000);

afterAll(async () => {
  await (con ? con.close() : fx?.cleanup());
});

async function ops(): Promise<Page> {
  return signIn(browser, base, 'ops');
}

const run = async () => {
  const r = await runTargetNow(fx.ctx, root, 'acme-paged');
  if (r.status !== 'done') throw new Error('expected a local run');
  return r.targets[0]!;
};
const stored = () =>
  getTarget(fx.ctx, root, 'acme-paged')
    .items.map((i) => ({ key: i.key, name: i.data.name, amount: i.data.amount, url: i.data.url }))
    .sort((a, b) => a.key.localeCompare(b.key));

describe.skipIf(!browserPath)('repairing a target that failed with layout_changed', () => {
  it('the shop redeploys, the run fails layout_changed; Repair opens the builder with the old selectors failing, one click proposes new ones, the save changes only items:, and the next run is good with the same items', async () => {
    expect(await run()).toMatchObject({ verdict: 'good', items: PAGED_ITEMS.length });
    const before = stored();
    expect(before).toHaveLength(PAGED_ITEMS.length);

    shop.redesigned = true;
    expect(await run()).toMatchObject({ verdict: 'failed', failure: expect.stringContaining('layout_changed') });

    const page = await ops();
    await page.goto(`${base}/targets/acme-paged`);
    await page.getByRole('link', { name: 'Repair by clicking' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('section.repair h2').textContent()).toBe('Repair acme-paged');
    expect(await page.locator('section.repair').textContent()).toContain('Its last run failed: layout_changed.');
    // The old selectors, read on today's page: each and every field find nothing; the next link still works.
    const old = await page.locator('table.old-selectors tbody tr').evaluateAll((rows) => rows.map((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.textContent!.replace(/\s+/g, ' ').trim()).join(' | ')));
    expect(old).toEqual([
      'each .goods-card | nothing: failing',
      'key @data-sku | nothing: failing',
      'name .goods-title | nothing: failing',
      'price .price | nothing: failing',
      'url h3 a@href | nothing: failing',
      `next a.next@href | ${fx.shop.url}/paged?page=2`,
    ]);
    expect(await page.locator('table.old-selectors tr.failing').count()).toBe(5);

    // One click on a price of the new cards.
    await page.locator('svg.shot a.pick[data-label="b.now"]').nth(1).click();
    await page.waitForLoadState('load');
    expect(await page.locator('p.found').textContent()).toContain('4 products like it: .product-tile');
    expect(await page.getByLabel('Stable id (CSS)').inputValue()).toBe('@data-id');
    expect((await page.locator('table.counts tr.chosen td').allTextContents()).slice(1, 4)).toEqual(['4', '4', '8']);

    await page.getByRole('button', { name: 'Review the file' }).click();
    await page.waitForLoadState('load');
    const diff = (await page.locator('pre.diff').textContent())!;
    expect(await page.locator('section.repair').count()).toBe(1);
    expect(await page.locator('pre.diff').locator('xpath=preceding-sibling::h3[1]').textContent()).toBe('scrapers/acme-paged.yaml');
    expect(diff).toContain('-   each: ".goods-card"');
    expect(diff).toContain('+   each: ".product-tile"');
    expect(diff).toContain('    next: "a.next@href"   # 下一页'); // unchanged lines keep their text
    expect(diff).toContain('  # Acme\'s air conditioners, all pages');
    expect(diff).toContain('   change_percent: 5');

    await page.getByRole('button', { name: 'Save and try' }).click();
    await page.waitForLoadState('load');
    expect(new URL(page.url()).pathname).toBe('/targets/build');
    expect(await page.locator('h1').first().textContent()).toContain('acme-paged');
    expect(await page.locator('body').textContent()).toContain(`good (${PAGED_ITEMS.length} items)`);

    // Only items: changed in the file.
    const file = readFileSync(join(fx.paths.scrapersDir, 'acme-paged.yaml'), 'utf8');
    expect(file).toContain("# Acme's air conditioners, all pages");
    expect(file).toContain('next: "a.next@href"   # 下一页');
    expect(file).toContain('change_percent: 5');
    expect(file).toContain('each: ".product-tile"');
    expect(file).not.toContain('.goods-card');

    const after = await run();
    expect(after).toMatchObject({ verdict: 'good', items: PAGED_ITEMS.length, alerts: 0 });
    expect(stored()).toEqual(before);
    expect(getTarget(fx.ctx, root, 'acme-paged').runs[0]).toMatchObject({ verdict: 'good', added: 0, changed: 0, removed: 0 });
  }, 240_000);

  it('a save over a file someone changed meanwhile is refused, as is one without the CSRF token; other roles cannot open a repair', async () => {
    const hr = await signIn(browser, base, 'head');
    const res = await hr.goto(`${base}/targets/build?repair=acme-paged`);
    expect(res?.status()).toBe(403);
    const page = await ops();
    const file = join(fx.paths.scrapersDir, 'acme-paged.yaml');
    const before = readFileSync(file, 'utf8');
    const form = { repair: 'acme-paged', etag: 'an-old-version', each: '.product-tile', price: '.now', do: 'save' };
    expect((await page.request.post(`${base}/targets/build`, { form })).status()).toBe(403); // no CSRF token
    await page.goto(`${base}/targets/build?repair=acme-paged`);
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const stale = await page.request.post(`${base}/targets/build`, { form: { ...form, _csrf: csrf } });
    expect(stale.status()).toBe(412);
    expect(await stale.text()).toContain('was changed by someone else since you opened it');
    expect(readFileSync(file, 'utf8')).toBe(before);
  }, 120_000);
});
