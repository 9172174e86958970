import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { loadRules, loadTargetFile } from '../../src/config/load.js';
import { findBrowser } from '../../src/fetch/browser.js';
import { StepRecorder } from '../../src/fetch/step-recorder.js';
import { scratchTarget } from '../../src/service/builder-target.js';
import { stepRecorder } from '../../src/service/builder-steps.js';
import { tryScrape } from '../../src/service/try.js';
import { makeConsoleFixture, signIn, openConsole, type ConsoleFixture, type OpenConsole, type RoleUser } from '../helpers/console-fixture.js';
import { stepElement } from '../../src/extract/step-selector.js';
import { pathOf } from '../helpers/dom-path.js';
import { html } from '../helpers/server.js';

const found = findBrowser();
const browserPath = 'path' in found ? found.path : null;
if (!browserPath) console.log(`builder step tests skipped: ${'missing' in found ? found.missing : 'no browser'}`);

const CITY = readFileSync(new URL('./shops/city-popup.html', import.meta.url));
const FEED = readFileSync(new URL('./shops/infinite-scroll.html', import.meta.url));

/** What a person writes by hand for the city shop: choose Shanghai, then read the cards. */
const CITY_BY_HAND = (url: string) => `id: city-by-hand
kind: price
competitor: City
region: east
fetch:
  url: ${url}
  mode: browser
  steps:
    - click: ".city-list [data-city=sh]"
items:
  each: ".goods"
  key: "@data-sku"
  fields:
    name: ".goods-name"
    price: ".goods-price"
    url: "a@href"
`;

/** ... and for the infinite-scroll shop: scroll until nothing more comes. */
const FEED_BY_HAND = (url: string) => `id: feed-by-hand
kind: price
competitor: Feed
region: east
fetch:
  url: ${url}
  mode: browser
  steps:
    - scroll: 10
items:
  each: ".feed-item"
  key: "@data-id"
  fields:
    name: "h3"
    price: ".price"
    url: "a@href"
`;

/** A search form: results for the region chosen and the words typed, drawn by script. */
const SEARCH = `<!doctype html><html><head><meta charset="utf-8"></head><body>
<form id="f"><input id="q" name="q" placeholder="搜索商品"><select name="region"><option value="">全部</option><option value="sh">上海</option><option value="bj">北京</option></select></form>
<div id="results"></div>
<script>
  document.getElementById('f').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = document.getElementById('q').value;
    const r = document.querySelector('select').value;
    setTimeout(() => {
      document.getElementById('results').innerHTML = [1, 2].map((n) => '<div class="hit" data-id="' + r + n + '"><b>' + q + ' ' + r + n + '</b></div>').join('');
    }, 200);
  });
</script></body></html>`;

let fx: ConsoleFixture;
let con: OpenConsole;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!browserPath) return;
  fx = await makeConsoleFixture({ jobs: false });
  fx.shop.routes.set('/city', html(CITY));
  fx.shop.routes.set('/feed', html(FEED));
  fx.shop.routes.set('/search', html(SEARCH));
  fx.shop.routes.set('/private/admin', html('<html><body><h1>admin</h1></body></html>'));
  fx.shop.routes.set('/robots.txt', html('User-agent: *\nDisallow: /private\n', 200, 'text/plain'));
  con = await openConsole(fx);
  ({ base, browser } = con);
}, 120_000);

afterAll(async () => {
  await (con ? con.close() : fx?.cleanup());
});

async function loginAs(user: RoleUser): Promise<Page> {
  return signIn(browser, base, user);
}

/** Opens the builder on `path` and starts recording steps there; the recorder's page is shown. */
async function startRecording(page: Page, path: string): Promise<void> {
  await page.goto(`${base}/targets/build`);
  await page.getByLabel('Page URL').fill(`${fx.shop.url}${path}`);
  await page.getByRole('button', { name: 'Open page' }).click();
  await page.waitForLoadState('load');
  await page.getByRole('button', { name: 'Record browser steps first' }).click();
  await page.waitForURL(/\/targets\/build\/steps\/[0-9a-f-]{36}$/);
  await expect.poll(() => page.locator('svg.shot a.pick').count()).toBeGreaterThan(5);
}

async function clickAndWait(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: true }).click()]);
}

const essentials = (r: Awaited<ReturnType<typeof tryScrape>>) => r.items.map((i) => ({ key: i.key, name: i.data.name, amount: i.data.amount, from: i.data.from, url: i.data.url }));

