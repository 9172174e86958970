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
}, 300_000);
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
      RADAR_HOST_LEASE_MS: '3000',
    };
  });

  afterEach(async () => {
    for (const p of procs.splice(0)) await p.kill('SIGKILL');
    await site.close();
    await smtp.close();
    await redis.close();
    rmSync(home, { recursive: true, force: true });
  });

  const target = (id: string, path: string, schedule: string, extra = '', interval = 0) =>
    writeFileSync(
      join(home, 'scrapers', `${id}.yaml`),
      `id: ${id}\ncompetitor: Acme\nregion: east\nschedule: "${schedule}"\nfetch: { url: "${site.url}${path}", min_interval_ms: ${interval}, retries: 0${extra} }\nitems: { each: ".p", key: "@data-id", fields: { name: ".n", price: ".pr" } }\n`,
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

  /** The next request to `path` waits `ms` (once), and resolves when it arrives: a job caught mid-page. */
  const holdNext = (name: string, ms: number) => {
    let arrived!: () => void;
    const seen = new Promise<void>((r) => (arrived = r));
    const route = site.routes.get(`/${name}`)!;
    let armed = true;
    site.routes.set(`/${name}`, async (req, res, url) => {
      if (!armed) return route(req, res, url);
      armed = false;
      arrived();
      delays[name] = ms;
      try {
        await route(req, res, url);
      } finally {
        delays[name] = 0;
      }
    });
    return seen;
  };
  const goodRuns = (id: string) => runs(id).filter((r) => r.verdict === 'good').length;

  it('a worker SIGKILLed mid-job: another worker takes the job when its lock expires; the alert goes out once', async () => {
    target('slow', '/slow', '*/2 * * * * *');
    const w1 = worker('w1');
    const c = coordinator();
    await until(() => goodRuns('slow') >= 1, 'the baseline run', 45_000, explain);
    prices.slow = 700;
    const caught = holdNext('slow', 8000);
    await caught;
    await w1.kill('SIGKILL');
    const w2 = worker('w2');
    await until(() => mailsTo('east-head@example.com', /./).length > 0, 'the alert, after the job moved to w2', 45_000, explain);
    const after = goodRuns('slow');
    await until(() => goodRuns('slow') >= after + 2, 'two more runs', 30_000, explain);
    expect(mailsTo('east-head@example.com', /./)).toHaveLength(1);
    const jobs = runs('slow').map((r) => r.job);
    expect(new Set(jobs).size).toBe(jobs.length);
    // The job w1 died on was finished by w2.
    const killedJob = w2.lines.find((l) => l.msg === 'job done')!.job as string;
    expect(jobs).toContain(killedJob);
    expect(c.lines.filter((l) => l.level >= 50)).toEqual([]);
  }, 150_000);

  it('the leading coordinator SIGKILLed mid-job: the standby leads within seconds and settles the job once', async () => {
    target('slow', '/slow', '*/2 * * * * *');
    worker('w1');
    const c1 = coordinator('c1');
    await c1.waitFor((l) => l.msg.startsWith('leading'), 'c1 leading');
    const c2 = coordinator('c2');
    await c2.waitFor((l) => l.msg.startsWith('another coordinator leads'), 'c2 standing by');
    await until(() => goodRuns('slow') >= 1, 'the baseline run', 45_000, explain);
    prices.slow = 700;
    const caught = holdNext('slow', 4000);
    await caught;
    await c1.kill('SIGKILL');
    const killedAt = Date.now();
    await c2.waitFor((l) => l.msg.startsWith('leading'), 'c2 leading', 20_000);
    const tookOverMs = Date.now() - killedAt;
    expect(tookOverMs).toBeLessThan(10_000);
    await until(() => mailsTo('east-head@example.com', /./).length > 0, 'the alert of the job c1 had enqueued', 45_000, explain);
    const after = goodRuns('slow');
    await until(() => goodRuns('slow') >= after + 2, 'two more runs under c2', 30_000, explain);
    expect(mailsTo('east-head@example.com', /./)).toHaveLength(1);
    const jobs = runs('slow').map((r) => r.job);
    expect(new Set(jobs).size).toBe(jobs.length);
    expect(c2.lines.filter((l) => l.level >= 50)).toEqual([]);
  }, 150_000);

  it('Redis restarts: the coordinator keeps its schedule, tells sales ops, and runs each target once when it is back', async () => {
    target('shop-a', '/a', '*/1 * * * * *');
    worker('w1');
    const c = coordinator();
    await until(() => goodRuns('shop-a') >= 1, 'the baseline run', 45_000, explain);
    await redis.kill();
    const downAt = Date.now();
    await c.waitFor((l) => l.msg.startsWith('the queue (Redis) is unreachable'), 'the outage noticed', 15_000);
    await until(() => mailsTo('sales-ops@example.com', /./).some((m) => /job queue/.test(m.text ?? '')), 'the outage notice to sales ops', 30_000, explain);
    // Slots keep falling due while Redis is away (one a second).
    await new Promise((r) => setTimeout(r, 3000));
    await redis.start();
    const upAt = Date.now();
    await c.waitFor((l) => l.msg.startsWith('the queue (Redis) is back'), 'the queue back', 20_000);
    await until(() => mailsTo('sales-ops@example.com', /./).filter((m) => /job queue/.test(m.text ?? '')).length >= 2, 'the all-clear to sales ops', 30_000, explain);
    const before = goodRuns('shop-a');
    await until(() => goodRuns('shop-a') >= before + 2, 'runs after the outage', 30_000, explain);
    const slots = runs('shop-a').map((r) => Date.parse(r.job!.slice(r.job!.indexOf('@') + 1).replace(/T(\d\d)(\d\d)(\d\d)/, 'T$1:$2:$3')));
    // One run for all the slots that fell due during the outage, not one per slot.
    expect(slots.filter((t) => t > downAt + 1000 && t < upAt).length).toBeLessThanOrEqual(1);
    expect(new Set(slots).size).toBe(slots.length);
    expect(mailsTo('sales-ops@example.com', /./).filter((m) => /job queue/.test(m.text ?? ''))).toHaveLength(2);
  }, 150_000);

  it('per-host politeness holds across workers: starts spaced by min_interval_ms, at most two at once', async () => {
    for (const id of ['p1', 'p2', 'p3']) target(id, `/a?page={page}&t=${id}`, '0 3 1 1 *', ', pages: 1..2', 1500);
    delays.a = 150;
    const w1 = worker('w1', ['--concurrency', '2']);
    const w2 = worker('w2', ['--concurrency', '2']);
    coordinator('c', ['--run-now']);
    await until(() => ['p1', 'p2', 'p3'].every((id) => goodRuns(id) === 1), 'a run of each target', 60_000, explain);
    const starts = site.hits.map((h) => h.at).sort((a, b) => a - b);
    expect(starts.length).toBeGreaterThanOrEqual(7); // 6 pages and robots.txt
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    // Starts are reserved 1.5 s apart in Redis; arrival times wobble on a busy machine (a request
    // that arrives late shortens the gap after it; up to a second seen with the full suite running),
    // so any k consecutive requests must span (k-1) × 1.5 s less one wobble. Without the shared
    // limiter, two workers each keeping 1.5 s apart start twice as often: k requests in (k-1) × 0.75 s.
    const seen = JSON.stringify({ gaps, paths: site.hits.map((h) => h.path) });
    const tooClose: string[] = [];
    for (let j = 0; j < starts.length; j++) for (let k = j + 1; k < starts.length; k++) if (starts[k]! - starts[j]! < (k - j) * 1500 - 1200) tooClose.push(`${j}..${k}`);
    expect(tooClose, seen).toEqual([]);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    const done = (p: RadarProcess) => p.lines.filter((l) => l.msg === 'job done').length;
    expect(done(w1) + done(w2)).toBe(3);
    expect(done(w1)).toBeGreaterThan(0);
    expect(done(w2)).toBeGreaterThan(0);
  }, 150_000);

  it('a job that keeps killing its workers fails with the reason, once, instead of killing workers forever', async () => {
    target('slow', '/slow', '0 3 1 1 *');
    delays.slow = 60_000;
    const c = coordinator('c', ['--run-now']);
    for (let i = 1; i <= 3; i++) {
      const hits = site.hits.filter((h) => h.path === '/slow').length;
      const w = worker(`w${i}`);
      await until(() => site.hits.filter((h) => h.path === '/slow').length > hits, `worker ${i} on the page`, 30_000, explain);
      await w.kill('SIGKILL');
    }
    // A live worker runs BullMQ's stalled check, which gives the job up after its third death.
    worker('w4');
    await until(() => runs('slow').length > 0, 'the failed run', 30_000, explain);
    const run = runs('slow')[0]!;
    expect(run.verdict).toBe('failed');
    expect(run.failure!.class).toBe('worker_lost');
    expect(run.failure!.message).toMatch(/the workers running this target died 3 times \(last: w3:\d+\)/);
    await until(() => mailsTo('sales-ops@example.com', /./).length > 0, 'the ops alert', 30_000, explain);
    expect(mailsTo('sales-ops@example.com', /./)[0]!.text).toContain('worker_lost');
    await new Promise((r) => setTimeout(r, 3000));
    expect(runs('slow')).toHaveLength(1);
    expect(c.lines.filter((l) => l.level >= 50)).toEqual([]);
  }, 150_000);

  async function runStatus() {
    const { runChild } = await import('../helpers/crash-harness.js');
    const r = await runChild([cli.entry], ['--home', home, '--state', join(home, 'state'), 'status', '--json'], env, 30_000);
    return JSON.parse(r.stdout) as { queue: Record<string, any> };
  }
});
