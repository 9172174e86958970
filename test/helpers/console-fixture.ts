/**
 * A radar installation with real state for console and API tests: two competitor shops on
 * 127.0.0.1 (one product name carries markup), two runs with a price change in between (real
 * price alerts), the weekly HR and health jobs on the sample exports (real attrition, team and
 * coaching alerts), and one user per role.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolvePaths, loadRules, type Paths } from '../../src/config/load.js';
import { runAll } from '../../src/pipeline/run.js';
import { runAttritionJob } from '../../src/signals/job.js';
import { runHealthJob } from '../../src/health/job.js';
import { Outbox } from '../../src/store/outbox.js';
import { deliverOutbox } from '../../src/deliver/deliver.js';
import { localPrincipal } from '../../src/service/access.js';
import { createUser } from '../../src/service/users.js';
import { localOwner } from '../../src/service/owner.js';
import type { ServiceContext } from '../../src/service/context.js';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findBrowser } from '../../src/fetch/browser.js';
import { buildApp, type App } from '../../src/server/app.js';
import { startServer, type FixtureServer } from './server.js';
import { makeWorkspace, REPO, type Workspace } from './workspace.js';

export const MARKUP_NAME = '<img src=x onerror="window.__xss=1">Evil <b>空调</b>';

/** A product name that a spreadsheet would run as a formula. */
export const FORMULA_NAME = '=HYPERLINK("http://evil.example/","Haier 2P")';

export const PASSWORDS = { admin: 'admin-pass-1', ops: 'ops-pass-12', hr: 'hr-pass-123', head: 'head-pass-1', manager: 'mgr-pass-12' } as const;
export type RoleUser = keyof typeof PASSWORDS;

/** A page in a new English browser context, signed in to the console at `base` through its login form. */
export async function signIn(browser: Browser, base: string, user: RoleUser): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel(/User name/).fill(user);
  await page.getByLabel(/Password/).fill(PASSWORDS[user]);
  await page.getByRole('button', { name: /Log in/ }).click();
  await page.waitForLoadState('load');
  return page;
}

/** A console being served: its address, a headless Chromium to visit it, and one close for all. */
export interface OpenConsole {
  base: string;
  browser: Browser;
  /** Closes the browser and the server, then cleans the fixture up. */
  close(): Promise<void>;
}

/**
 * Serves the console on the fixture's state (127.0.0.1, a free port) and launches headless Chromium.
 * If a step fails, what was opened is closed and the fixture cleaned up before the error is thrown,
 * as the tests' afterAll would have done.
 */
