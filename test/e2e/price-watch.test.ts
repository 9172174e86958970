import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { html, startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

interface P {
  sku: string;
  name: string;
  price: string;
}

function listPage(items: P[], next?: string): string {
  return `<html><body><ul>${items
    .map((p) => `<li class="product" data-sku="${p.sku}"><a href="/p/${p.sku}"><span class="title">${p.name}</span></a><span class="price">${p.price}</span></li>`)
    .join('')}</ul>${next ? `<a class="next" href="${next}">下一页</a>` : ''}</body></html>`;
}

describe('price watch end to end: fixture site → radar run twice → digests', () => {
  let site: FixtureServer;
  let ws: Workspace;
  let east: P[][];
  let south: P[];
  let north: P[];
  const data = (): [P[][], P[], P[]] => [[
    [
      { sku: 'E1', name: 'Acme 空调 KFR-35GW', price: '¥2,599起' },
      { sku: 'E2', name: 'Acme 空调 KFR-26GW', price: '¥2,199.00' },
    ],
    [
      { sku: 'E3', name: 'Acme 除湿机', price: '¥1,299' },
      { sku: 'E4', name: 'Acme 风扇', price: '¥199' },
    ],
  ], [
    { sku: 'S1', name: 'Bolt 柜机 KFR-72LW', price: '7,299元' },
    { sku: 'S2', name: 'Bolt 移动空调', price: '1,599元' },
  ], [{ sku: 'N1', name: 'Nord 空调', price: '¥3,000' }]];

  beforeEach(async () => {
    [east, south, north] = data();
    site = await startServer({
      '/east/list': (_q, res, url) => {
        const page = Number(url.searchParams.get('page'));
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(listPage(east[page - 1] ?? []));
      },
      '/south/list': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(listPage(south.slice(0, 1), '/south/list2'));
      },
      '/south/list2': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(listPage(south.slice(1)));
      },
      '/north/list': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(listPage(north));
      },
    });
    ws = makeWorkspace();
    const target = (id: string, region: string, fetch: string) => `
id: ${id}
kind: price
competitor: ${id.split('-')[0]}
region: ${region}
fetch:
${fetch}
  min_interval_ms: 0
items:
  each: ".product"
  key: "@data-sku"
  fields:
    name: ".title"
    price: ".price"
    url: "a@href"
`;
    ws.writeTarget('acme.yaml', target('acme-prices', 'east', `  url: ${site.url}/east/list?page={page}\n  pages: 1..2`));
    ws.writeTarget('bolt.yaml', target('bolt-prices', 'south', `  url: ${site.url}/south/list\n  next: "a.next@href"`));
    ws.writeTarget('nord.yaml', target('nord-prices', 'north', `  url: ${site.url}/north/list`));
    // Ops hear about the first failure here (the default waits for 3 in a row).
    ws.writeRule('price.yaml', 'alert_when: { change_percent: 3, change_abs: 10 }\nnotify_ops_after_failures: 1\n');
  });

  afterEach(async () => {
    await site.close();
    ws.cleanup();
  });

  it('sends exactly one digest per owner with the changed items and Δ%, and nothing for unchanged targets', async () => {
    const first = await ws.radar('run');
    expect(first.code).toBe(0);
    expect(await ws.emails()).toHaveLength(0); // the first run only sets the baseline

    east[0]![0]!.price = '¥2,299起'; // -11.5 %
    east[1]![0]!.price = '¥1,290'; // -0.7 %: below the threshold
    south[1]!.price = '1,699元'; // +6.3 %, on the second page reached through "next"
    const second = await ws.radar('run');
    expect(second.code).toBe(0);

    const mails = await ws.emails();
    const to = mails.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.text).sort();
    expect(to).toEqual(['east-head@example.com', 'south-head@example.com']);

    const eastMail = mails.find((m) => m.subject?.includes('华东'))!;
    expect(eastMail.subject).toBe('[华东] 1 个竞品降价，最大 -12%：acme 空调 KFR-35GW');
    expect(eastMail.text).toContain('Acme 空调 KFR-35GW');
    expect(eastMail.text).toContain('¥2,599 -> ¥2,299 (-12%)');
    expect(eastMail.text).not.toContain('除湿机');
    expect(eastMail.html).toContain(`${site.url}/p/E1`);

    const southMail = mails.find((m) => m.subject?.includes('South China'))!;
    expect(southMail.subject).toContain('Competitor price rise +6.3%');
    expect(southMail.text).toContain('¥1,599 -> ¥1,699 (+6.3%)');

    // The run log and the price history saw both runs.
    const hist = await ws.radar('history', 'acme-prices', '--item', 'E1', '--json');
    const h = JSON.parse(hist.stdout) as { history: { amount: number }[] };
    expect(h.history.map((p) => p.amount)).toEqual([2599, 2299]);

    // A third run with nothing changed sends nothing new.
    const third = await ws.radar('run');
    expect(third.code).toBe(0);
    expect(await ws.emails()).toHaveLength(2);
  });

  it('alerts on slow drift once it adds up against the last alerted price', async () => {
    await ws.radar('run');
    for (const price of ['¥2,550', '¥2,500', '¥2,450']) {
      east[0]![0]!.price = price; // -1.9 %, -3.8 % cumulative, then -1.9 % from the alerted 2,500
      await ws.radar('run', '--target', 'acme-prices');
    }
    const mails = await ws.emails();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('¥2,599 -> ¥2,500 (-3.8%)');
  });

  it('a failed run (HTTP 500, or a selector that matches nothing) leaves the snapshot byte-identical and sends no price alert', async () => {
    await ws.radar('run');
    const snapFile = join(ws.state, 'targets', 'acme-prices.snapshot.json');
    const before = readFileSync(snapFile);

    site.routes.set('/east/list', html('<h1>Internal error</h1>', 500));
    const r500 = await ws.radar('run', '--target', 'acme-prices');
    expect(r500.code).toBe(1);
    expect(r500.stdout).toContain('http_500');
    expect(readFileSync(snapFile).equals(before)).toBe(true);

    site.routes.set('/east/list', html('<html><body><div class="new-grid"><div class="card">¥1</div></div></body></html>'));
    const rEmpty = await ws.radar('run', '--target', 'acme-prices');
    expect(rEmpty.code).toBe(1);
    expect(rEmpty.stdout).toContain('layout_changed');
    expect(readFileSync(snapFile).equals(before)).toBe(true);

    const mails = await ws.emails();
    expect(mails.every((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.text === 'sales-ops@example.com')).toBe(true);
    expect(mails.some((m) => m.text?.includes('http_500'))).toBe(true);
  });
});
