import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_PAGES } from '../helpers/block-pages.js';
import { defaultProducts, startFaultServer, type Fault, type FaultServer, type Product } from '../helpers/fault-server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';
import { readSnapshot } from '../../src/store/snapshot.js';

/**
 * One shop (24 products on 3 pages) that misbehaves in every way we know, one fault after the
 * other, each for two runs and then recovering, against one long-lived target: the way a real
 * target lives. After all of it, the regional head must have received nothing at all; then the
 * shop really changes prices, and exactly those changes must alert.
 */

interface RunJson {
  exitCode: number;
  targets: { id: string; verdict: string; failure: { class: string; message: string } | null; items: number; alerts: string[] }[];
}

interface StoredAlert {
  id: string;
  topic: string;
  audience: { kind: string };
  payload: Record<string, unknown>;
}

interface FaultCase {
  name: string;
  fault: Fault;
  /** The verdict class both runs must end in, or 'good' for faults the agent reads through. */
  cls: string;
  detail?: RegExp;
  blockPage?: string;
}

const BLOCKED_200: FaultCase[] = Object.keys(BLOCK_PAGES).map((k) => ({ name: `${k} block page, status 200`, fault: 'block_200', blockPage: k, cls: 'blocked', detail: BLOCK_PAGES[k]!.vendor }));

