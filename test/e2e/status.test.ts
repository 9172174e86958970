import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

interface OpsAlert {
  id: string;
  topic: string;
  audience: { kind: string };
  payload: { state: string; failureClass: string | null; url: string | null; httpStatus: number | null; sample: string | null; consecutiveFailures: number };
}

describe('target health: ops hear after 3 failures in a row (once), and again when it works; radar status shows it', () => {
  let site: FaultServer;
  let ws: Workspace;

  beforeEach(async () => {
    site = await startFaultServer();
    ws = makeWorkspace();
    const target = (id: string, path: string, schedule: string) => `
id: ${id}
kind: price
competitor: ${id}
region: east
schedule: "${schedule}"
fetch:
  url: ${site.url}${path}
  min_interval_ms: 0
  retries: 0
items:
  each: ".product"
  key: "@data-sku"
  fields: { name: ".title", price: ".price", url: "a@href" }
`;
    ws.writeTarget('shop.yaml', target('shop', '/list', '0 8 * * *'));
    ws.writeTarget('later.yaml', target('later', '/list', '30 9 * * 1-5').replace('id: later', 'id: later\nenabled: true'));
  });

  afterEach(async () => {
    await site.close();
    ws.cleanup();
  });

  const opsAlerts = (): OpsAlert[] => {
    const file = join(ws.state, 'outbox.json');
    if (!existsSync(file)) return [];
    const box = JSON.parse(readFileSync(file, 'utf8')) as { alerts: Record<string, OpsAlert> };
    return Object.values(box.alerts).filter((a) => a.topic === 'scraper');
  };

  it('one alert with class, URL, HTTP status and a sample after the 3rd failure, none before or after; a recovery notice', async () => {
    expect((await ws.radar('run', '--target', 'shop')).code).toBe(0);
    site.fault = 'http_503_retry_after';
    site.retryAfter = '86400';

    for (let i = 1; i <= 2; i++) {
      expect((await ws.radar('run', '--target', 'shop')).code).toBe(1);
      expect(opsAlerts()).toEqual([]);
    }
    await ws.radar('run', '--target', 'shop');
    const [failing, ...more] = opsAlerts();
    expect(more).toEqual([]);
    expect(failing!.audience.kind).toBe('ops');
    expect(failing!.payload).toMatchObject({ state: 'failing', failureClass: 'http_503', url: `${site.url}/list`, httpStatus: 503, consecutiveFailures: 3 });
    expect(failing!.payload.sample).toContain('Service Unavailable');

    await ws.radar('run', '--target', 'shop'); // still failing: the same streak, no second alert
    expect(opsAlerts()).toHaveLength(1);

    const mails = await ws.emails();
    const opsMail = mails.find((m) => (m.to as { text: string }).text === 'sales-ops@example.com');
    expect(opsMail?.text).toContain('http_503');
    expect(opsMail?.text).toContain(`${site.url}/list`);
    expect(opsMail?.text).toContain('Service Unavailable');
    // What happened and what to do, in sales ops' language (zh-CN here), from the README's table.
    expect(opsMail?.text).toContain('网站繁忙或限流 HTTP 503, 连续 3 次');
    expect(opsMail?.text).toContain('处理办法：调大 min_interval_ms 或放慢 schedule');
    expect(String(opsMail?.html)).toContain('<b>处理办法：</b>调大 min_interval_ms');

    site.fault = 'ok';
    expect((await ws.radar('run', '--target', 'shop')).code).toBe(0);
    expect(opsAlerts().map((a) => a.payload.state).sort()).toEqual(['failing', 'recovered']);
  });

  it('radar status: health, since when, class and count, last good run, next run, items', async () => {
    await ws.radar('run', '--target', 'shop');
    site.fault = 'captcha';
    await ws.radar('run', '--target', 'shop');
    await ws.radar('run', '--target', 'shop');

    const text = await ws.radar('status');
    expect(text.code).toBe(1); // a failing target
    const lines = text.stdout.split('\n');
    const shop = lines.find((l) => l.startsWith('shop '))!;
    expect(shop).toMatch(/^shop\s+failing\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\d{4}-\d\d-\d\d 08:00\s+10\s+blocked HTTP 403, 2 runs in a row since \d{4}-\d\d-\d\d \d\d:\d\d/);
    const later = lines.find((l) => l.startsWith('later '))!;
    expect(later).toMatch(/^later\s+never_run\s+-\s+\d{4}-\d\d-\d\d 09:30\s+-/);
    expect(text.stdout).toContain('  shop: the site showed an anti-bot check (Cloudflare challenge) instead of the page');
    expect(text.stdout).toContain('2 targets: 0 healthy, 1 failing, 0 stale, 1 never run (times in Asia/Shanghai)');

    const json = JSON.parse((await ws.radar('status', '--json')).stdout) as { targets: { id: string; status: string; failures: number; failureClass: string; items: number; lastGoodAt: string; nextRunAt: string }[] };
    const s = json.targets.find((t) => t.id === 'shop')!;
    expect(s).toMatchObject({ status: 'failing', failures: 2, failureClass: 'blocked', items: 10 });
    expect(new Date(s.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    // 08:00 in Shanghai is 00:00 UTC.
    expect(s.nextRunAt).toMatch(/T00:00:00\.000Z$/);

    site.fault = 'ok';
    await ws.radar('run');
    const after = await ws.radar('status');
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('2 targets: 2 healthy, 0 failing, 0 stale, 0 never run');
  });
});
