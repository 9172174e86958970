/**
 * Screenshots of the console for the README, taken on the demo state:
 *   npm start && npx radar serve --demo --port 8091 &   then   npx tsx scripts/console-screenshots.ts [http://127.0.0.1:8091]
 * Writes docs/console/*.png (desktop 1280 wide, and one phone-sized page).
 */
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { findBrowser } from '../src/fetch/browser.js';
import { DEMO_LOGINS } from '../src/demo/users.js';
import { builderShots } from './builder-screenshots.js';

const base = process.argv[2] ?? 'http://127.0.0.1:8091';
const out = join(import.meta.dirname, '..', 'docs', 'console');
const found = findBrowser();
if (!('path' in found)) throw new Error(found.missing);
const browser = await chromium.launch({ executablePath: found.path, headless: true });

async function as(user: string, opts: { locale?: string; phone?: boolean } = {}): Promise<Page> {
  const login = DEMO_LOGINS.find((l) => l.user === user)!;
  const context = await browser.newContext({ locale: opts.locale ?? 'zh-CN', viewport: opts.phone ? { width: 390, height: 844 } : { width: 1280, height: 860 }, deviceScaleFactor: opts.phone ? 2 : 1, isMobile: !!opts.phone });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.locator('#user').fill(login.user);
  await page.locator('#password').fill(login.password);
  await page.locator('#password').press('Enter');
  await page.waitForLoadState('load');
  return page;
}

const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: join(out, `${name}.png`), fullPage });

const ops = await as('ops');
await shot(ops, 'targets');
await ops.goto(`${base}/targets/new`);
await ops.locator('#id').fill('bolt-east');
await ops.locator('#competitor').fill('宝拓');
await ops.locator('#url').fill(`${process.env.RADAR_DEMO_URL ?? 'http://127.0.0.1:8765'}/bolt/list.html`);
await ops.locator('#each').fill('tr.goods-row');
await ops.locator('#key').fill('@id');
await ops.locator('#name').fill('td.name');
await ops.locator('#price').fill('td.price');
await ops.locator('#link').fill('td.name a@href');
await ops.getByRole('button', { name: '试运行' }).click();
await ops.waitForLoadState('load');
await shot(ops, 'new-target-try', true);
// The click-to-build walkthrough (docs/console/build-*.png).
await builderShots(browser, base, out);
await ops.goto(`${base}/targets/acme-prices?item=AC-KFR35-N8`);
await shot(ops, 'target', true);
await ops.goto(`${base}/compare`);
await shot(ops, 'compare', true);
await ops.goto(`${base}/alerts`);
await shot(ops, 'alerts');

const hr = await as('hr');
await shot(hr, 'hr-review');
await hr.locator('table tbody tr a').first().click();
await hr.waitForLoadState('load');
await shot(hr, 'hr-alert', true);

const manager = await as('manager');
await shot(manager, 'team', true);

const admin = await as('admin', { locale: 'en-US' });
await shot(admin, 'admin');

const phone = await as('east-head', { phone: true });
await phone.goto(`${base}/compare`);
await shot(phone, 'phone-compare');

await browser.close();
console.log(`screenshots in ${out}`);
