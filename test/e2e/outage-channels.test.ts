import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWecom, type FakeService } from '../helpers/chat-services.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, REPO, runCli, type Workspace } from '../helpers/workspace.js';

interface OutboxFile {
  messages: Record<string, { id: string; to: string; channel?: string; status: string; attempts: number; lastError?: string; nextAttemptAt?: string }>;
}

describe('WeCom outage: the robot endpoint is unreachable, then cuts connections, then busy, then back', () => {
  let site: FixtureServer;
  let wecom: FakeService;
  let ws: Workspace;
  let price = '¥1,000';

  beforeEach(async () => {
    price = '¥1,000';
    site = await startServer({
      '/east': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<div class="i" data-id="A1"><b class="n">空调 A1</b><i class="p">${price}</i><a href="/a1">a</a></div>`);
      },
    });
    wecom = await startWecom();
    ws = makeWorkspace();
    ws.writeTarget('e.yaml', `id: east-shop\ncompetitor: Acme\nregion: east\nfetch: { url: "${site.url}/east", min_interval_ms: 0, retries: 0 }\nitems: { each: ".i", key: "@data-id", fields: { name: ".n", price: ".p", url: "a@href" } }\n`);
    ws.writeRule('owners.yaml', `channels:\n  east-wecom: { type: wecom, url_env: RADAR_WECOM_EAST_URL, charts: 0 }\nregions:\n  east: { owners: [east-head@example.com], channels: [east-wecom] }\nops: [sales-ops@example.com]\n`);
    ws.writeRule('delivery.yaml', 'retry: { max_attempts: 6, backoff_minutes: [1, 5], notify_ops_after_attempts: 3 }\ndigest: { charts: 0 }\n');
  });
  afterEach(async () => {
    await site.close();
    await wecom.stop();
    ws.cleanup();
  });

  const radar = (...args: string[]) => runCli(['--home', ws.home, '--state', ws.state, ...args], { RADAR_WECOM_EAST_URL: wecom.url, RADAR_TEMPLATES_DIR: join(REPO, 'templates'), RADAR_OUTBOX_DIR: ws.outbox });
  const post = () => Object.values((JSON.parse(readFileSync(join(ws.state, 'outbox.json'), 'utf8')) as OutboxFile).messages).find((m) => m.to === 'east-wecom')!;
  const key = () => new URL(wecom.url).searchParams.get('key')!;

  it('keeps the post through every kind of failure, tells sales ops, and delivers it once when the robot answers', async () => {
    expect((await radar('run', '--no-progress')).code).toBe(0);
    price = '¥800';

    // Nothing listens on the port.
    await wecom.stop();
    const down = await radar('run', '--no-progress');
    expect(down.stderr).toMatch(/! wecom post to east-wecom not sent \(attempt 1\): network error: ECONNREFUSED/);
    expect(post()).toMatchObject({ status: 'pending', attempts: 1, channel: 'wecom' });
    expect(Date.parse(post().nextAttemptAt!) - Date.now()).toBeGreaterThan(50_000);

    // Listening again, but cutting every connection; then answering 200 with "system busy" (-1).
    await wecom.start();
    wecom.down = 'drop';
    const cut = await radar('run', '--no-progress');
    expect(cut.stderr).toMatch(/not sent \(attempt 2\): network error/);
    wecom.down = 'busy';
    const busy = await radar('run', '--no-progress');
    expect(busy.stderr).toContain('not sent (attempt 3): WeCom refused the message: errcode -1, system busy');
    expect(wecom.accepted).toHaveLength(0);
    // Three failed attempts: sales ops hear of it by email, naming the channel and the error.
    const ops = (await ws.emails()).find((m) => m.subject?.includes('滞留'));
    expect(ops?.text).toContain('east-wecom');
    expect(ops?.text).toContain('system busy');

    const list = await radar('outbox', 'list');
    expect(list.stdout).toMatch(/pending\s+3\s+east-wecom/);

    // Back: the post arrives once, and stays sent.
    wecom.down = false;
    const up = await radar('run', '--no-progress');
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('→ east-wecom:');
    await radar('run', '--no-progress');
    await radar('outbox', 'retry');
    expect(wecom.accepted).toHaveLength(1);
    expect(JSON.stringify(wecom.accepted[0]!.body)).toContain('¥1,000 -> ¥800');
    expect(post()).toMatchObject({ status: 'sent', attempts: 4 });

    // The robot's key never shows in what the CLI printed or stored.
    for (const r of [down, cut, busy, list, up]) expect(r.stdout + r.stderr).not.toContain(key());
    expect(readFileSync(join(ws.state, 'outbox.json'), 'utf8')).not.toContain(key());
  }, 60_000);
});