describe.skipIf(!browserPath)('recording browser steps in the builder (headless Chromium)', () => {
  it('city pop-up shop: ops choose Shanghai on the picture, pick a price, save; the target reads what a hand-written one reads', async () => {
    const page = await loginAs('ops');
    await startRecording(page, '/city');
    // No product before a city is chosen: only the pop-up's buttons.
    expect(await page.locator('svg.shot a.pick[data-label="div.goods"]').count()).toBe(0);
    await page.locator('svg.shot a.pick[data-label="button.city"]').nth(1).click();
    await page.waitForLoadState('load');
    expect(await page.getByLabel('Selector (CSS)').inputValue()).toBe('button[data-city="sh"]');
    expect(await page.locator('#selector-help').textContent()).toContain('上海');
    expect(await page.locator('#selector-help').textContent()).toContain('finds this element only');
    await clickAndWait(page, 'Click it');
    expect(await page.locator('ol.steps li').allTextContents()).toEqual([expect.stringContaining('- click: button[data-city="sh"]')]);
    // The picture is the page after the step: the Shanghai cards are there.
    expect(await page.locator('svg.shot a.pick[data-label="div.goods"]').count()).toBe(5);

    // A step added by mistake is removed; the page is replayed from its address without it.
    await page.getByLabel('Wait, ms').fill('300');
    await clickAndWait(page, 'Wait');
    expect(await page.locator('ol.steps li').count()).toBe(2);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Remove step 2' }).click()]);
    expect(await page.locator('ol.steps li').count()).toBe(1);
    await clickAndWait(page, 'Replay from the start');
    expect(await page.locator('.note').count()).toBe(0);
    expect(await page.locator('svg.shot a.pick[data-label="div.goods"]').count()).toBe(5);

    // Done: the products are picked on the page after the steps.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Done: pick the products' }).click()]);
    expect(await page.locator('.steps-recorded pre').textContent()).toContain('- click: button[data-city="sh"]');
    await page.locator('svg.shot a.pick[data-label="span.goods-price"]').nth(1).click();
    await page.waitForLoadState('load');
    expect(await page.locator('p.found').textContent()).toContain('5 products like it: .goods');
    const rows = await page.locator('table.preview tbody tr').allTextContents();
    expect(rows).toHaveLength(5);
    expect(rows[0]).toContain('2799'); // 2,599 + Shanghai's 200

    await page.getByLabel('Id (file name)').fill('city-shop');
    await page.getByLabel('Competitor').fill('City');
    await clickAndWait(page, 'Review the file');
    const diff = await page.locator('pre.diff').textContent();
    expect(diff).toContain('+   mode: browser');
    expect(diff).toContain('+     - click: button[data-city="sh"]');
    await clickAndWait(page, 'Save and try');
    expect(await page.locator('body').textContent()).toContain('good (5 items)');
    // Saving ends the live page.
    expect(stepRecorder(fx.ctx).open).toBe(0);

    const file = join(fx.paths.scrapersDir, 'city-shop.yaml');
    const saved = parse(readFileSync(file, 'utf8')) as { fetch: unknown; items: unknown };
    expect(saved.fetch).toEqual({ url: `${fx.shop.url}/city`, mode: 'browser', steps: [{ click: 'button[data-city="sh"]' }] });
    expect(saved.items).toMatchObject({ each: '.goods', key: '@data-sku' });
    fx.ws.writeTarget('city-by-hand.yaml', CITY_BY_HAND(`${fx.shop.url}/city`));
    const rules = loadRules(fx.paths.rulesDir);
    const built = await tryScrape(loadTargetFile(file), fx.paths, rules);
    const byHand = await tryScrape(loadTargetFile(join(fx.paths.scrapersDir, 'city-by-hand.yaml')), fx.paths, rules);
    expect(built.verdict).toBe('good');
    expect(essentials(built)).toEqual(essentials(byHand));
    expect(essentials(built).map((i) => i.amount)).toEqual([2799, 5199, 2099, 6499, 2399]);
  }, 300_000);

  it('infinite-scroll shop: ops record a scroll, pick a price on the longer page, save; all 18 products are read, as by hand', async () => {
    const page = await loginAs('ops');
    await startRecording(page, '/feed');
    expect(await page.locator('svg.shot a.pick[data-label="div.feed-item"]').count()).toBe(6);
    await clickAndWait(page, 'Scroll'); // three times, the form's default
    expect(await page.locator('ol.steps li').allTextContents()).toEqual([expect.stringContaining('- scroll: 3')]);
    expect(await page.locator('svg.shot a.pick[data-label="div.feed-item"]').count()).toBe(18);

    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Done: pick the products' }).click()]);
    await page.locator('svg.shot a.pick[data-label="p.price"]').first().click();
    await page.waitForLoadState('load');
    expect(await page.locator('p.found').textContent()).toContain('18 products like it: .feed-item');
    await page.getByLabel('Id (file name)').fill('feed-shop');
    await page.getByLabel('Competitor').fill('Feed');
    await clickAndWait(page, 'Review the file');
    await clickAndWait(page, 'Save and try');
    expect(await page.locator('body').textContent()).toContain('good (18 items)');

    const file = join(fx.paths.scrapersDir, 'feed-shop.yaml');
    expect((parse(readFileSync(file, 'utf8')) as { fetch: unknown }).fetch).toEqual({ url: `${fx.shop.url}/feed`, mode: 'browser', steps: [{ scroll: 3 }] });
    fx.ws.writeTarget('feed-by-hand.yaml', FEED_BY_HAND(`${fx.shop.url}/feed`));
    const rules = loadRules(fx.paths.rulesDir);
    const built = await tryScrape(loadTargetFile(file), fx.paths, rules);
    const byHand = await tryScrape(loadTargetFile(join(fx.paths.scrapersDir, 'feed-by-hand.yaml')), fx.paths, rules);
    expect(essentials(built)).toHaveLength(18);
    expect(essentials(built)).toEqual(essentials(byHand));
    expect(essentials(built)[0]).toMatchObject({ key: 'F001', amount: 999, from: true });
  }, 300_000);

  it('robots.txt holds in the recorder: a page it disallows is neither opened nor followed by a click', async () => {
    const page = await loginAs('ops');
    await page.goto(`${base}/targets/build`);
    const res = await page.request.post(`${base}/targets/build/steps`, { form: { _csrf: await csrfOf(page), url: `${fx.shop.url}/private/admin` } });
    expect(res.status()).toBe(502);
    expect(await res.text()).toContain('robots.txt of 127.0.0.1');
    const adminHits = () => fx.shop.hits.filter((h) => h.path.startsWith('/private')).length;
    expect(adminHits()).toBe(0);
    // The builder's own picture of such a page is refused the same way (saying why, not an internal error).
    const shown = await page.goto(`${base}/targets/build?url=${encodeURIComponent(`${fx.shop.url}/private/admin`)}`);
    expect(shown?.status()).toBe(502);
    expect(await page.locator('body').textContent()).toContain('robots.txt of 127.0.0.1');
    expect(adminHits()).toBe(0);

    await startRecording(page, '/city');
    const pickAdminLink = async () => {
      await page.locator('svg.shot a.pick[data-label="a"]').first().click();
      await page.waitForLoadState('load');
      expect(await page.getByLabel('Selector (CSS)').inputValue()).toBe('#admin-link');
    };
    // Under the city pop-up the link cannot be clicked (nor could a run click it): said, and no step kept.
    await pickAdminLink();
    await clickAndWait(page, 'Click it');
    expect(await page.locator('.note').first().textContent()).toContain('something else on the page is over it');
    expect(await page.locator('ol.steps li').count()).toBe(0);
    await page.locator('svg.shot a.pick[data-label="button.city"]').first().click();
    await page.waitForLoadState('load');
    await clickAndWait(page, 'Click it');
    await pickAdminLink();
    await clickAndWait(page, 'Click it');
    expect(await page.locator('.note').first().textContent()).toContain('disallows /private/admin');
    expect(await page.locator('ol.steps li').count()).toBe(1);
    expect(adminHits()).toBe(0);
    // Leaving the recorder for another part of the console ends its live page at once.
    expect(stepRecorder(fx.ctx).open).toBe(1);
    await page.getByRole('link', { name: 'Targets', exact: true }).first().click();
    await page.waitForURL(/\/targets$/);
    await expect.poll(() => stepRecorder(fx.ctx).open, { timeout: 15_000 }).toBe(0);
  }, 300_000);

  it('ops and admins only, with the CSRF token, and each live page only for the person who opened it', async () => {
    const ops = await loginAs('ops');
    // Straight to the recorder (the form's POST), without the builder's first picture.
    const started = await ops.request.post(`${base}/targets/build/steps`, { form: { _csrf: await csrfOf(ops), url: `${fx.shop.url}/city` }, maxRedirects: 0 });
    expect(started.status()).toBe(303);
    const id = /steps\/([0-9a-f-]{36})$/.exec(started.headers().location!)![1]!;
    await ops.goto(`${base}/targets/build/steps/${id}`);
    const hr = await loginAs('hr');
    expect((await hr.goto(`${base}/targets/build/steps/${id}`))?.status()).toBe(403);
    const hrPost = await hr.request.post(`${base}/targets/build/steps`, { form: { _csrf: await csrfOf(hr), url: `${fx.shop.url}/city` } });
    expect(hrPost.status()).toBe(403);
    // Without the token nothing is done, even by ops.
    const noToken = await ops.request.post(`${base}/targets/build/steps/${id}`, { form: { do: 'click', selector: 'button[data-city="sh"]' } });
    expect(noToken.status()).toBe(403);
    // Another ops-level user cannot drive ops's page.
    const admin = await loginAs('admin');
    expect((await admin.goto(`${base}/targets/build/steps/${id}`))?.status()).toBe(404);
    const steal = await admin.request.post(`${base}/targets/build/steps/${id}`, { form: { _csrf: await csrfOf(admin), do: 'click', selector: 'button[data-city="sh"]' } });
    expect(steal.status()).toBe(404);
    await ops.reload();
    expect(await ops.locator('ol.steps li').count()).toBe(0);
    // Stopping ends the live page.
    await clickAndWait(ops, 'Stop recording');
    expect(new URL(ops.url()).pathname).toBe('/targets/build');
    expect(stepRecorder(fx.ctx).open).toBe(0);
    expect(existsSync(join(fx.paths.scrapersDir, 'sneaky.yaml'))).toBe(false);
  }, 180_000);
});

