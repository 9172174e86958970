import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { findBrowser } from '../../src/fetch/browser.js';
import { makeConsoleFixture, MARKUP_NAME, PASSWORDS, openConsole, type ConsoleFixture, type OpenConsole, type RoleUser } from '../helpers/console-fixture.js';

const found = findBrowser();
const browserPath = 'path' in found ? found.path : null;
if (!browserPath) console.log(`console browser tests skipped: ${'missing' in found ? found.missing : 'no browser'}`);

let fx: ConsoleFixture;
let con: OpenConsole;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!browserPath) return;
  fx = await makeConsoleFixture();
  con = await openConsole(fx);
  ({ base, browser } = con);
}, 120_000);

afterAll(async () => {
  await (con ? con.close() : fx?.cleanup());
});

/** Logged-in browser state per role, so each test logs in through the form once per role at most. */
const states = new Map<string, Awaited<ReturnType<import('playwright-core').BrowserContext['storageState']>>>();

async function loginAs(user: RoleUser, opts: { locale?: string } = {}): Promise<Page> {
  const key = `${user}|${opts.locale ?? 'en-US'}`;
  const saved = states.get(key);
  const context = await browser.newContext({ locale: opts.locale ?? 'en-US', acceptDownloads: true, ...(saved ? { storageState: saved } : {}) });
  const page = await context.newPage();
  if (saved) {
    await page.goto(`${base}/`);
    return page;
  }
  await page.goto(`${base}/login`);
  await page.getByLabel(/User name|用户名/).fill(user);
  await page.getByLabel(/Password|密码/).fill(PASSWORDS[user]);
  await page.getByRole('button', { name: /Log in|登录/ }).click();
  await page.waitForLoadState('load');
  states.set(key, await context.storageState());
  return page;
}

const navLinks = async (page: Page) => page.getByRole('navigation').getByRole('link').allTextContents();

