/**
 * `radar daemon --serve --redis URL`: the coordinator serves the console and API too. Real Redis
 * (Debian's redis-server on a free loopback port), a real worker process and a fixture shop on
 * 127.0.0.1. "Run now" goes through the job queue to the worker; the targets page shows the
 * queue and the worker with the job in its hands; SIGTERM closes the server with the coordinator.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config/load.js';
import { localPrincipal } from '../../src/service/access.js';
import { localOwner } from '../../src/service/owner.js';
import { createUser } from '../../src/service/users.js';
import { REPO, tsxCli } from '../helpers/crash-harness.js';
import { startRadar, until, type RadarProcess } from '../helpers/processes.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';
import { targetYaml } from '../helpers/console-fixture.js';

let ws: Workspace;
let redis: RedisServer;
let shop: FixtureServer;
let coordinator: RadarProcess;
let worker: RadarProcess;
let url = '';
/** While set, the shop holds its answer: the worker is seen with the job in its hands. */
let hold: Promise<void> | null = null;
let release: () => void = () => undefined;

const env = (): Record<string, string> => ({
  RADAR_OUTBOX_DIR: ws.outbox,
  RADAR_TEMPLATES_DIR: join(REPO, 'templates'),
  RADAR_LEADER_TTL_MS: '2000',
  RADAR_LEADER_RENEW_MS: '500',
  RADAR_QUEUE_PING_MS: '300',
  RADAR_WORKER_BEAT_MS: '300',
});

async function login(): Promise<{ api: (m: string, p: string) => Promise<{ status: number; json: any }>; page: (p: string) => Promise<string> }> {
  const r = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ops', password: 'ops-pass-12' }) });
  expect(r.status).toBe(200);
  const me = (await r.json()) as { csrf: string };
  const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
  return {
    api: async (m, p) => {
      const res = await fetch(url + p, { method: m, headers: { cookie, 'x-csrf-token': me.csrf } });
      return { status: res.status, json: await res.json().catch(() => null) };
    },
    page: async (p) => (await fetch(url + p, { headers: { cookie } })).text(),
  };
}

const runs = (): { verdict: string; items: number; job?: string }[] => {
  const f = join(ws.state, 'targets', 'east-shop.runs.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { runs: { verdict: string; items: number; job?: string }[] }).runs : [];
};

beforeAll(async () => {
  ws = makeWorkspace();
  redis = await startRedis();
  shop = await startServer({
    '/robots.txt': (_q, res) => void res.end('User-agent: *\nAllow: /\n'),
    '/east': async (_q, res) => {
      if (hold) await hold;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body><div class="product" data-sku="A"><a href="/a"><span class="title">甲</span></a><span class="price">¥100</span></div><div class="product" data-sku="B"><a href="/b"><span class="title">乙</span></a><span class="price">¥200</span></div></body></html>');
    },
  });
  // Not due while the test runs: its only run is "run now".
  ws.writeTarget('east-shop.yaml', targetYaml('east-shop', 'east', shop.url, '/east').replace('0 8 * * *', '0 3 1 1 *'));
  const paths = resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox });
  await createUser({ paths, now: () => new Date(), runner: localOwner(paths), outbox: localOwner(paths) }, localPrincipal('test'), { name: 'ops', role: 'ops', password: 'ops-pass-12' });
  const args = ['--home', ws.home, '--state', ws.state];
  coordinator = startRadar('coordinator', tsxCli(), [...args, 'daemon', '--no-watch', '--serve', '--port', '0', '--redis', redis.url], env());
  worker = startRadar('worker', tsxCli(), [...args, 'worker', '--name', 'east-1', '--concurrency', '1', '--redis', redis.url], env());
  const listening = await coordinator.waitFor((l) => l.msg === 'console and API listening', 'console listening', 60_000);
  url = String(listening.url);
  await coordinator.waitFor((l) => l.msg === 'coordinating workers through the queue', 'leading', 60_000);
}, 120_000);

afterAll(async () => {
  release();
  await coordinator?.kill('SIGKILL');
  await worker?.kill('SIGKILL');
  await shop?.close();
  await redis?.close();
  ws?.cleanup();
});

describe('radar daemon --serve with a queue: the coordinator serves the console', () => {
  it('shows the queue and its worker; run now is enqueued for the worker, whose current job the targets page shows', async () => {
    const { api, page } = await login();
    await until(async () => (await api('GET', '/api/queue')).json.workers?.length === 1, 'the worker in /api/queue', 45_000, () => coordinator.raw() + worker.raw());
    const q = (await api('GET', '/api/queue')).json;
    expect(q).toMatchObject({ mode: 'distributed', reachable: true, url: redis.url, leader: { pid: coordinator.proc.pid } });
    expect(q.workers[0]).toMatchObject({ id: expect.stringMatching(/^east-1/), browser: false, concurrency: 1, current: [] });

    hold = new Promise((r) => (release = r));
    const r = await api('POST', '/api/targets/east-shop/run');
    expect(r.status).toBe(202);
    expect(r.json.by).toMatch(/this daemon \(pid \d+\), through the job queue/);
    // The worker holds the job while the shop makes it wait: the page shows it in the worker's row.
    await until(async () => (await api('GET', '/api/queue')).json.workers[0].current.length === 1, 'the job in the worker\'s hands', 45_000, () => coordinator.raw() + worker.raw());
    const html = await page('/targets');
    const row = /<table class="workers">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(row).toContain('east-1');
    expect(row).toContain('href="/targets/east-shop"');
    expect(row).toContain('1/1');
    expect(html).toContain(`Queue ${redis.url}: 0 waiting, 1 running.`);
    release();
    hold = null;
    await until(() => runs().length === 1, 'the run settled', 45_000, () => coordinator.raw() + worker.raw());
    // Run by the worker (the run log names its job) and settled by the coordinator.
    expect(runs()[0]).toMatchObject({ verdict: 'good', items: 2, job: expect.stringMatching(/^east-shop@/) });
    expect((await api('GET', '/api/targets/east-shop')).json.target.health.status).toBe('healthy');
  }, 120_000);

  it('a head does not see the queue (its jobs name targets of every region)', async () => {
    const paths = resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox });
    await createUser({ paths, now: () => new Date(), runner: localOwner(paths), outbox: localOwner(paths) }, localPrincipal('test'), { name: 'head', role: 'head', password: 'head-pass-12', regions: ['south'] });
    const r = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'head', password: 'head-pass-12' }) });
    const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${url}/api/queue`, { headers: { cookie } })).status).toBe(403);
    const html = await (await fetch(`${url}/targets`, { headers: { cookie } })).text();
    expect(html).not.toContain('east-1');
  });

  it('SIGTERM stops the coordinator and closes the console', async () => {
    const exit = await coordinator.kill('SIGTERM');
    expect(exit.code).toBe(0);
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();
  }, 60_000);
});
