/**
 * "Run now" on the console of a coordinator standing by reaches the leader through Redis within
 * seconds, even when the leader runs on another machine (it cannot be signalled, and its next
 * delivery round may be far off). Real Redis (Debian's redis-server on a free loopback port), two
 * `radar daemon --serve --redis` processes sharing a state folder, a real worker, a fixture shop.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config/load.js';
import { keys } from '../../src/queue/names.js';
import { connectRedis } from '../../src/queue/redis.js';
import { sendToLeader, takeLeaderRequests } from '../../src/queue/requests.js';
import { localPrincipal } from '../../src/service/access.js';
import { localOwner } from '../../src/service/owner.js';
import { createUser } from '../../src/service/users.js';
import { targetYaml } from '../helpers/console-fixture.js';
import { REPO, tsxCli } from '../helpers/crash-harness.js';
import { startRadar, until, type RadarProcess } from '../helpers/processes.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

let ws: Workspace;
let redis: RedisServer;
let shop: FixtureServer;
const procs: RadarProcess[] = [];

const env = (): Record<string, string> => ({
  RADAR_OUTBOX_DIR: ws.outbox,
  RADAR_TEMPLATES_DIR: join(REPO, 'templates'),
  RADAR_LEADER_TTL_MS: '2000',
  RADAR_LEADER_RENEW_MS: '500',
  RADAR_WORKER_BEAT_MS: '300',
});

const runs = (): { verdict: string; items: number; job?: string }[] => {
  const f = join(ws.state, 'targets', 'east-shop.runs.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { runs: { verdict: string; items: number; job?: string }[] }).runs : [];
};

beforeAll(async () => {
  ws = makeWorkspace();
  redis = await startRedis();
  shop = await startServer({
    '/robots.txt': (_q, res) => void res.end('User-agent: *\nAllow: /\n'),
    '/east': (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body><div class="product" data-sku="A"><a href="/a"><span class="title">甲</span></a><span class="price">¥100</span></div></body></html>');
    },
  });
  // Not due while the test runs, and no delivery round either (once a year): a run can only come from "run now".
  ws.writeTarget('east-shop.yaml', targetYaml('east-shop', 'east', shop.url, '/east').replace('0 8 * * *', '0 3 1 1 *'));
  ws.writeRule('delivery.yaml', 'daemon: { deliver_every: "0 3 1 1 *" }\n');
  const paths = resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox });
  await createUser({ paths, now: () => new Date(), runner: localOwner(paths), outbox: localOwner(paths) }, localPrincipal('test'), { name: 'ops', role: 'ops', password: 'ops-pass-12' });
}, 60_000);

afterAll(async () => {
  for (const p of procs) await p.kill('SIGKILL');
  await shop?.close();
  await redis?.close();
  ws?.cleanup();
});

describe('a standby coordinator hands "run now" to the leader through Redis', () => {
  it('requests are taken once, oldest first; an unreadable one is reported and skipped', async () => {
    expect(await sendToLeader(redis.url, { action: 'run', ids: ['a'] })).toBe(true);
    expect(await sendToLeader(redis.url, { action: 'retry', ids: ['m1', 'm2'] })).toBe(true);
    const r = await connectRedis(redis.url, { name: 'test', blocking: false });
    try {
      await r.rpush(keys.requests, '{not json');
      const bad: string[] = [];
      expect(await takeLeaderRequests(r, (s) => bad.push(s))).toEqual([
        { action: 'run', ids: ['a'] },
        { action: 'retry', ids: ['m1', 'm2'] },
      ]);
      expect(bad).toEqual(['{not json']);
      expect(await takeLeaderRequests(r)).toEqual([]);
    } finally {
      r.disconnect();
    }
    // No Redis there: the caller is told, and falls back to the state folder.
    expect(await sendToLeader('redis://127.0.0.1:1', { action: 'run', ids: ['a'] })).toBe(false);
  });

  it('run now on the standby\'s console: the leader on "another machine" runs the target within seconds', async () => {
    const args = ['--home', ws.home, '--state', ws.state];
    const leader = startRadar('leader', tsxCli(), [...args, 'daemon', '--no-watch', '--redis', redis.url], env());
    procs.push(leader);
    await leader.waitFor((l) => l.msg === 'coordinating workers through the queue', 'leading', 60_000);
    const standby = startRadar('standby', tsxCli(), [...args, 'daemon', '--no-watch', '--serve', '--port', '0', '--redis', redis.url], env());
    procs.push(standby);
    const worker = startRadar('worker', tsxCli(), [...args, 'worker', '--name', 'w1', '--concurrency', '1', '--redis', redis.url], env());
    procs.push(worker);
    const url = String((await standby.waitFor((l) => l.msg === 'console and API listening', 'console listening', 60_000)).url);
    await standby.waitFor((l) => /standing by/.test(l.msg), 'standing by', 30_000);
    await worker.waitFor((l) => l.msg === 'worker started', 'worker started', 60_000);
    // The leader as the standby sees it from another machine: its lock names a host that cannot be signalled from here.
    const lockFile = join(ws.state, 'radar.lock');
    writeFileSync(lockFile, JSON.stringify({ ...JSON.parse(readFileSync(lockFile, 'utf8')), host: 'coordinator-2.example' }) + '\n');

    const login = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ops', password: 'ops-pass-12' }) });
    const me = (await login.json()) as { csrf: string };
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const clicked = Date.now();
    const r = await fetch(`${url}/api/targets/east-shop/run`, { method: 'POST', headers: { cookie, 'x-csrf-token': me.csrf } });
    expect(r.status).toBe(202);
    expect(((await r.json()) as { by: string }).by).toBe('the leading coordinator, through the job queue');
    const explain = () => leader.raw() + standby.raw() + worker.raw();
    // The next delivery round is months away: only the hand-over through Redis can start it this soon.
    await until(() => runs().length === 1, 'the run settled by the leader', 20_000, explain);
    expect(Date.now() - clicked).toBeLessThan(20_000);
    expect(runs()[0]).toMatchObject({ verdict: 'good', items: 1, job: expect.stringMatching(/^east-shop@/) });
    expect(leader.lines.find((l) => l.msg === 'run requested')).toMatchObject({ target: 'east-shop', queued: true, from: 'standby' });
    // Nothing was left in the state folder for a delivery round to find later (a second run).
    const left = join(ws.state, 'requests', 'run');
    expect(existsSync(left) ? readdirSync(left) : []).toEqual([]);
  }, 150_000);
});
