import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

interface P {
  sku: string;
  name: string;
  price: string;
}

const listPage = (items: P[]) =>
  `<html><body><ul>${items.map((p) => `<li class="product" data-sku="${p.sku}"><a href="/p/${p.sku}"><span class="title">${p.name}</span></a><span class="price">${p.price}</span></li>`).join('')}</ul></body></html>`;

const productPage = (price: number) => `<!DOCTYPE html><html><head><meta charset="utf-8"><script type="application/ld+json">${JSON.stringify({
  '@context': 'https://schema.org',
  '@type': 'Product',
  name: 'Cielo 空调 1.5匹 电商款',
  sku: 'CL-1',
  gtin13: '6901234567892',
  brand: { '@type': 'Brand', name: 'Cielo' },
  offers: { '@type': 'Offer', price: String(price), priceCurrency: 'CNY' },
})}</script></head><body></body></html>`;

const PRICE_LIST = [
  '商品编码,商品名称,型号,品牌,品类,指导价,华东价,华南价,条码',
  'R-KFR35,Radar 空调 KFR-35GW/R1 1.5匹,KFR-35GW/R1,Radar,空调,2599,2499,2399,',
  'R-BP,Radar 空调 电商款 1.5匹,KFR-35GW/BP,Radar,空调,2699,2699,-,6901234567892',
  'R-DEH,Radar 除湿机 DH-20R 20升,DH-20R,Radar,除湿机,1199,,,',
  'R-BAD,Radar 空调 坏行,KFR-99GW/R1,Radar,空调,待定,,,',
].join('\n');

