/**
 * The monthly scorecard in the console, in headless Chromium, per role: a salesperson sees their
 * own breakdown, gap and radar chart and nobody else's; a manager sees their team's people and not
 * another team's; HR and admins are refused; HR data (an attrition alert about the same person,
 * in the same outbox) never appears. The exports: test/helpers/scorecard-exports.ts; hand-worked
 * numbers: test/sales/scorecard.test.ts (February 2026: 张三 88.9 green, 1 of 4; 李四 55.6 yellow, 2 of 4, 4.4 points to green, last month 90.6;
 * team A = 张三 + 李四 under a-mgr@example.com, team B = 王五 + 赵六, 华东二组).
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../../src/fetch/browser.js';
import { runScorecard } from '../../src/sales/scorecard/job.js';
import { localPrincipal } from '../../src/service/access.js';
import type { ServiceContext } from '../../src/service/context.js';
import { localOwner } from '../../src/service/owner.js';
import { createUser } from '../../src/service/users.js';
import { resolvePaths } from '../../src/config/load.js';
import { Outbox } from '../../src/store/outbox.js';
import { SCORECARD_NOW, writeScorecardExports } from '../helpers/scorecard-exports.js';
import { openConsole, type OpenConsole } from '../helpers/console-fixture.js';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';

const found = findBrowser();
const browserPath = 'path' in found ? found.path : null;

/** What HR alone may read about 张三: it must never show on a scorecard page or in its API. */
const HR_SECRET = 'HR-ONLY 离职风险 driver 9f3c';

const PASS = 'a-long-password-1';
const USERS = {
  zhangsan: { role: 'sales', email: 's1@example.com' },
  lisi: { role: 'sales', email: 's2@example.com' },
  amgr: { role: 'manager', email: 'a-mgr@example.com' },
  bmgr: { role: 'manager', teams: ['华东二组'] },
  hr: { role: 'hr' },
  admin: { role: 'admin' },
} as const;
type User = keyof typeof USERS;

let ws: Workspace;
let con: OpenConsole;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!browserPath) return;
  ws = makeWorkspace();
  const dir = writeScorecardExports(ws);
  const paths = resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox, templatesDir: join(REPO, 'templates') });
  const r = await runScorecard({ rulesDir: paths.rulesDir, stateDir: paths.stateDir, now: new Date(SCORECARD_NOW), samplesDir: dir });
  const outbox = new Outbox(paths.stateDir);
  outbox.record(r.alerts, new Date());
  outbox.record([{ id: 'attrition:p10001:2026-W11', topic: 'attrition', audience: { kind: 'hr' }, createdAt: '2026-03-16T01:00:00Z', payload: { personId: 'p10001', name: '张三', employeeId: '10001', score: 91, drivers: [HR_SECRET], week: '2026-W11' } }], new Date());
  const ctx: ServiceContext = { paths, now: () => new Date(), runner: localOwner(paths), outbox: localOwner(paths) };
  for (const [name, u] of Object.entries(USERS)) await createUser(ctx, localPrincipal('test'), { name, password: PASS, ...u, teams: 'teams' in u ? [...u.teams] : [] });
  con = await openConsole({ ctx, cleanup: async () => ws.cleanup() });
  ({ base, browser } = con);
}, 180_000);

afterAll(async () => {
  await (con ? con.close() : ws?.cleanup());
});

async function loginAs(user: User, locale = 'en-US'): Promise<Page> {
  const page = await (await browser.newContext({ locale })).newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel(/User name|用户名/).fill(user);
  await page.getByLabel(/Password|密码/).fill(PASS);
  await page.getByRole('button', { name: /Log in|登录/ }).click();
  await page.waitForLoadState('load');
  return page;
}