describe.skipIf(!browserPath)('the step recorder on a live page', () => {
  it('chooses an option and types a search as a run would; a step on nothing is refused; a replay from the address gets the same page', async () => {
    const rec = new StepRecorder();
    try {
      const url = `${fx.shop.url}/search`;
      const s = await rec.start('ops', url, scratchTarget(url));
      const picked = (css: string) => stepElement(s.capture!.html, pathOf(s.capture!.html, css))!;
      const region = picked('select');
      expect(region).toMatchObject({ selector: 'select[name="region"]', kind: 'select' });
      expect(region.options.map((o) => o.text)).toEqual(['全部', '上海', '北京']);
      expect(await rec.perform(s.id, { select: region.selector, value: '上海' })).toBeNull();
      const box = picked('#q');
      expect(box).toMatchObject({ selector: '#q', kind: 'input' });
      expect(await rec.perform(s.id, { fill: box.selector, value: '空调', submit: true })).toBeNull();
      await expect.poll(async () => (await rec.capture(s.id)).html).toContain('空调 sh1');
      expect(await rec.perform(s.id, { click: '#nothing-here' })).toContain('nothing visible matches it');
      expect(s.steps).toEqual([{ select: 'select[name="region"]', value: '上海' }, { fill: '#q', value: '空调', submit: true }]);
      expect(await rec.replay(s.id)).toEqual([]);
      await expect.poll(async () => (await rec.capture(s.id)).html).toContain('空调 sh2');
    } finally {
      await rec.close();
    }
  }, 120_000);
});

