import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

type Mail = Awaited<ReturnType<Workspace['emails']>>[number];
const to = (m: Mail) => (Array.isArray(m.to) ? m.to[0] : m.to)!.text;

describe('the daily 比价 table goes to each region owner even when nothing crossed a threshold', () => {
  let site: FixtureServer;
  let ws: Workspace;
  const prices = { acme: 2399, bolt: 2599 };
  let boltDown = false;
  let seen = new Set<string>();
  const fresh = async (): Promise<Mail[]> => {
    const all = await ws.emails();
    const out = all.filter((m) => !seen.has(m.file));
    seen = new Set(all.map((m) => m.file));
    return out;
  };

  beforeAll(async () => {
    const page = (sku: string, name: string, price: number) =>
      `<html><body><div class="product" data-sku="${sku}"><a href="/p/${sku}" class="title">${name}</a><span class="price">¥${price.toLocaleString('en')}</span></div></body></html>`;
    site = await startServer({
      '/acme': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page('A1', 'Acme 空调 KFR-35GW/A1 1.5匹', prices.acme));
      },
      // A starting price: shown under the product, never a column or a comparison.
      '/cool': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page('C1', 'Cool 空调 KFR-35GW/C1', 0).replace('¥0', '¥1,999起'));
      },
      '/bolt': (_q, res) => {
        res.writeHead(boltDown ? 503 : 200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(boltDown ? 'down for maintenance' : page('B1', '宝拓 空调 KFR-35GW/B1', prices.bolt));
      },
    });
    ws = makeWorkspace();
    // Today in Shanghai, so "weekly" can be set to another day.
    const today = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', weekday: 'short' }).format(new Date())) + 1;
    ws.writeRule('owners.yaml', 'regions:\n  east: { name: 华东, owners: [east-head@example.com, east-deputy@example.com, east-weekly@example.com] }\nops: [sales-ops@example.com]\n');
    ws.writeRule(
      'compare.yaml',
      `undercut_percent: { default: 5 }\ntable:\n  send: daily\n  weekday: ${(today % 7) + 1}\n  stale_after_hours: 0.0005\n  owners:\n    east-deputy@example.com: alerts\n    east-weekly@example.com: weekly\n`,
    );
    ws.writeRule('matches.yaml', 'matches:\n  - { our_sku: R-1, competitor: Acme, key: A1 }\n  - { our_sku: R-1, competitor: 宝拓, key: B1 }\n  - { our_sku: R-1, competitor: Cool, key: C1 }\n');
    ws.writeRule('price.yaml', 'notify_ops_after_failures: 5\n');
    mkdirSync(join(ws.home, 'data'));
    writeFileSync(join(ws.home, 'data', 'pricelist.csv'), '商品编码,商品名称,型号,品牌,品类,指导价\nR-1,Radar 空调 KFR-35GW/R1 1.5匹,KFR-35GW/R1,Radar,空调,2499\n');
    const target = (id: string, competitor: string, path: string) =>
      `id: ${id}\ncompetitor: ${competitor}\nregion: east\nfetch: { url: "${site.url}${path}", min_interval_ms: 0, retries: 0 }\nitems: { each: ".product", key: "@data-sku", fields: { name: ".title", price: ".price", url: "a@href" } }\n`;
    ws.writeTarget('acme.yaml', target('acme-prices', 'Acme', '/acme'));
    ws.writeTarget('bolt.yaml', target('bolt-prices', '宝拓', '/bolt'));
    ws.writeTarget('cool.yaml', target('cool-prices', 'Cool', '/cool'));
  }, 30_000);
  afterAll(async () => {
    await site?.close();
    ws?.cleanup();
  });

  it('a first run with no news: the daily owner gets the table; "only on alerts" and weekly owners do not', async () => {
    expect((await ws.radar('run')).code).toBe(0);
    const mails = await fresh();
    expect(mails.map(to)).toEqual(['east-head@example.com']);
    const m = mails[0]!;
    expect(m.subject).toBe('[华东] 比价表：1 个商品对比 2 家竞品，0 个比市场贵');
    expect(m.text).toMatch(/华东 \d{1,2}月\d{1,2}日：1 个商品，2 家竞品/);
    expect(m.text).toContain('* Radar 空调 KFR-35GW/R1 1.5匹 (R-1): 我方价 ¥2,499, 价格指数 100.0, 低价排名 2/3');
    expect(m.text).toContain('Acme: ¥2,399, 较我方 -4.0%');
    expect(m.text).toContain('宝拓: ¥2,599, 较我方 +4.0%');
    expect(m.text).not.toContain('旧价');
    expect(m.text).toContain('  ~ Cool ¥1,999（起价）：不参与比价');
    expect(m.text).not.toContain('Cool: ');
    expect(m.html).toContain('Cool ¥1,999（起价）：不参与比价');
  });

  it('the same prices again: no second table', async () => {
    expect((await ws.radar('run')).code).toBe(0);
    expect(await fresh()).toEqual([]);
  });

  it('a shop that cannot be read: its last good price is shown, marked old with the time it was read', async () => {
    await new Promise((r) => setTimeout(r, 2500)); // past stale_after_hours (1.8 s)
    boltDown = true;
    expect((await ws.radar('run')).code).toBe(1);
    const mails = await fresh();
    const table = mails.find((m) => to(m) === 'east-head@example.com')!;
    expect(table.text).toMatch(/宝拓: ¥2,599, 较我方 \+4\.0% {2}\[旧价： \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d\]/);
    expect(table.text).toMatch(/Acme: ¥2,399, 较我方 -4\.0%\n/);
    expect(table.text).toContain('标“旧价”的 1 个价格来自 0.0005 小时以前的读取');
    expect(table.html).toContain('旧价：');
    boltDown = false;
  });

  it('an undercut: "only on alerts" owners now get the table, along with the alert', async () => {
    prices.acme = 2199; // -12 % against our 2,499
    expect((await ws.radar('run')).code).toBe(0);
    const mails = await fresh();
    expect(mails.map(to).sort()).toEqual(['east-deputy@example.com', 'east-head@example.com', 'east-weekly@example.com']);
    const deputy = mails.find((m) => to(m) === 'east-deputy@example.com')!;
    expect(deputy.subject).toMatch(/^\[华东\] Acme 比我们的 KFR-35GW\/R1 便宜 12%/);
    expect(deputy.text).toContain('== 比价 (1) ==');
    expect(deputy.text).toMatch(/== 比价表 \(\d\) ==/);
    expect(deputy.text).toContain('Acme: ¥2,199, 较我方 -12% ↓');
    // The table says it the same way as the alert above it.
    expect(String(deputy.text).slice(String(deputy.text).indexOf('== 比价表'))).toContain('Acme: ¥2,199, 较我方 -12% ↓');
    // The weekly owner (table on another weekday) got the undercut alert and no table.
    const weekly = mails.find((m) => to(m) === 'east-weekly@example.com')!;
    expect(weekly.text).toContain('== 比价 (1) ==');
    expect(weekly.text).not.toContain('比价表');
  });
});
