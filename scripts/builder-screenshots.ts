/**
 * The README's "Build a target by clicking" walkthrough, one picture per step, on the demo:
 *   npm start && npx radar serve --demo --port 8091 &   then   npx tsx scripts/builder-screenshots.ts [http://127.0.0.1:8091]
 * (scripts/console-screenshots.ts runs it too). Writes docs/console/build-*.png. The target it
 * saves is deleted again through the API, so the demo's scrapers/ stays as it was.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findBrowser } from '../src/fetch/browser.js';
import { DEMO_LOGINS } from '../src/demo/users.js';

export async function builderShots(browser: Browser, base: string, out: string): Promise<void> {
  const shop = process.env.RADAR_DEMO_URL ?? 'http://127.0.0.1:8765';
  const login = DEMO_LOGINS.find((l) => l.user === 'ops')!;
  const page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 860 } })).newPage();
  await page.goto(`${base}/login`);
  await page.locator('#user').fill(login.user);
  await page.locator('#password').fill(login.password);
  await page.locator('#password').press('Enter');
  await page.waitForLoadState('load');
  const shot = (name: string, p: Page | ReturnType<Page['locator']> = page) => p.screenshot({ path: join(out, `${name}.png`) });

  // 1. New target: the listing's URL, opened in the browser a run uses.
  await page.goto(`${base}/targets/build`);
  await page.locator('#build-url').fill(`${shop}/acme/list?page=1`);
  await page.getByRole('button', { name: '打开页面' }).click();
  await page.waitForLoadState('load');
  await shot('build-1-open');
  // 2. One click on a price: every product outlined and previewed.
  await page.locator('svg.shot a.pick[data-label="span.price"]').nth(1).click();
  await page.waitForLoadState('load');
  await page.screenshot({ path: join(out, 'build-target.png'), fullPage: true });
  // 3. A click on 下一页: page 2 read, every selector counted on both pages.
  await page.locator('svg.shot a.pick[data-label="a.next"]').click();
  await page.waitForLoadState('load');
  await shot('build-3-pages', page.locator('section.build-pages'));
  // 4. Review the file it will write.
  await page.locator('#id').fill('acme-built');
  await page.locator('#competitor').fill('Acme');
  await page.getByRole('button', { name: '查看文件' }).click();
  await page.waitForLoadState('load');
  await page.locator('pre.diff').scrollIntoViewIfNeeded();
  await shot('build-4-review');
  // 5. Save and try: the target's page with what a run would store.
  await page.getByRole('button', { name: '保存并试抓' }).click();
  await page.waitForLoadState('load');
  await page.locator('section.try').scrollIntoViewIfNeeded();
  await shot('build-5-saved');

  const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
  const got = await page.request.get(`${base}/api/targets/acme-built`);
  const del = await page.request.delete(`${base}/api/targets/acme-built`, { headers: { 'if-match': got.headers().etag ?? '', 'x-csrf-token': csrf } });
  if (del.status() !== 204) throw new Error(`could not delete the walkthrough's target: HTTP ${del.status()}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const found = findBrowser();
  if (!('path' in found)) throw new Error(found.missing);
  const browser = await chromium.launch({ executablePath: found.path, headless: true });
  const out = join(import.meta.dirname, '..', 'docs', 'console');
  await builderShots(browser, process.argv[2] ?? 'http://127.0.0.1:8091', out);
  await browser.close();
  console.log(`builder screenshots in ${out}`);
}