describe.skipIf(!browserPath)('builder sessions do not leak browsers', () => {
  it('one browser for every session; a session left alone is closed, and the browser after the last one', async () => {
    const url = `${fx.shop.url}/city`;
    // Who gives way to whom: no session may end on its own while four start on a busy machine.
    const rec = new StepRecorder({ idleMs: 600_000, browserIdleMs: 500, maxSessions: 2 });
    try {
      const a = await rec.start('ops', url, scratchTarget(url));
      const b = await rec.start('admin', url, scratchTarget(url));
      // A third person: the least recently used session gives way.
      await rec.start('ops2', url, scratchTarget(url));
      expect(rec.launches).toBe(1);
      expect(rec.open).toBe(2);
      expect(rec.get(a.id, 'ops')).toBeNull();
      // The same person's next session replaces their first.
      const b2 = await rec.start('admin', url, scratchTarget(url));
      expect(rec.get(b.id, 'admin')).toBeNull();
      expect(rec.get(b2.id, 'admin')).not.toBeNull();
      expect(rec.launches).toBe(1);
    } finally {
      await rec.close();
    }
    // Left alone, sessions end after idleMs and the browser browserIdleMs after the last one: a
    // recorder of its own with a short idle, so the test does not wait out the long one above.
    const idle = new StepRecorder({ idleMs: 1_000, browserIdleMs: 500 });
    try {
      await idle.start('ops', url, scratchTarget(url));
      await idle.start('admin', url, scratchTarget(url));
      await expect.poll(() => idle.open, { timeout: 60_000, interval: 200 }).toBe(0);
      await expect.poll(() => idle.browserRunning, { timeout: 15_000, interval: 200 }).toBe(false);
    } finally {
      await idle.close();
    }
  }, 120_000);
});

async function csrfOf(page: Page): Promise<string> {
  await page.goto(`${base}/targets/build`);
  return (await page.locator('input[name=_csrf]').first().getAttribute('value').catch(() => null)) ?? (await page.locator('meta[name=csrf]').getAttribute('content')) ?? '';
}