const rows = async (page: Page, selector: string) => page.locator(`${selector} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th,td')].map((c) => (c.textContent ?? '').trim())));

describe.skipIf(!browserPath)('the monthly scorecard in the console', () => {
  it('shows a salesperson their own breakdown, gap and radar chart on login, and nothing of anyone else', async () => {
    const page = await loginAs('zhangsan');
    expect(new URL(page.url()).pathname).toBe('/scorecard');
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Scorecard']);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Monthly scorecard · 张三 · 2026-02');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Score: 88.9');
    expect(main).toContain('Rank: 1 of 4 (客户经理)');
    expect(main).toContain('last month 9.4 (+79.5)');
    expect(await page.locator('#sc-gap').textContent()).toBe('green (≥ 60)');
    expect(await rows(page, '#sc-dims')).toEqual([
      ['Collections', '40%', '100k', '70k', '100.0 green', '+30k'],
      ['Gross margin', '25%', '30k', '15k', '100.0 green', '+15k'],
      ['New customers', '15%', '1', '1.5', '33.3 red', '−0.5'],
      ['Satisfaction', '10%', '5.00 / 5', '4.00 / 5', '100.0 green', '+1.00'],
      ['Follow-up compliance', '10%', '–', '–', '–', '–'],
    ]);
    // The radar chart is drawn in the page: one label per dimension with its percentile.
    const chart = page.locator('figure.radar svg');
    expect(await chart.locator('text').allTextContents()).toEqual(expect.arrayContaining(['Collections 100', 'Gross margin 100', 'New customers 33', 'Satisfaction 100', 'Follow-up compliance']));
    expect(await chart.locator('polygon').count()).toBe(5);
    expect(main).toContain('radar scorecard explain 10001 --month 2026-02');
    for (const other of ['李四', '王五', '赵六', HR_SECRET]) expect(main).not.toContain(other);
    await page.context().close();
  });

  it("refuses a salesperson someone else's card (404, as if it did not exist), HR's pages and the team view", async () => {
    const page = await loginAs('zhangsan');
    for (const [path, status] of [['/scorecard/10002', 404], ['/api/scorecards/10002', 404], ['/scorecard/10003?month=2026-02', 404], ['/hr', 403], ['/team', 403], ['/alerts', 403]] as const) {
      const res = await page.goto(`${base}${path}`);
      expect(res!.status(), path).toBe(status);
      const text = await res!.text();
      for (const other of ['李四', '王五', '55.6', HR_SECRET]) expect(text, path).not.toContain(other);
    }
    const api = await page.goto(`${base}/api/scorecards`);
    const list = (await api!.json()) as { month: string; people: { employeeId: string }[] };
    expect(list.people.map((p) => p.employeeId)).toEqual(['10001']);
    await page.context().close();
  });

  it('shows 李四 in Chinese how far they are from green and where they trail their peers', async () => {
    const page = await loginAs('lisi', 'zh-CN');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('月度绩效 · 李四 · 2026-02');
    expect(await page.locator('#sc-gap').textContent()).toBe('距绿色（≥ 60）还差 4.4 分');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('同组中位数 52.8');
    expect(main).toContain('上月 90.6（−35.0）');
    expect((await rows(page, '#sc-dims'))[1]).toEqual(['毛利贡献', '25%', '1.0 万', '1.5 万', '33.3 红', '−0.5 万']);
    expect(main).toContain('价值销售与报价策略');
    await page.context().close();
  });

  it("shows a manager their team's people and opens each card, but not another team's", async () => {
    const page = await loginAs('amgr');
    await page.goto(`${base}/scorecard`);
    expect(await rows(page, 'table')).toEqual([
      ['张三', '华东一组', '88.9 green', '1 / 4'],
      ['李四', '华东一组', '55.6 yellow', '2 / 4'],
    ]);
    await page.getByRole('link', { name: '李四' }).click();
    await page.waitForLoadState('load');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Monthly scorecard · 李四 · 2026-02');
    expect(await page.locator('#sc-gap').textContent()).toBe('4.4 points to green (≥ 60)');
    expect(await page.locator('figure.radar svg').count()).toBe(1);
    for (const path of ['/scorecard/10003', '/scorecard/10004', '/api/scorecards/10003']) expect((await page.goto(`${base}${path}`))!.status(), path).toBe(404);
    await page.context().close();

    const b = await loginAs('bmgr');
    await b.goto(`${base}/scorecard`);
    expect((await rows(b, 'table')).map((r) => r[0])).toEqual(['王五', '赵六']);
    expect((await b.goto(`${base}/scorecard/10001`))!.status()).toBe(404);
    await b.context().close();
  });

  it('refuses HR and admins: a scorecard is for the person and their manager only', async () => {
    for (const user of ['hr', 'admin'] as const) {
      const page = await loginAs(user);
      for (const path of ['/scorecard', '/scorecard/10001', '/api/scorecards']) {
        const res = await page.goto(`${base}${path}`);
        expect(res!.status(), `${user} ${path}`).toBe(403);
        expect(await res!.text()).not.toContain('88.9');
      }
      expect(await page.getByRole('navigation').getByRole('link').allTextContents()).not.toContain('Scorecard');
      await page.context().close();
    }
  });
});