const FAULTS: FaultCase[] = [
  { name: 'HTTP 500', fault: 'http_500', cls: 'http_500' },
  { name: 'HTTP 503 with Retry-After', fault: 'http_503_retry_after', cls: 'http_503' },
  { name: 'HTTP 429', fault: 'http_429', cls: 'http_429' },
  { name: 'HTTP 404', fault: 'http_404', cls: 'http_404' },
  { name: 'connection reset', fault: 'reset', cls: 'network' },
  { name: 'no answer in time', fault: 'slow', cls: 'timeout' },
  { name: 'connection closed half way', fault: 'truncated', cls: 'network', detail: /after \d+ bytes/ },
  { name: 'endless body', fault: 'huge_body', cls: 'too_large' },
  { name: 'redirect loop', fault: 'redirect_loop', cls: 'redirect_loop' },
  { name: 'sent to a login page', fault: 'login_redirect', cls: 'login_wall' },
  { name: 'Cloudflare challenge (403)', fault: 'captcha', cls: 'blocked', detail: /Cloudflare/ },
  { name: 'Chinese slider captcha (200)', fault: 'captcha_cn', cls: 'blocked' },
  ...BLOCKED_200,
  { name: 'redesign: selectors match nothing', fault: 'layout_changed', cls: 'layout_changed', detail: /matched nothing; repeated elements here: div\.card ×8/ },
  { name: 'half the items', fault: 'half_items', cls: 'layout_changed', detail: /found 12 items, the last good run found 24/ },
  { name: 'prices moved to another element', fault: 'prices_missing', cls: 'layout_changed', detail: /lack a required field/ },
  { name: 'prices hidden behind a login', fault: 'prices_unreadable', cls: 'parse_error', detail: /21 of 24 prices could not be read/ },
  { name: 'text garbled beyond any charset', fault: 'garbled', cls: 'parse_error', detail: /garbled|could not be decoded/ },
  { name: 'HTML cut off mid-document, status 200', fault: 'cut_mid_document', cls: 'truncated', detail: /page 2 of 3 stops mid-document/ },
  { name: 'one page far shorter on items than its siblings', fault: 'short_page', cls: 'truncated', detail: /page 2 of 3 lists 3 items where another lists 8/ },
  { name: 'last page a bare fragment, much smaller than usual', fault: 'small_page', cls: 'truncated', detail: /page 3 of 3 is .* KB, the last good run's was/ },
  { name: 'pagination ignores ?page=', fault: 'ignores_page', cls: 'pagination', detail: /page 2 repeats page 1 \(8 of its 8 items/ },
  { name: 'page 3 repeats page 2 (stale cache)', fault: 'repeats_page', cls: 'pagination', detail: /page 3 repeats page 2/ },
  { name: 'GBK bytes behind "charset=utf-8"', fault: 'wrong_charset', cls: 'good' },
  { name: 'UTF-8 bytes behind "charset=GBK" in header and <meta>', fault: 'utf8_declared_gbk', cls: 'good' },
];

describe('fault site: every fault for two runs, then recovery; no false alert, snapshots untouched, exactly the planted changes', () => {
  let site: FaultServer;
  let ws: Workspace;
  const snapshotFile = () => join(ws.state, 'targets', 'shop.snapshot.json');
  // S4 shows a starting price, S6 is out of stock: both exact matches of our SKUs, never compared.
  const products: Product[] = defaultProducts(24).map((p) => ({ ...p, stock: p.sku === 'S6' ? '缺货' : '有货', ...(p.sku === 'S4' ? { price: `${p.price}起` } : {}) }));
  // Our price list: exact models for S1, S2, S4, S6 (KFR-20/21/23/25GW), and KFR-22GW/R1, of which S3's
  // KFR-22GW is only the standard code (a series match: suggested to ops, never compared).
  const PRICE_LIST = [
    '商品编码,商品名称,型号,品牌,品类,指导价,华东价',
    'R-20,Radar 空调 KFR-20GW/R 1.5匹,KFR-20GW,Radar,空调,2100,2100',
    'R-21,Radar 空调 KFR-21GW/R 1.5匹,KFR-21GW,Radar,空调,2150,2150',
    'R-22,Radar 空调 KFR-22GW/R1 1.5匹,KFR-22GW/R1,Radar,空调,3000,3000',
    'R-23,Radar 空调 KFR-23GW/R 1.5匹,KFR-23GW,Radar,空调,3000,3000',
    'R-25,Radar 空调 KFR-25GW/R 1.5匹,KFR-25GW,Radar,空调,3000,3000',
  ].join('\n');

  const run = async (): Promise<RunJson> => JSON.parse((await ws.radar('run', '--json')).stdout) as RunJson;
  const outbox = (): StoredAlert[] => {
    const file = join(ws.state, 'outbox.json');
    return existsSync(file) ? Object.values((JSON.parse(readFileSync(file, 'utf8')) as { alerts: Record<string, StoredAlert> }).alerts) : [];
  };
  /** What regional heads get: everything addressed to a region (but the daily 比价 table, which is no news: checked apart). */
  const regionAlerts = () => outbox().filter((a) => a.audience.kind === 'region' && a.topic !== 'pricetable').map((a) => a.id);
  /** Every competitor price a 比价 table showed, compared or not. */
  const tablePrices = () =>
    outbox()
      .filter((a) => a.topic === 'pricetable')
      .flatMap((a) => (a.payload.rows as { cells: { amount: number }[]; notCompared: { amount: number }[] }[]).flatMap((r) => [...r.cells, ...r.notCompared].map((c) => c.amount)));
  const itemData = () => new Map([...readSnapshot(ws.state, 'shop')!.items].map(([k, v]) => [k, v.data]));

  beforeAll(async () => {
    site = await startFaultServer();
    site.products = products;
    site.perPage = 8;
    site.slowMs = 3000;
    ws = makeWorkspace();
    mkdirSync(join(ws.home, 'data'));
    writeFileSync(join(ws.home, 'data', 'pricelist.csv'), PRICE_LIST);
    ws.writeRule('compare.yaml', 'undercut_percent: { default: 5 }\n');
    // Ops hear of a failure streak at its second run, so each two-run fault shows up for them once.
    ws.writeRule('price.yaml', 'alert_when: { change_percent: 3, change_abs: 0 }\nnotify_ops_after_failures: 2\n');
    ws.writeTarget(
      'shop.yaml',
      `id: shop
kind: price
competitor: Shop
region: east
fetch:
  url: ${site.url}/list?page={page}
  pages: 1..3
  min_interval_ms: 0
  timeout_ms: 1500
  # The pages are a few KB: the endless body passes this cap after a few chunks, long before
  # timeout_ms, also on a loaded machine (at 5 MB it could time out first and read as a timeout).
  max_bytes: 200000
  retries: 0
items:
  each: ".product"
  key: "@data-sku"
  fields:
    name: ".title"
    price: ".price"
    url: "a@href"
    stock: ".stock"
`,
    );
    const first = await run();
    expect(first.targets[0]).toMatchObject({ verdict: 'good', items: 24 });
    // Nothing for the region on a first run; the series match went to ops as a suggestion.
    expect(regionAlerts()).toEqual([]);
    expect(outbox().filter((a) => a.topic === 'suggestion').map((a) => `${a.payload.sku}:${a.payload.key}:${a.payload.method}`)).toContain('R-22:S3:series');
  });

  afterAll(async () => {
    await site.close();
    ws.cleanup();
  });

  it(`has at least 20 fault kinds (${FAULTS.length}, ${BLOCKED_200.length} of them block pages)`, () => {
    expect(new Set(FAULTS.map((f) => f.name)).size).toBe(FAULTS.length);
    expect(FAULTS.length).toBeGreaterThanOrEqual(20);
  });

  for (const c of FAULTS) {
    it(`${c.name} → ${c.cls} twice, then recovers; nothing for the regional head`, async () => {
      const before = readFileSync(snapshotFile());
      const dataBefore = itemData();
      const opsBefore = outbox().filter((a) => a.audience.kind === 'ops').length;
      site.fault = c.fault;
      if (c.blockPage) site.blockPage = c.blockPage;
      for (let i = 0; i < 2; i++) {
        const r = await run();
        const t = r.targets[0]!;
        if (c.cls === 'good') {
          expect(t.verdict).toBe('good');
          expect(itemData()).toEqual(dataBefore);
        } else {
          expect(t.verdict).toBe('failed');
          expect(t.failure!.class).toBe(c.cls);
          if (c.detail) expect(t.failure!.message).toMatch(c.detail);
          expect(readFileSync(snapshotFile()).equals(before)).toBe(true);
        }
        expect(t.alerts.filter((id) => !id.startsWith('scraper:'))).toEqual([]);
      }
      site.fault = 'ok';
      const back = await run();
      expect(back.targets[0]).toMatchObject({ verdict: 'good', items: 24 });
      expect(itemData()).toEqual(dataBefore);
      expect(regionAlerts()).toEqual([]);
      // Sales ops heard of the streak once (at its second run) and of the recovery once.
      if (c.cls !== 'good') expect(outbox().filter((a) => a.audience.kind === 'ops').length - opsBefore).toBe(2);
    });
  }

  it('a one-run glitch showing prices in fen (×100) is held back, shown to sales ops, then forgotten', async () => {
    const dataBefore = itemData();
    site.fault = 'unit_glitch';
    const glitch = await run();
    expect(glitch.targets[0]!.verdict).toBe('good');
    expect(glitch.targets[0]!.alerts.filter((id) => !id.startsWith('suspect:'))).toEqual([]);
    expect(glitch.targets[0]!.alerts).toHaveLength(24);
    expect(itemData()).toEqual(dataBefore); // the snapshot kept the prices before the move
    const notice = outbox().find((a) => a.id === 'suspect:shop:S1:2000->200000')!;
    expect(notice.audience).toEqual({ kind: 'ops' });
    expect(notice.payload.reason).toBe('×100, which looks like a unit change');
    const held = (await ws.emails()).filter((m) => m.text?.includes('暂缓通知的价格变动'));
    expect(held.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.text)).toEqual(['sales-ops@example.com']);
    expect(held[0]!.text).toContain('? shop (Shop) | 空调 KFR-20GW 型号1: ¥2,000 -> ¥200,000 (+9900%)\n  ×100, which looks like a unit change');
    site.fault = 'ok';
    expect((await run()).targets[0]!.alerts).toEqual([]);
    expect(readSnapshot(ws.state, 'shop')!.kindState.suspect).toBeUndefined();
    expect(regionAlerts()).toEqual([]);
  });

  it('a one-run sell-out blip alerts nothing (out of stock waits for a second run)', async () => {
    site.products = products.map((p) => (p.sku === 'S7' ? { ...p, stock: '暂时缺货' } : p));
    expect((await run()).targets[0]!.alerts).toEqual([]);
    site.products = products;
    expect((await run()).targets[0]!.alerts).toEqual([]);
    expect(regionAlerts()).toEqual([]);
  });

  it('the daily 比价 table went out, and showed only prices the shop really had, through every fault', async () => {
    const real = new Set(products.map((p) => Number(p.price.replace(/[^\d]/g, ''))));
    const shown = tablePrices();
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.filter((amount) => !real.has(amount))).toEqual([]);
  });

  it('then the shop really changes: exactly the planted changes alert', async () => {
    expect(regionAlerts()).toEqual([]);
    const price = (sku: string) => Number(products.find((p) => p.sku === sku)!.price.replace(/[^\d]/g, ''));
    const setPrice = (list: Product[], sku: string, amount: number) => list.map((p) => (p.sku === sku ? { ...p, price: `￥${amount.toLocaleString('en-US')}` } : p));
    const s2 = price('S2');
    const s10 = price('S10');
    const s20 = price('S20');
    let changed = setPrice(products, 'S2', Math.round(s2 * 0.9));
    changed = setPrice(changed, 'S10', Math.round(s10 * 1.15));
    changed = setPrice(changed, 'S20', Math.round(s20 * 0.8));
    changed = changed.filter((p) => p.sku !== 'S5');
    changed = [...changed, { sku: 'S25', name: '空调 KFR-72LW 柜机 新品', price: '￥6,999' }];
    site.products = changed;
    const first = await run();
    expect(first.targets[0]!.verdict).toBe('good');
    const second = await run(); // S5 missing a second time: removed
    expect(second.targets[0]!.verdict).toBe('good');
    const got = regionAlerts().filter((id) => id.startsWith('price:')).sort();
    expect(got).toHaveLength(5);
    // S2 now undercuts our R-21 (1890 against 2150, -12.1 %): the one comparison alert. S3 is 27 % below our
    // R-22, S4's starting price and S6 (out of stock) far below theirs: none of them counts.
    expect(regionAlerts().filter((id) => id.startsWith('compare:'))).toEqual([`compare:undercut:east:R-21:shop:S2:${Math.round(s2 * 0.9)}@2150`]);
    // S8 sells out for good (two runs), then comes back; S12 is cleared at -85 %: held once, alerted when seen again.
    const s12 = price('S12');
    site.products = changed.map((p) => (p.sku === 'S8' ? { ...p, stock: '缺货' } : p.sku === 'S12' ? { ...p, price: `￥${Math.round(s12 * 0.15).toLocaleString('en-US')}` } : p));
    const out1 = await run();
    expect(out1.targets[0]!.alerts).toEqual([`suspect:shop:S12:${s12}->${Math.round(s12 * 0.15)}`]);
    const out2 = await run();
    expect(out2.targets[0]!.alerts.sort()).toEqual([expect.stringMatching(new RegExp(`^price:shop:S12:${s12}->${Math.round(s12 * 0.15)}@`)), expect.stringMatching(/^stock:shop:S8:out_of_stock@/)].sort());
    site.products = site.products.map((p) => (p.sku === 'S8' ? { ...p, stock: '有货' } : p));
    const back = await run();
    expect(back.targets[0]!.alerts).toEqual([expect.stringMatching(/^stock:shop:S8:back_in_stock@/)]);
    const stockMails = (await ws.emails()).filter((m) => m.text?.includes('== 竞品库存'));
    expect(stockMails.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.text)).toEqual(['east-head@example.com', 'east-head@example.com']);
    const stockText = stockMails.map((m) => m.text).join('\n');
    expect(stockText).toContain('已缺货:\n- Shop | 空调 KFR-27GW 型号8: ¥2,700');
    expect(stockText).toContain('已到货:\n+ Shop | 空调 KFR-27GW 型号8: ¥2,700');
    expect(regionAlerts()).toHaveLength(9);
    expect(got).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^price:shop:S2:${s2}->${Math.round(s2 * 0.9)}@`)),
        expect.stringMatching(new RegExp(`^price:shop:S10:${s10}->${Math.round(s10 * 1.15)}@`)),
        expect.stringMatching(new RegExp(`^price:shop:S20:${s20}->${Math.round(s20 * 0.8)}@`)),
        expect.stringMatching(/^price:shop:S25:added@/),
        expect.stringMatching(/^price:shop:S5:removed@/),
      ]),
    );
  });
});

describe('a new target whose selectors miss, and a shop that really shrank', () => {
  let site: FaultServer;
  let ws: Workspace;
  const target = (fields: string, each = '.product') => `id: shop
kind: price
competitor: Shop
region: east
fetch:
  url: ${site.url}/list?page={page}
  pages: 1..3
  min_interval_ms: 0
  retries: 0
items:
  each: "${each}"
  key: "@data-sku"
  fields:
${fields}`;
  const run = async () => JSON.parse((await ws.radar('run', '--json')).stdout) as RunJson;

  beforeAll(async () => {
    site = await startFaultServer();
    site.products = defaultProducts(24);
    site.perPage = 8;
  });
  afterAll(async () => {
    await site.close();
  });

  it('a brand-new target whose price selector matches nothing says which selector and what is there instead', async () => {
    ws = makeWorkspace();
    try {
      ws.writeTarget('shop.yaml', target('    name: ".title"\n    price: ".price-now"\n'));
      const r = await run();
      expect(r.targets[0]!.failure).toMatchObject({ class: 'no_match' });
      expect(r.targets[0]!.failure!.message).toBe(
        'a new target: fields.price ".price-now" matched nothing in 8 of 8 ".product" items; inside the first one: span.price "￥2,000", a[href="/p/S1"], span.title "空调 KFR-20GW 型号1"',
      );
      // `radar try` says the same before anything is stored.
      const t = await ws.radar('try', 'shop');
      expect(t.stdout).toContain('no_match: a new target: fields.price ".price-now" matched nothing');
      expect(existsSync(join(ws.state, 'targets', 'shop.snapshot.json'))).toBe(false);
    } finally {
      ws.cleanup();
    }
  });

  it('a brand-new target whose items selector matches nothing names the repeated elements the page has', async () => {
    ws = makeWorkspace();
    try {
      ws.writeTarget('shop.yaml', target('    name: ".title"\n    price: ".price"\n', '.goods-item'));
      const r = await run();
      expect(r.targets[0]!.failure!.class).toBe('empty');
      expect(r.targets[0]!.failure!.message).toMatch(/^"\.goods-item" matched nothing; repeated elements here: li\.product ×8 \("空调 KFR-20GW 型号1 ￥2,000"\)/);
    } finally {
      ws.cleanup();
    }
  });

  it('a genuine, lasting shrink fails until `radar accept`, which takes it as the new normal and says so in the run log', async () => {
    ws = makeWorkspace();
    try {
      ws.writeTarget('shop.yaml', target('    name: ".title"\n    price: ".price"\n'));
      expect((await run()).targets[0]).toMatchObject({ verdict: 'good', items: 24 });
      site.products = defaultProducts(24).slice(0, 8); // the shop now sells 8 products: one page
      for (let i = 0; i < 2; i++) {
        const r = await run();
        expect(r.targets[0]!.failure!.class).toBe('layout_changed');
        expect(r.targets[0]!.failure!.message).toBe('found 8 items, the last good run found 24; if the shop really shrank, run: radar accept shop');
      }
      const accepted = await ws.radar('accept', 'shop', '--note', 'outlet range closed');
      expect(accepted.code).toBe(0);
      expect(accepted.stdout).toContain('✓ shop: accepted 8 items as the new normal (the last good run had 24); recorded in the run log');
      const log = JSON.parse(readFileSync(join(ws.state, 'targets', 'shop.runs.json'), 'utf8')) as { runs: { verdict: string; accepted?: unknown }[] };
      expect(log.runs.at(-1)).toMatchObject({ verdict: 'good', accepted: { previousCount: 24, note: 'outlet range closed' } });
      expect(readSnapshot(ws.state, 'shop')!.lastGoodCount).toBe(8);
      expect((await run()).targets[0]).toMatchObject({ verdict: 'good', items: 8 });
    } finally {
      ws.cleanup();
      site.products = defaultProducts(24);
    }
  });

  it('accept waives only the count: a page cut off mid-document still fails and nothing changes', async () => {
    ws = makeWorkspace();
    try {
      ws.writeTarget('shop.yaml', target('    name: ".title"\n    price: ".price"\n'));
      await run();
      const before = readFileSync(join(ws.state, 'targets', 'shop.snapshot.json'));
      site.fault = 'cut_mid_document';
      const r = await ws.radar('accept', 'shop');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/✗ shop: not accepted, the run failed for another reason: truncated: page 2 of 3 stops mid-document/);
      expect(readFileSync(join(ws.state, 'targets', 'shop.snapshot.json')).equals(before)).toBe(true);
    } finally {
      site.fault = 'ok';
      ws.cleanup();
    }
  });
});