describe.skipIf(!browserPath)('console in headless Chromium', () => {
  it('each role lands on its own page and sees only its own menu', async () => {
    const expected: Record<RoleUser, { path: string; nav: string[] }> = {
      admin: { path: '/targets', nav: ['Targets', 'Price index', 'Alerts', 'Delivery', 'Admin'] },
      ops: { path: '/targets', nav: ['Targets', 'Price index', 'Alerts', 'Delivery'] },
      hr: { path: '/hr', nav: ['HR review'] },
      head: { path: '/targets', nav: ['Targets', 'Price index', 'Alerts'] },
      manager: { path: '/team', nav: ['Alerts', 'My teams', 'Scorecard'] },
    };
    for (const [user, want] of Object.entries(expected) as [RoleUser, { path: string; nav: string[] }][]) {
      const page = await loginAs(user);
      expect(new URL(page.url()).pathname, user).toBe(want.path);
      expect(await navLinks(page), user).toEqual(want.nav);
      // The server refuses pages outside the role, whatever the menu shows.
      for (const path of ['/hr', '/team', '/admin']) {
        const res = await page.goto(`${base}${path}`);
        const allowed = { '/hr': ['hr'], '/team': ['manager'], '/admin': ['admin'] }[path]!;
        expect(res!.status(), `${user} ${path}`).toBe(allowed.includes(user) ? 200 : 403);
      }
      await page.context().close();
    }
  });

  it('a wrong password shows an error next to the fields; a page asked for before login opens after it', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${base}/compare?region=east`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('User name').fill('ops');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong user name or password');
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Password').fill(PASSWORDS.ops);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/compare\?region=east$/);
    await context.close();
  });

  it('ops adds a target through the form: Try shows the items, Save writes the YAML, Run now stores a good run', async () => {
    const page = await loginAs('ops');
    await page.getByRole('link', { name: 'New target' }).click();
    await page.getByLabel('Id (file name)').fill('form-shop');
    await page.getByLabel('Competitor').fill('Form Mart');
    await page.getByLabel('Region').selectOption('east');
    await page.getByLabel('Page URL').fill(`${fx.shop.url}/east`);
    await page.getByLabel('Each product (CSS)').fill('.product');
    await page.getByLabel('Stable id (CSS)').fill('@data-sku');
    await page.getByLabel('Name (CSS)').fill('.title');
    await page.getByLabel('Price (CSS)').fill('.price');
    await page.getByRole('button', { name: 'Try' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('good (3 items)');
    const tryTable = page.locator('section.try table');
    expect(await tryTable.locator('tbody tr').count()).toBe(3);
    // A scraped name with markup is shown as text, never run as HTML.
    expect(await tryTable.textContent()).toContain(MARKUP_NAME);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await tryTable.locator('img').count()).toBe(0);
    await page.getByRole('button', { name: 'Save target' }).click();
    await page.waitForURL(/\/targets\/form-shop\?ok=created$/);
    expect(readFileSync(join(fx.ws.home, 'scrapers', 'form-shop.yaml'), 'utf8')).toContain('competitor: Form Mart');
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/\/targets\/form-shop\?ok=ran$/);
    expect(await page.locator('#last-run').textContent()).toMatch(/Latest run: good, 3 items/);
    expect(await page.locator('#runs-h + .scroll tbody tr').count()).toBe(1);
    const items = page.locator('table.items');
    expect(await items.textContent()).toContain(MARKUP_NAME);
    expect(await items.locator('img, b').count()).toBe(0);
    await page.context().close();
  });

  it('a form error points at its field; a stale edit is refused and shows the version on disk', async () => {
    const page = await loginAs('ops');
    await page.goto(`${base}/targets/new`);
    await page.getByLabel('Id (file name)').fill('bad-shop');
    await page.getByLabel('Competitor').fill('Bad');
    await page.getByLabel('Page URL').fill(`${fx.shop.url}/east`);
    await page.getByLabel('Schedule (cron)').fill('every day at 9');
    await page.getByRole('button', { name: 'Save target' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/schedule: "every day at 9" is not a cron/);
    expect(await page.getByLabel('Schedule (cron)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Schedule (cron)').getAttribute('aria-describedby')).toContain('form-error');

    const other = await loginAs('admin');
    await page.goto(`${base}/targets/south-shop/edit`);
    await other.goto(`${base}/targets/south-shop/edit`);
    const yaml = await other.getByLabel('Target file (YAML)').inputValue();
    await other.getByLabel('Target file (YAML)').fill(yaml.replace('competitor: south', 'competitor: South Admin'));
    await other.getByRole('button', { name: 'Save' }).click();
    await other.waitForURL(/ok=saved/);
    const mine = await page.getByLabel('Target file (YAML)').inputValue();
    await page.getByLabel('Target file (YAML)').fill(mine.replace('competitor: south', 'competitor: South Ops'));
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/changed by someone else/);
    expect(await page.locator('pre.code').textContent()).toContain('competitor: South Admin');
    expect(readFileSync(join(fx.ws.home, 'scrapers', 'south-shop.yaml'), 'utf8')).toContain('competitor: South Admin');
    await page.context().close();
    await other.context().close();
  });

  it('HR reviews an attrition alert: drivers in words, acknowledge with a note, and the view is in the audit', async () => {
    const page = await loginAs('hr');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('HR review');
    const first = page.locator('table tbody tr').first().getByRole('link');
    const name = (await first.textContent())!.trim();
    await first.click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(name);
    expect(await page.locator('h2:has-text("Main drivers") + ul li').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Mark reviewed' }).click();
    // The note is required: the browser keeps the form until it is filled.
    expect(new URL(page.url()).search).toBe('');
    await page.getByLabel('What was done (required)').fill('talked 1:1; workload; follow up in 4 weeks');
    await page.getByRole('button', { name: 'Mark reviewed' }).click();
    await page.waitForURL(/ok=acked/);
    expect(await page.locator('main').textContent()).toContain('Reviewed by hr');
    const audit = await page.locator('h2:has-text("Who saw what") + .scroll').textContent();
    expect(audit).toContain('viewed');
    expect(audit).toContain('ack');
    await page.context().close();
    // Nobody else reaches it, and the HR name is nowhere in their console.
    for (const user of ['ops', 'admin', 'manager', 'head'] as const) {
      const p = await loginAs(user);
      const res = await p.goto(`${base}/hr`);
      expect(res!.status()).toBe(403);
      for (const path of ['/alerts', '/delivery', '/admin/audit']) {
        const r = await p.goto(`${base}${path}`);
        if (r!.status() === 200) expect(await p.content(), `${user} ${path}`).not.toContain(name);
      }
      await p.context().close();
    }
  });

  it('a regional head exports the 比价 table of their region; ops acknowledge and mute from the alert list', async () => {
    const page = await loginAs('head');
    await page.getByRole('link', { name: 'Price index' }).click();
    const rows = page.locator('table.compare tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await page.locator('table.compare').textContent()).not.toContain('south');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('region,sku,name');
    expect(csv).toContain('east,R-1');
    expect(csv).not.toContain('south');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download Excel' }).click()]);
    expect(xlsx.suggestedFilename()).toMatch(/^price-index-all-.*\.xlsx$/);
    await page.context().close();

    const ops = await loginAs('ops');
    await ops.goto(`${base}/alerts?topic=price`);
    const row = ops.locator('tbody tr', { hasText: '格力 KFR-35GW' }).first();
    await row.getByLabel('Note').fill('matching promo');
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await ops.waitForURL(/ok=acked/);
    expect(await ops.locator('tbody tr', { hasText: '格力 KFR-35GW' }).first().textContent()).toContain('acknowledged by ops');
    const again = ops.locator('tbody tr', { hasText: '格力 KFR-35GW' }).first();
    await again.getByLabel('days').selectOption('30');
    await again.getByRole('button', { name: 'Mute' }).click();
    await ops.waitForURL(/ok=muted/);
    expect(await ops.locator('h2:has-text("Mutes in force") + ul').textContent()).toContain('east-shop / E1');
    await ops.context().close();
  });

  it('a manager sees their team heat map and coaching prompts, never attrition', async () => {
    const page = await loginAs('manager', { locale: 'zh-CN' });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('我的团队');
    expect(await page.locator('table.heat').count()).toBe(1);
    expect(await page.locator('main').textContent()).toContain('华东一组');
    expect(await page.locator('main').textContent()).not.toContain('华东二组');
    expect(await page.content()).not.toMatch(/attrition|离职/);
    await page.context().close();
  });

  it('keyboard only: skip link first, log in and reach a menu entry with Tab and Enter', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    // The user name field has focus on arrival.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('user');
    await page.keyboard.type('ops');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORDS.ops);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/targets$/);
    // First Tab: the skip link, which moves focus to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.reload();
    let reached = false;
    for (let i = 0; i < 15 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate(() => document.activeElement?.textContent)) === 'Price index';
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/compare$/);
    await context.close();
  });

  it('on a phone: every field has a label and nothing is wider than the screen but the tables\' own scroll boxes', async () => {
    const saved = states.get('ops|en-US');
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, ...(saved ? { storageState: saved } : {}) });
    const page = await context.newPage();
    for (const path of ['/targets', '/targets/new', '/alerts', '/compare', '/targets/east-shop', '/delivery']) {
      const res = await page.goto(`${base}${path}`);
      expect(res!.status(), path).toBe(200);
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter((el) => {
          const id = el.id;
          return !(id && document.querySelector(`label[for="${id}"]`)) && !el.closest('label') && !el.getAttribute('aria-label');
        }).length,
      );
      expect(unlabelled, path).toBe(0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(1);
    }
    await context.close();
  });
});