export async function openConsole(fx: Pick<ConsoleFixture, 'ctx' | 'cleanup'>): Promise<OpenConsole> {
  const found = findBrowser();
  if (!('path' in found)) {
    await fx.cleanup();
    throw new Error(`openConsole: ${found.missing}`);
  }
  let app: App | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await app?.close();
    await fx.cleanup();
  };
  try {
    app = await buildApp({ ctx: fx.ctx, loginRate: 1000 });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: found.path, headless: true });
    return { base, browser, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export interface ConsoleFixture {
  ws: Workspace;
  paths: Paths;
  shop: FixtureServer;
  ctx: ServiceContext;
  prices: Record<string, number>;
  cleanup(): Promise<void>;
}

function listing(items: { sku: string; name: string; price: number }[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return `<!doctype html><html><head><meta charset="utf-8"><title>shop</title></head><body>${items
    .map((i) => `<div class="product" data-sku="${i.sku}"><a href="/p/${i.sku}"><span class="title">${esc(i.name)}</span></a><span class="price">¥${i.price.toLocaleString('en-US')}</span></div>`)
    .join('')}</body></html>`;
}

export function targetYaml(id: string, region: string, url: string, path: string): string {
  return `id: ${id}\nkind: price\ncompetitor: ${id.split('-')[0]}\nregion: ${region}\nschedule: "0 8 * * *"\nfetch:\n  url: ${url}${path}\n  min_interval_ms: 0\n  retries: 0\nitems:\n  each: ".product"\n  key: "@data-sku"\n  fields:\n    name: ".title"\n    price: ".price"\n    url: "a@href"\n`;
}

export async function makeConsoleFixture(opts: { jobs?: boolean } = {}): Promise<ConsoleFixture> {
  const ws = makeWorkspace();
  for (const f of ['signals.yaml', 'attrition.yaml', 'health.yaml', 'delivery.yaml']) copyFileSync(join(REPO, 'rules', f), join(ws.home, 'rules', f));
  const prices: Record<string, number> = { E1: 2999, E2: 4599, E3: 1999, S1: 3999, S2: 5299 };
  const shop = await startServer({
    '/robots.txt': (_q, res) => void res.end('User-agent: *\nAllow: /\n'),
    '/east': (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(listing([{ sku: 'E1', name: '格力 KFR-35GW 空调', price: prices.E1! }, { sku: 'E2', name: '美的 KFR-50LW 柜机', price: prices.E2! }, { sku: 'E3', name: MARKUP_NAME, price: prices.E3! }]));
    },
    '/south': (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(listing([{ sku: 'S1', name: 'Haier 1.5P inverter', price: prices.S1! }, { sku: 'S2', name: FORMULA_NAME, price: prices.S2! }]));
    },
  });
  // 比价: our price list and confirmed matches, so the index has rows in both regions.
  mkdirSync(join(ws.home, 'data'), { recursive: true });
  writeFileSync(join(ws.home, 'data', 'pricelist.csv'), '商品编码,商品名称,型号,品牌,品类,指导价,华东价,华南价\nR-1,Radar 空调 1.5匹,KFR-35GW/R1,Radar,空调,2799,2799,3599\nR-3,Radar 挂机,KFR-26GW/R3,Radar,空调,1899,1899,-\nR-2,Radar 柜机 2匹,KFR-50LW/R2,Radar,空调,5599,-,5599\n');
  ws.writeRule('compare.yaml', 'price_list:\n  file: data/pricelist.csv\n  currency: CNY\nmatches_file: rules/matches.yaml\nmax_age_days: 3\nundercut_percent:\n  default: 5\n');
  ws.writeRule('matches.yaml', 'matches:\n  - { our_sku: R-1, competitor: east, key: E1 }\n  - { our_sku: R-3, competitor: east, key: E3 }\n  - { our_sku: R-1, competitor: south, key: S1 }\n  - { our_sku: R-2, competitor: south, key: S2 }\n');
  ws.writeTarget('east-shop.yaml', targetYaml('east-shop', 'east', shop.url, '/east'));
  ws.writeTarget('south-shop.yaml', targetYaml('south-shop', 'south', shop.url, '/south'));
  const paths = resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox, templatesDir: join(REPO, 'templates') });

  await runAll({ paths });
  Object.assign(prices, { E1: 2499, E3: 1499, S1: 3299 });
  await runAll({ paths });

  if (opts.jobs !== false) {
    const now = new Date('2026-11-23T01:00:00Z');
    const samplesDir = join(REPO, 'data', 'samples');
    const rules = loadRules(paths.rulesDir);
    const outbox = new Outbox(paths.stateDir);
    const hr = await runAttritionJob({ rulesDir: paths.rulesDir, stateDir: paths.stateDir, now, samplesDir });
    outbox.record(hr.alerts, new Date());
    const health = await runHealthJob({ rulesDir: paths.rulesDir, stateDir: paths.stateDir, now, samplesDir });
    outbox.record(health.alerts, new Date());
    await deliverOutbox(outbox, { rules, paths, now: () => new Date(), window: 'all' });
  }

  const ctx: ServiceContext = { paths, now: () => new Date(), runner: localOwner(paths), outbox: localOwner(paths) };
  const root = localPrincipal('test');
  const known = ['east', 'south', 'north'];
  await createUser(ctx, root, { name: 'admin', role: 'admin', password: PASSWORDS.admin }, { knownRegions: known });
  await createUser(ctx, root, { name: 'ops', role: 'ops', password: PASSWORDS.ops }, { knownRegions: known });
  await createUser(ctx, root, { name: 'hr', role: 'hr', password: PASSWORDS.hr }, { knownRegions: known });
  await createUser(ctx, root, { name: 'head', role: 'head', password: PASSWORDS.head, regions: ['east'] }, { knownRegions: known });
  await createUser(ctx, root, { name: 'manager', role: 'manager', password: PASSWORDS.manager, teams: ['华东一组'], email: null }, { knownRegions: known });
  return {
    ws,
    paths,
    shop,
    ctx,
    prices,
    async cleanup() {
      await shop.close();
      ws.cleanup();
    },
  };
}