describe('price comparison end to end: our price list + two regions → comparison leads the digest', () => {
  let site: FixtureServer;
  let ws: Workspace;
  let east: P[];
  let south: P[];
  let cielo: number;

  beforeEach(async () => {
    east = [
      { sku: 'N8', name: 'Acme 空调 KFR-35GW/N8 1.5匹', price: '¥2,599' },
      { sku: 'X1', name: 'Acme 空调 KFR-35GW/X1 1.5匹 定频', price: '¥2,099' },
      { sku: 'DH', name: 'Acme 除湿机 20升', price: '¥1,299' },
    ];
    south = [{ sku: 'B1', name: '宝拓 变频空调 KFR-35GW/R1 一级能效', price: '2,499元' }];
    cielo = 2799;
    site = await startServer({
      '/east': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(listPage(east));
      },
      '/south': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(listPage(south));
      },
      '/cielo': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(productPage(cielo));
      },
    });
    ws = makeWorkspace();
    const list = (id: string, competitor: string, region: string, path: string) => `
id: ${id}
competitor: ${competitor}
region: ${region}
fetch: { url: "${site.url}${path}", min_interval_ms: 0 }
items:
  each: ".product"
  key: "@data-sku"
  fields: { name: ".title", price: ".price", url: "a@href" }
`;
    ws.writeTarget('acme.yaml', list('acme-prices', 'Acme', 'east', '/east'));
    ws.writeTarget('bolt.yaml', list('bolt-prices', '宝拓', 'south', '/south'));
    ws.writeTarget('cielo.yaml', `id: cielo-p\ncompetitor: Cielo\nregion: east\nfetch: { url: "${site.url}/cielo", min_interval_ms: 0 }\n`);
    mkdirSync(join(ws.home, 'data'));
    writeFileSync(join(ws.home, 'data', 'pricelist.csv'), PRICE_LIST);
    ws.writeRule('compare.yaml', 'undercut_percent: { default: 5, 除湿机: 8 }\nfloors: { R-BP: 2500 }\n');
    ws.writeRule('matches.yaml', 'matches:\n  - { our_sku: R-KFR35, competitor: Acme, key: N8 }\n');
  });

  afterEach(async () => {
    await site.close();
    ws.cleanup();
  });

  it('alerts the right region with the right numbers, leads the digest with the table, and never alerts on a fuzzy match', async () => {
    const first = await ws.radar('run');
    expect(first.code).toBe(0);
    const firstMails = await ws.emails();
    const to = (m: (typeof firstMails)[number]) => (Array.isArray(m.to) ? m.to[0] : m.to)!.text;
    // No undercut yet; sales ops hear about the bad price-list row, with its line, and each
    // region's owners get the day's 比价 table anyway.
    expect(firstMails.map(to).sort()).toEqual(['east-head@example.com', 'sales-ops@example.com', 'south-head@example.com']);
    expect(firstMails.find((m) => to(m) === 'sales-ops@example.com')!.text).toMatch(/pricelist\.csv:5: list_price \(指导价\): "待定" is not a price/);
    expect(firstMails.find((m) => to(m) === 'east-head@example.com')!.subject).toBe('[华东] 比价表：2 个商品对比 2 家竞品，0 个比市场贵');

    east[0]!.price = '¥2,299'; // N8 (explicit match): -8.0 % against our east price 2,499
    east[2]!.price = '¥599'; // the dehumidifier is only a fuzzy suggestion: a price drop, never an undercut alert
    south[0]!.price = '2,199元'; // exact model match: -8.3 % against our south price 2,399
    cielo = 2499; // same GTIN: -7.4 % against 2,699 and below our floor of 2,500
    const second = await ws.radar('run');
    expect(second.code).toBe(0);

    const firstFiles = new Set(firstMails.map((m) => m.file));
    const mails = (await ws.emails()).filter((m) => !firstFiles.has(m.file));
    const eastMail = mails.find((m) => m.subject?.startsWith('[华东]'))!;
    expect(eastMail.subject).toMatch(/^\[华东\] Acme 比我们的 KFR-35GW\/R1 便宜 8%（另 2 条比价提醒）；/);
    const text = eastMail.text!;
    expect(text.indexOf('== 比价 (3) ==')).toBeGreaterThan(0);
    expect(text.indexOf('== 比价')).toBeLessThan(text.indexOf('== 竞品价格'));
    expect(text).toContain('* Radar 空调 KFR-35GW/R1 1.5匹 (R-KFR35): 我方价 ¥2,499, 价格指数 108.7');
    expect(text).toContain('! Acme 比我们便宜 8%（阈值 5%）');
    expect(text).toContain(`Acme: ¥2,299, 较我方 -8.0% ↓  ${site.url}/p/N8`);
    expect(text).toContain('! Cielo 比我们便宜 7.4%（阈值 5%）');
    expect(text).toContain('! Cielo 低于底价 ¥2,500');
    expect(text).not.toMatch(/除湿机.*便宜|R-DEH/);
    expect(eastMail.html).toContain(`href="${site.url}/p/N8"`);
    expect(eastMail.html).toMatch(/<th style="text-align:right;">Acme<\/th><th style="text-align:right;">Cielo<\/th>/);

    const southMail = mails.find((m) => m.subject?.startsWith('[South China]'))!;
    expect(southMail.subject).toMatch(/^\[South China\] 宝拓 undercuts our KFR-35GW\/R1 by 8\.3%;/);
    expect(southMail.text).toContain('* Radar 空调 KFR-35GW/R1 1.5匹 (R-KFR35): Our price ¥2,399, Price index 109.1, #2 cheapest of 2');
    expect(southMail.text).not.toContain('Acme');
    expect(southMail.text).not.toContain('R-BP'); // not sold in south

    // A third run with nothing new: no new comparison alerts, no new emails.
    await ws.radar('run');
    expect(await ws.emails()).toHaveLength(mails.length + firstMails.length);
  });

  it('radar match suggest proposes the fuzzy match with a line for rules/matches.yaml; radar match list shows how each item matched', async () => {
    await ws.radar('run');
    const suggest = await ws.radar('match', 'suggest');
    expect(suggest.code).toBe(0);
    expect(suggest.stdout).toMatch(/0\.\d\d\s+R-DEH\s+Radar 除湿机 DH-20R 20升\s+Acme\s+DH\s+Acme 除湿机 20升/);
    expect(suggest.stdout).toContain('  - { our_sku: R-DEH, competitor: Acme, key: DH }');
    expect(suggest.stdout).toContain('ambiguous'); // R-BP vs Acme's two KFR-35GW
    expect(suggest.stderr).toMatch(/pricelist\.csv:5: list_price/);

    const list = await ws.radar('match', 'list', '--json');
    const j = JSON.parse(list.stdout) as { confirmed: { our_sku: string; key: string; method: string }[]; suggested: { our_sku: string; key: string; method: string }[]; unmatchedSkus: string[] };
    expect(j.confirmed.map((m) => `${m.our_sku}:${m.key}:${m.method}`).sort()).toEqual(['R-BP:CL-1:identifier', 'R-KFR35:B1:model', 'R-KFR35:N8:explicit']);
    expect(j.suggested.filter((m) => m.method === 'series').map((m) => `${m.our_sku}:${m.key}`)).toEqual(expect.arrayContaining(['R-BP:B1']));
    expect(j.suggested.filter((m) => m.method === 'fuzzy').map((m) => `${m.our_sku}:${m.key}`)).toEqual(['R-DEH:DH']);
    expect(j.unmatchedSkus).toEqual(['R-DEH']);

    const index = await ws.radar('match', 'index', '--region', 'east');
    expect(index.stdout).toMatch(/east\s+R-KFR35\s+KFR-35GW\/R1\s+2,499\s+2,599\s+2,599\s+96\.2\s+1\/2\s+Acme 2,599 \+4\.0%/);

    const help = await ws.radar('match', 'suggest', '--help');
    expect(help.code).toBe(0);
  });

  it('thin matches never alert: a starting price, a model-series match and an out-of-stock item are shown or suggested, never compared', async () => {
    // The issue's first run of a new competitor: "东岳 比我们的 KFR-35GW/BP 便宜 52%".
    const dongyue: (P & { stock?: string })[] = [
      { sku: 'DY-BP', name: '东岳 空调 KFR-35GW/DY 1.5匹', price: '¥1,299' }, // series of our KFR-35GW/BP: another model
      { sku: 'DY-R1', name: '东岳 空调 KFR-35GW/R1 1.5匹', price: '¥1,199起' }, // our exact model, but a starting price
      { sku: 'DY-X', name: '东岳 除湿机 DH-20R 20升 清仓', price: '¥599', stock: '暂时缺货' }, // our exact model, out of stock
    ];
    site.routes.set('/dongyue', (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<html><body><ul>${dongyue.map((p) => `<li class="product" data-sku="${p.sku}"><a href="/p/${p.sku}"><span class="title">${p.name}</span></a><span class="price">${p.price}</span>${p.stock ? `<span class="stock">${p.stock}</span>` : ''}</li>`).join('')}</ul></body></html>`);
    });
    ws.writeTarget('dongyue.yaml', `id: dongyue-prices\ncompetitor: 东岳\nregion: east\nfetch: { url: "${site.url}/dongyue", min_interval_ms: 0 }\nitems:\n  each: ".product"\n  key: "@data-sku"\n  fields: { name: ".title", price: ".price", url: "a@href", stock: ".stock" }\n`);
    const r = await ws.radar('run', '--json');
    const out = JSON.parse(r.stdout) as { targets: { id: string; verdict: string }[] };
    expect(out.targets.find((t) => t.id === 'dongyue-prices')!.verdict).toBe('good');
    const box = JSON.parse(readFileSync(join(ws.state, 'outbox.json'), 'utf8')) as { alerts: Record<string, { topic: string; audience: { kind: string }; payload: { rule?: string; competitor?: string; sku?: string; method?: string } }> };
    const all = Object.values(box.alerts);
    expect(all.filter((a) => a.topic === 'comparison' && a.payload.rule !== 'problem' && a.payload.competitor === '东岳')).toEqual([]);
    // The series match reaches the ops digest as a suggestion, once, with the line to confirm it.
    const suggestions = all.filter((a) => a.topic === 'suggestion' && a.payload.competitor === '东岳');
    expect(suggestions.every((a) => a.audience.kind === 'ops')).toBe(true);
    expect(suggestions.map((a) => `${a.payload.sku}:${a.payload.method}`)).toContain('R-BP:series');
    const opsMail = (await ws.emails()).find((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.text === 'sales-ops@example.com' && m.text?.includes('待确认的商品匹配'))!;
    expect(opsMail.text).toContain('  - { our_sku: R-BP, competitor: "东岳", key: DY-BP }   # series');
    // The starting price and the out-of-stock item are in the index, marked, not compared.
    const index = await ws.radar('match', 'index', '--json');
    const rows = (JSON.parse(index.stdout) as { rows: { sku: string; competitors: { competitor: string }[]; notCompared: { competitor: string; amount: number; from: boolean; outOfStock?: boolean }[] }[] }).rows;
    expect(rows.flatMap((row) => row.competitors.map((c) => c.competitor))).not.toContain('东岳');
    expect(rows.flatMap((row) => row.notCompared.map((c) => `${row.sku}:${c.amount}:${c.from ? 'from' : ''}${c.outOfStock ? 'out' : ''}`)).sort()).toEqual(['R-KFR35:1199:from']);
    // An exact match of an item out of stock (the only 东岳 match of R-DEH): matched, marked, no index row to compare in.
    const list = JSON.parse((await ws.radar('match', 'list', '--json')).stdout) as { confirmed: { our_sku: string; key: string; stock: string | null; from: boolean }[] };
    expect(list.confirmed.filter((m) => m.key.startsWith('DY-')).map((m) => `${m.our_sku}:${m.key}:${m.stock}:${m.from}`).sort()).toEqual(['R-DEH:DY-X:out_of_stock:false', 'R-KFR35:DY-R1:null:true']);
    expect(rows.find((row) => row.sku === 'R-DEH')).toBeUndefined();
  });

  it('without a price list, comparison stays off and says how to turn it on', async () => {
    const bare = makeWorkspace();
    try {
      const r = await bare.radar('match', 'list');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('price comparison is not set up: add rules/compare.yaml or data/pricelist.csv');
    } finally {
      bare.cleanup();
    }
  });
});
