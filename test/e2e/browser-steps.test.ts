/**
 * A browser step that cannot be done fails the run, naming the step, in real headless Chromium
 * against a fixture shop on 127.0.0.1: a city pop-up whose button an ad covers, or that is gone.
 * The failed run keeps the snapshot, makes no price alert, tells ops which step; `radar try` says
 * the same in one line. An optional step (a cookie banner) is skipped when it is not there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../../src/fetch/browser.js';
import { readSnapshot } from '../../src/store/snapshot.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

const found = findBrowser();
const browserPath = 'path' in found ? found.path : null;
if (!browserPath) console.log(`browser step tests skipped: ${'missing' in found ? found.missing : 'no browser'}`);

type Mode = 'ok' | 'covered' | 'gone';

/**
 * Beijing's prices until a city is chosen (a pop-up over them asks); `covered`: an ad lies over
 * the pop-up; `gone`: the pop-up has no Shanghai any more. A run that missed the click would read
 * Beijing's prices as the target's: the wrong city, alerts about moves that never happened.
 */
const cityPage = (mode: Mode, prices: number[]) => `<!doctype html><html><head><meta charset="utf-8"><title>城市优选</title>
<style>.mask{position:fixed;inset:0;background:rgba(0,0,0,.5)}.ad{position:fixed;inset:0;z-index:10;background:#fff}.hidden{display:none}</style></head>
<body><div id="list"></div>
<div class="mask" id="city-mask"><div class="city-list">${mode === 'gone' ? '' : '<button class="city" data-city="sh">上海</button>'}<button class="city" data-city="bj">北京</button></div></div>
${mode === 'covered' ? '<div class="ad" id="ad-layer">618 大促</div>' : ''}
<script>
  const prices = ${JSON.stringify(prices)};
  const extra = { bj: 300, sh: 0 };
  const show = (city) => { document.getElementById('list').innerHTML = prices.map((p, i) => '<div class="goods" data-sku="S' + i + '"><b class="n">空调 ' + i + '</b><i class="p">¥' + (p + extra[city]) + '</i></div>').join(''); };
  show('bj');
  for (const b of document.querySelectorAll('button.city')) b.addEventListener('click', () => {
    document.getElementById('city-mask').classList.add('hidden');
    setTimeout(() => show(b.dataset.city), 200);
  });
</script></body></html>`;

describe.skipIf(!browserPath)('a browser step that cannot be done fails the run', () => {
  let site: FixtureServer;
  let ws: Workspace;
  let mode: Mode = 'ok';
  let prices = [1000, 2000, 3000];

  const target = (id: string, steps: string) => `
id: ${id}
kind: price
competitor: City
region: east
fetch:
  url: ${site.url}/city
  mode: browser
  min_interval_ms: 0
  retries: 0
  wait_timeout_ms: 2000
  steps:
${steps}items:
  each: ".goods"
  key: "@data-sku"
  fields: { name: ".n", price: ".p" }
`;
  const run = async (id: string) => {
    const r = await ws.radar('run', '--target', id, '--json');
    return JSON.parse(r.stdout).targets[0] as { verdict: string; items: number; failure: { class: string; message: string } | null; alerts: string[] };
  };
  const outbox = () => {
    const f = join(ws.state, 'outbox.json');
    return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { alerts: Record<string, { topic: string; payload: { message?: string; targetId?: string } }> }).alerts : {};
  };

  beforeAll(async () => {
    site = await startServer({
      '/robots.txt': (_q, res) => void res.end('User-agent: *\nAllow: /\n'),
      '/city': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(cityPage(mode, prices));
      },
    });
    ws = makeWorkspace();
    // Ops hear of a broken scraper at its first failed run.
    ws.writeRule('price.yaml', 'alert_when: { change_percent: 3, change_abs: 0 }\nnotify_ops_after_failures: 1\n');
    ws.writeTarget('city.yaml', target('city', '    - click: "#cookie-ok"\n      optional: true\n    - click: ".city-list [data-city=sh]"\n'));
  });
  afterAll(async () => {
    await site?.close();
    ws?.cleanup();
  });

  it('a good run first: the optional cookie-banner step is skipped, the city is chosen, the items read', async () => {
    const r = await run('city');
    expect(r.failure).toBeNull();
    expect(r).toMatchObject({ verdict: 'good', items: 3 });
    // Shanghai's prices, not the Beijing ones shown before the choice.
    expect([...readSnapshot(ws.state, 'city')!.items.values()].map((i) => i.data.amount).sort()).toEqual([1000, 2000, 3000]);
  }, 60_000);

  it('the city button covered by an ad: a failed run naming the step and what covers it; snapshot kept, no price alert, ops told', async () => {
    const snapshot = join(ws.state, 'targets', 'city.snapshot.json');
    const before = readFileSync(snapshot);
    mode = 'covered';
    prices = [500, 900, 1200]; // what the run must not read as the new prices
    const r = await run('city');
    expect(r.verdict).toBe('failed');
    expect(r.failure!.class).toBe('step_failed');
    expect(r.failure!.message).toContain('step 2 (click ".city-list [data-city=sh]")');
    expect(r.failure!.message).toMatch(/something else on the page is over it: <div class="ad" id="ad-layer">/);
    expect(readFileSync(snapshot).equals(before)).toBe(true);
    const alerts = Object.values(outbox());
    expect(alerts.filter((a) => a.topic === 'price')).toEqual([]);
    const notice = alerts.find((a) => a.topic === 'scraper' && a.payload.targetId === 'city');
    expect(notice?.payload.message).toContain('step 2 (click ".city-list [data-city=sh]")');
  }, 60_000);

  it('the button gone: radar try says which step found nothing, in one line', async () => {
    mode = 'gone';
    const r = await ws.radar('try', 'city');
    expect(r.code).toBe(1);
    const line = r.stdout.split('\n').find((l) => l.startsWith('verdict:'));
    expect(line).toContain('step_failed');
    expect(line).toContain('step 2 (click ".city-list [data-city=sh]"): nothing visible matches ".city-list [data-city=sh]" within 2000 ms');
  }, 60_000);

  it('the same step marked optional is skipped when its element is not there (and the page is read as it is)', async () => {
    mode = 'gone';
    ws.writeTarget('optional.yaml', target('optional-city', '    - click: ".city-list [data-city=sh]"\n      optional: true\n    - click: ".city-list [data-city=bj]"\n'));
    const r = await run('optional-city');
    expect(r).toMatchObject({ verdict: 'good', items: 3 });
  }, 60_000);
});
