import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config/load.js';
import { localPrincipal } from '../../src/service/access.js';
import { localOwner } from '../../src/service/owner.js';
import { createUser } from '../../src/service/users.js';
import { buildApp, type App } from '../../src/server/app.js';
import { tsxCli, REPO } from '../helpers/crash-harness.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';
import { targetYaml } from '../helpers/console-fixture.js';

/**
 * The console while `radar daemon` owns the state: inside it (`daemon --serve`), and as a
 * separate `radar serve` beside it. Runs go to the daemon's scheduler; target files saved
 * through the API are picked up by the daemon's reload; nothing is written twice.
 */
let ws: Workspace;
let shop: FixtureServer;
let daemon: ChildProcess;
let log = '';
let url = '';
let beside: App;
let besideUrl = '';

async function until(what: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error(`timed out; daemon log:\n${log.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function login(base: string): Promise<(m: string, p: string, b?: unknown) => Promise<{ status: number; json: any }>> {
  const r = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ops', password: 'ops-pass-12' }) });
  const me = (await r.json()) as { csrf: string };
  const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
  return async (m, p, b) => {
    const res = await fetch(base + p, { method: m, headers: { cookie, 'x-csrf-token': me.csrf, ...(b !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(b !== undefined ? { body: JSON.stringify(b) } : {}) });
    return { status: res.status, json: await res.json().catch(() => null) };
  };
}

beforeAll(async () => {
  ws = makeWorkspace();
  shop = await startServer({
    '/robots.txt': (_q, res) => void res.end('User-agent: *\nAllow: /\n'),
    '/east': (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body><div class="product" data-sku="A"><a href="/a"><span class="title">甲</span></a><span class="price">¥100</span></div><div class="product" data-sku="B"><a href="/b"><span class="title">乙</span></a><span class="price">¥200</span></div></body></html>');
    },
  });
  // Not due while the test runs: every run here is a "run now".
  ws.writeTarget('east-shop.yaml', targetYaml('east-shop', 'east', shop.url, '/east').replace('0 8 * * *', '0 3 1 1 *'));
  const paths = resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox });
  await createUser({ paths, now: () => new Date(), runner: localOwner(paths), outbox: localOwner(paths) }, localPrincipal('test'), { name: 'ops', role: 'ops', password: 'ops-pass-12' });
  daemon = spawn(process.execPath, [...tsxCli(), '--home', ws.home, '--state', ws.state, 'daemon', '--serve', '--port', '0', '--log', 'json'], {
    cwd: REPO,
    env: { ...process.env, RADAR_OUTBOX_DIR: ws.outbox, RADAR_TEMPLATES_DIR: join(REPO, 'templates'), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  daemon.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  daemon.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  await until(() => /"url":"(http:[^"]+)".*console and API listening/.test(log), 45_000);
  url = /"url":"(http:[^"]+)"/.exec(log)![1]!;
  beside = await buildApp({ ctx: { paths, now: () => new Date(), runner: localOwner(paths), outbox: localOwner(paths) }, console: false });
  besideUrl = await beside.listen({ port: 0, host: '127.0.0.1' });
}, 90_000);

afterAll(async () => {
  await beside?.close();
  if (daemon && daemon.exitCode === null) {
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.on('close', r));
  }
  await shop?.close();
  ws?.cleanup();
});

describe('the console beside a running daemon', () => {
  it('daemon --serve: run now is queued on the daemon and its run shows up', async () => {
    const api = await login(url);
    expect((await api('GET', '/api/health')).json.ok).toBe(true);
    const r = await api('POST', '/api/targets/east-shop/run');
    expect(r.status).toBe(202);
    expect(r.json.by).toMatch(/this daemon/);
    await until(async () => (await api('GET', '/api/targets/east-shop/runs')).json.runs.length === 1);
    expect((await api('GET', '/api/targets/east-shop')).json.target.health.status).toBe('healthy');
  });

  it('a separate radar serve hands run now to the daemon instead of taking the state', async () => {
    const api = await login(besideUrl);
    const r = await api('POST', '/api/targets/east-shop/run');
    expect(r.status).toBe(202);
    expect(r.json.by).toMatch(/radar daemon \(pid \d+\)/);
    await until(async () => (await api('GET', '/api/targets/east-shop/runs')).json.runs.length === 2);
    expect(log).toMatch(/"msg":"run requested"/);
  });

  it('a target saved through the API is picked up by the daemon and can be run at once', async () => {
    const api = await login(url);
    const c = await api('POST', '/api/targets', { yaml: targetYaml('second-shop', 'east', shop.url, '/east').replace('0 8 * * *', '0 3 1 1 *') });
    expect(c.status).toBe(201);
    await until(() => /"added":\["second-shop"\]/.test(log));
    const r = await api('POST', '/api/targets/second-shop/run');
    expect(r.status).toBe(202);
    await until(async () => (await api('GET', '/api/targets/second-shop/runs')).json.runs.length === 1);
    expect(readFileSync(join(ws.home, 'scrapers', 'second-shop.yaml'), 'utf8')).toContain('id: second-shop');
  });

  it('stops cleanly on SIGTERM, server and daemon together', async () => {
    daemon.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => daemon.on('close', (c) => r(c)));
    expect(code).toBe(0);
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();
  });
});
