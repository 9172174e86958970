/**
 * Distributed mode end to end, with a real Redis (Debian's redis-server on a free loopback port),
 * real worker and coordinator processes, a real SMTP server and fixture shops on 127.0.0.1.
 * Leases, locks and sweeps are shortened through the environment so failures play out in seconds.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildCli, REPO, type BuiltCli } from '../helpers/crash-harness.js';
import { startRadar, until, type RadarProcess } from '../helpers/processes.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { startSmtp, type SmtpSink } from '../helpers/smtp.js';

interface RunRecord {
  at: string;
  verdict: string;
  items: number;
  job?: string;
  failure?: { class: string; message: string };
}

let cli: BuiltCli;
beforeAll(() => {
  cli = buildCli('distributed');
}, 120_000);
afterAll(() => cli?.cleanup());

describe('distributed mode: a coordinator, workers and Redis', () => {
  let redis: RedisServer;
  let site: FixtureServer;
  let smtp: SmtpSink;
  let home: string;
  let env: Record<string, string>;
  const procs: RadarProcess[] = [];
  const prices: Record<string, number> = {};
  /** Per path: how long the next requests wait before answering. */
  const delays: Record<string, number> = {};
  let inFlight = 0;
  let maxInFlight = 0;

  beforeEach(async () => {
    redis = await startRedis();
    inFlight = maxInFlight = 0;
    for (const k of Object.keys(prices)) delete prices[k];
    for (const k of Object.keys(delays)) delete delays[k];
    const shop = (name: string) => async (_q: unknown, res: import('node:http').ServerResponse, url: URL) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const wait = delays[name] ?? 0;
      if (wait) await new Promise((r) => setTimeout(r, wait));
      inFlight--;
      const page = Number(url.searchParams.get('page') ?? 1);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<ul>${[1, 2].map((i) => `<li class="p" data-id="${name}-${page}-${i}"><b class="n">空调 ${name} ${page}-${i}</b><i class="pr">¥${(prices[name] ?? 1000) + i}</i></li>`).join('')}</ul>`);
    };
    site = await startServer({
      '/a': shop('a'),
      '/b': shop('b'),
      '/slow': shop('slow'),
      '/big': (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ list: Array.from({ length: 2500 }, (_, i) => ({ id: `sku-${i}`, name: `商品 ${i}`, price: 100 + i })) }));
      },
    });
    smtp = await startSmtp();
    home = mkdtempSync(join(tmpdir(), 'radar-dist-'));
    for (const d of ['scrapers', 'rules']) mkdirSync(join(home, d));
    writeFileSync(join(home, 'rules', 'owners.yaml'), 'regions:\n  east: { name: 华东, owners: [east-head@example.com] }\nops: [sales-ops@example.com]\n');
    writeFileSync(join(home, 'rules', 'price.yaml'), 'alert_when: { change_percent: 3, change_abs: 0 }\nnotify_ops_after_failures: 1\n');
    writeFileSync(join(home, 'rules', 'delivery.yaml'), `immediate: [{ topic: price }, { topic: scraper }]\ndaemon: { deliver_every: "* * * * * *", shutdown_grace_seconds: 5, queue: "${redis.url}" }\n`);
    env = {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Radar <radar@example.com>',
      RADAR_TEMPLATES_DIR: join(REPO, 'templates'),
      RADAR_OUTBOX_DIR: join(home, 'outbox'),
      RADAR_LEADER_TTL_MS: '2000',
      RADAR_LEADER_RENEW_MS: '500',
      RADAR_QUEUE_LOCK_MS: '2000',
      RADAR_QUEUE_STALLED_MS: '1000',
      RADAR_QUEUE_SWEEP_MS: '500',
      RADAR_QUEUE_PING_MS: '300',
      RADAR_QUEUE_OUTAGE_REPORT_MS: '1000',
      RADAR_WORKER_BEAT_MS: '500',
    };
  });

  afterEach(async () => {
    for (const p of procs.splice(0)) await p.kill('SIGKILL');
    await site.close();
    await smtp.close();
    await redis.close();
    rmSync(home, { recursive: true, force: true });
  });

  const target = (id: string, path: string, schedule: string, extra = '') =>
    writeFileSync(
      join(home, 'scrapers', `${id}.yaml`),
      `id: ${id}\ncompetitor: Acme\nregion: east\nschedule: "${schedule}"\nfetch: { url: "${site.url}${path}", min_interval_ms: 0, retries: 0${extra} }\nitems: { each: ".p", key: "@data-id", fields: { name: ".n", price: ".pr" } }\n`,
    );
  const start = (name: string, args: string[]) => {
    const p = startRadar(name, [cli.entry], ['--home', home, '--state', join(home, 'state'), ...args], env);
    procs.push(p);
    return p;
  };
  const coordinator = (name = 'coordinator', extra: string[] = []) => start(name, ['daemon', '--no-watch', ...extra]);
  const worker = (name: string, extra: string[] = []) => start(name, ['worker', '--name', name, '--concurrency', '1', ...extra]);
  const runs = (id: string): RunRecord[] => {
    const f = join(home, 'state', 'targets', `${id}.runs.json`);
    return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { runs: RunRecord[] }).runs : [];
  };
  const mailsTo = (to: string, subject: RegExp) => smtp.messages.filter((m) => m.envelopeTo.includes(to) && subject.test(m.subject ?? ''));
  const explain = () => procs.map((p) => p.raw()).join('\n\n');

  it('schedule → jobs on two workers → items back in chunks → diff → one digest; radar status shows the queue and its workers', async () => {
    target('shop-a', '/a', '*/3 * * * * *');
    target('shop-b', '/b?page={page}', '*/3 * * * * *', ', pages: 1..3');
    writeFileSync(
      join(home, 'scrapers', 'big.yaml'),
      `id: big\ncompetitor: Big\nregion: east\nschedule: "*/3 * * * * *"\nfetch: { url: "${site.url}/big", mode: json, min_interval_ms: 0, retries: 0 }\nitems: { each: "list[*]", key: "id", fields: { name: "name", price: "price" } }\n`,
    );
    delays.a = delays.b = 300;
    const w1 = worker('w1');
    const w2 = worker('w2');
    const c = coordinator();
    await c.waitFor((l) => l.msg === 'leading: this coordinator schedules and settles the runs', 'leading');
    // Baselines first: every target has a good run (the big one with all 2,500 items, read back from chunks).
    await until(() => ['shop-a', 'shop-b', 'big'].every((id) => runs(id).some((r) => r.verdict === 'good')), 'a good run of every target', 45_000, explain);
    expect(runs('big').find((r) => r.verdict === 'good')!.items).toBe(2500);
    expect(runs('shop-b').find((r) => r.verdict === 'good')!.items).toBe(6);

    const status = await runStatus();
    expect(status.queue.reachable).toBe(true);
    expect(status.queue.leader).toMatchObject({ pid: c.proc.pid });
    expect(status.queue.workers.map((w: { id: string }) => w.id.split(':')[0]).sort()).toEqual(['w1', 'w2']);
    expect(status.queue.queues.map((q: { name: string }) => q.name)).toContain('scrape');

    prices.a = 800; // −20 %: an immediate price alert to the east head
    await until(() => mailsTo('east-head@example.com', /./).length > 0, 'the price digest', 30_000, explain);
    const settledAfter = runs('shop-a').length;
    await until(() => runs('shop-a').length >= settledAfter + 2, 'two more runs of shop-a', 30_000, explain);

    const digests = mailsTo('east-head@example.com', /./);
    expect(digests).toHaveLength(1);
    expect(digests[0]!.text).toContain('空调 a 1-1');
    // Both workers did jobs; every settled run names its job, and no job was settled twice.
    const done = (p: RadarProcess) => p.lines.filter((l) => l.msg === 'job done').length;
    expect(done(w1)).toBeGreaterThan(0);
    expect(done(w2)).toBeGreaterThan(0);
    for (const id of ['shop-a', 'shop-b', 'big']) {
      const jobs = runs(id).map((r) => r.job);
      expect(jobs.every((j) => typeof j === 'string' && j.startsWith(`${id}@`))).toBe(true);
      expect(new Set(jobs).size).toBe(jobs.length);
    }
    expect((await c.kill('SIGTERM')).code).toBe(0);
    expect(c.lines.some((l) => l.level >= 50)).toBe(false);
  }, 150_000);

  async function runStatus() {
    const { runChild } = await import('../helpers/crash-harness.js');
    const r = await runChild([cli.entry], ['--home', home, '--state', join(home, 'state'), 'status', '--json'], env, 30_000);
    return JSON.parse(r.stdout) as { queue: Record<string, any> };
  }
});
