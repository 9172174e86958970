import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO, runChild, tsxCli } from '../helpers/crash-harness.js';
import { startWecom, type FakeService } from '../helpers/chat-services.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { startSmtp, type SmtpSink } from '../helpers/smtp.js';

type LogLine = Record<string, unknown> & { msg: string; level: number };

interface Running {
  proc: ChildProcess;
  lines: LogLine[];
  raw: () => string;
  waitFor(pred: (l: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `radar daemon` as a real process (signals, locks and exit codes are the point), JSON logs parsed line by line. */
function startDaemon(home: string, env: Record<string, string>, extra: string[] = []): Running {
  const proc = spawn(process.execPath, [...tsxCli(), '--home', home, '--state', join(home, 'state'), 'daemon', '--log', 'json', ...extra], {
    cwd: REPO,
    env: { ...process.env, ...env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const lines: LogLine[] = [];
  proc.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    const parts = out.split('\n');
    out = parts.pop()!;
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as LogLine);
  });
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('close', (code, signal) => r({ code, signal })));
  return {
    proc,
    lines,
    raw: () => JSON.stringify(lines) + out + err,
    exit,
    async waitFor(pred, what, timeoutMs = 45_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find(pred);
        if (hit) return hit;
        if (proc.exitCode !== null || Date.now() > until) throw new Error(`daemon: no "${what}" within ${timeoutMs} ms\nstderr: ${err}\nlog:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

describe('radar daemon as a process', () => {
  let site: FixtureServer;
  let smtp: SmtpSink;
  let home: string;
  let env: Record<string, string>;
  let price = 1000;
  let delayMs = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let hits = 0;
  const daemons: Running[] = [];
  const services: FakeService[] = [];

  beforeEach(async () => {
    price = 1000;
    delayMs = 0;
    inFlight = maxInFlight = hits = 0;
    site = await startServer({
      '/shop': async (_q, res) => {
        hits++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        inFlight--;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<div class="p" data-id="X"><b class="n">空调 X</b><i class="pr">¥${price}</i></div>`);
      },
    });
    smtp = await startSmtp({ user: 'radar', pass: 'daemon-s3cret' });
    home = mkdtempSync(join(tmpdir(), 'radar-daemon-'));
    for (const d of ['scrapers', 'rules']) mkdirSync(join(home, d));
    writeFileSync(join(home, 'rules', 'owners.yaml'), 'regions:\n  east: { name: 华东, owners: [east-head@example.com] }\nops: [sales-ops@example.com]\n');
    writeFileSync(join(home, 'rules', 'price.yaml'), 'alert_when: { change_percent: 3, change_abs: 0 }\n');
    writeFileSync(
      join(home, 'rules', 'delivery.yaml'),
      'immediate: [{ topic: price }, { topic: scraper }]\ndaemon: { deliver_every: "* * * * * *", shutdown_grace_seconds: 20 }\n',
    );
    env = { SMTP_URL: smtp.url, MAIL_FROM: 'Radar <radar@example.com>', RADAR_TEMPLATES_DIR: join(REPO, 'templates'), RADAR_OUTBOX_DIR: join(home, 'outbox') };
  });

  afterEach(async () => {
    for (const d of daemons.splice(0)) if (d.proc.exitCode === null) d.proc.kill('SIGKILL');
    for (const s of services.splice(0)) await s.stop();
    await site.close();
    await smtp.close();
    rmSync(home, { recursive: true, force: true });
  });

  const target = (schedule: string, id = 'fast-shop') =>
    writeFileSync(join(home, 'scrapers', `${id}.yaml`), `id: ${id}\ncompetitor: Acme\nregion: east\nschedule: "${schedule}"\nfetch: { url: "${site.url}/shop", min_interval_ms: 0, retries: 0 }\nitems: { each: ".p", key: "@data-id", fields: { name: ".n", price: ".pr" } }\n`);

  it('runs targets on schedule, mails changes, never overlaps a target, reloads config safely, and stops cleanly', async () => {
    target('*/2 * * * * *');
    const d = startDaemon(home, env);
    daemons.push(d);
    const started = await d.waitFor((l) => l.msg === 'daemon started', 'daemon started', 120_000);
    expect(started.mail).toBe(`smtp://***@127.0.0.1:${smtp.port}`);
    await d.waitFor((l) => l.msg === 'target run' && l.target === 'fast-shop', 'first run');

    // One daemon per state folder; a manual run is refused too, naming the daemon.
    const second = await runChild(tsxCli(), ['--home', home, '--state', join(home, 'state'), 'daemon', '--log', 'json'], env, 60_000);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`radar: another radar daemon is using .*state \\(pid ${d.proc.pid} on `));
    const manual = await runChild(tsxCli(), ['--home', home, '--state', join(home, 'state'), 'run'], env, 60_000);
    expect(manual.code).toBe(2);
    expect(manual.stderr).toContain(`radar daemon (pid ${d.proc.pid}, since`);

    // A price change is mailed within the immediate window.
    price = 800;
    for (let i = 0; i < 300 && smtp.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(smtp.messages.map((m) => m.envelopeTo[0])).toEqual(['east-head@example.com']);
    expect(smtp.messages[0]!.text).toContain('¥1,000 -> ¥800 (-20%)');

    // A slow site: runs take longer than the 2 s period, slots are skipped, never two at once.
    delayMs = 3500;
    await d.waitFor((l) => l.msg === 'still running from the previous slot; this slot is skipped' && l.job === 'target:fast-shop', 'overlap skip');
    delayMs = 0;
    expect(maxInFlight).toBe(1);

    // A broken edit keeps the previous target running and tells ops.
    writeFileSync(join(home, 'scrapers', 'fast-shop.yaml'), readFileSync(join(home, 'scrapers', 'fast-shop.yaml'), 'utf8').replace('region: east', 'region: east\nfetch_every: often'));
    const bad = await d.waitFor((l) => l.msg.startsWith('config error'), 'config error');
    expect(String(bad.where)).toMatch(/fast-shop\.yaml:\d+$/);
    expect(bad.error).toContain('fetch_every: unknown field');
    const hitsAfterBreak = hits;
    await d.waitFor(() => hits >= hitsAfterBreak + 2, 'runs continuing with the previous version');
    for (let i = 0; i < 300 && !smtp.messages.some((m) => m.envelopeTo[0] === 'sales-ops@example.com'); i++) await new Promise((r) => setTimeout(r, 100));
    const ops = smtp.messages.find((m) => m.envelopeTo[0] === 'sales-ops@example.com')!;
    expect(ops.text).toContain('fetch_every: unknown field');

    // SIGHUP reloads on demand.
    d.proc.kill('SIGHUP');
    await d.waitFor((l) => l.msg === 'config reloaded' && l.why === 'SIGHUP', 'SIGHUP reload');

    // SIGTERM: stop scheduling, let the running target finish, release the lock, exit 0.
    d.proc.kill('SIGTERM');
    const { code } = await d.exit;
    expect(code).toBe(0);
    expect(d.lines.at(-1)?.msg).toBe('stopped');
    expect(existsSync(join(home, 'state', 'radar.lock'))).toBe(false);
    // Never a secret in the log.
    expect(d.raw()).not.toContain('daemon-s3cret');
    // Exactly once: one digest for the one change, whatever the number of runs.
    expect(smtp.messages.filter((m) => m.envelopeTo[0] === 'east-head@example.com')).toHaveLength(1);
  }, 180_000);

  it('takes over a lock left by a dead process and catches up once on a slot missed while down', async () => {
    target('0 8 * * *', 'daily-shop');
    const state = join(home, 'state');
    mkdirSync(state, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(state, 'radar.lock'), JSON.stringify({ pid: dead, command: 'daemon', startedAt: '2024-01-01T00:00:00.000Z', host: hostname(), procStart: null }));
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
    writeFileSync(join(state, 'schedule.json'), JSON.stringify({ version: 1, jobs: { 'target:daily-shop': { lastSlot: threeDaysAgo } } }));

    const d = startDaemon(home, env);
    daemons.push(d);
    const missed = await d.waitFor((l) => l.msg.startsWith('missed runs while down'), 'catch-up');
    expect(missed).toMatchObject({ job: 'target:daily-shop', policy: 'once' });
    expect(missed.missed).toBeGreaterThanOrEqual(2);
    await d.waitFor((l) => l.msg === 'target run' && l.target === 'daily-shop', 'catch-up run');
    const lock = JSON.parse(readFileSync(join(state, 'radar.lock'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(d.proc.pid);
    await new Promise((r) => setTimeout(r, 1500));
    expect(d.lines.filter((l) => l.msg === 'target run')).toHaveLength(1);
    expect(hits).toBe(1);
    d.proc.kill('SIGINT');
    expect((await d.exit).code).toBe(0);
    const sched = JSON.parse(readFileSync(join(state, 'schedule.json'), 'utf8')) as { jobs: Record<string, { lastSlot: string; lastOutcome: string }> };
    expect(Date.parse(sched.jobs['target:daily-shop']!.lastSlot)).toBeGreaterThan(Date.now() - 86_400_000 - 60_000);
    expect(sched.jobs['target:daily-shop']!.lastOutcome).toBe('ok');
  }, 120_000);

  it('sends one email and one WeCom post per round, and compares prices once a round: two targets due at once, ending seconds apart, are one digest', async () => {
    // Two shops on one cron; shop B answers 2.5 s later, so its run ends well after A's while
    // delivery rounds come every second. Both show a new price from their second visit on.
    // The region's WeCom group gets the round as the owner does: one post (and one chart).
    const wecom = await startWecom();
    services.push(wecom);
    env.WECOM_URL = wecom.url;
    writeFileSync(join(home, 'rules', 'owners.yaml'), 'channels:\n  east-wecom: { type: wecom, url_env: WECOM_URL }\nregions:\n  east: { name: 华东, owners: [east-head@example.com], channels: [east-wecom] }\nops: [sales-ops@example.com]\n');
    const seen = { a: 0, b: 0 };
    const answered: Record<'a' | 'b', number[]> = { a: [], b: [] };
    for (const k of ['a', 'b'] as const) {
      site.routes.set(`/shop-${k}`, async (_q, res) => {
        seen[k]++;
        if (k === 'b') await new Promise((r) => setTimeout(r, 2500));
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<div class="p" data-id="${k}"><b class="n">空调 ${k.toUpperCase()}</b><i class="pr">¥${seen[k] >= 2 ? 800 : 1000}</i></div>`);
        answered[k].push(Date.now());
      });
      writeFileSync(
        join(home, 'scrapers', `shop-${k}.yaml`),
        `id: shop-${k}\ncompetitor: Shop${k.toUpperCase()}\nregion: east\nschedule: "*/6 * * * * *"\nfetch: { url: "${site.url}/shop-${k}", min_interval_ms: 0, retries: 0 }\nitems: { each: ".p", key: "@data-id", fields: { name: ".n", price: ".pr" } }\n`,
      );
    }
    const d = startDaemon(home, env);
    daemons.push(d);
    await d.waitFor((l) => l.msg === 'daemon started', 'daemon started', 120_000);
    const runs = (id: string) => d.lines.filter((l) => l.msg === 'target run' && l.target === id);
    await d.waitFor(() => runs('shop-a').length >= 2 && runs('shop-b').length >= 2, 'the second round of both shops', 60_000);
    // The round really was spread out: B answered over two seconds (two delivery rounds) after A.
    expect(answered.b[1]! - answered.a[1]!).toBeGreaterThan(2000);
    expect(runs('shop-a')[1]!.alerts).toBe(1);
    expect(runs('shop-b')[1]!.alerts).toBe(1);
    for (let i = 0; i < 300 && smtp.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    // More delivery rounds come and go: still the one email, carrying both changes.
    await new Promise((r) => setTimeout(r, 2500));
    expect(smtp.messages.map((m) => m.envelopeTo[0]), d.raw()).toEqual(['east-head@example.com']);
    expect(smtp.messages[0]!.text).toContain('¥1,000 -> ¥800 (-20%)');
    expect(smtp.messages[0]!.text).toContain('空调 A');
    expect(smtp.messages[0]!.text).toContain('空调 B');
    // Not a card (plus a chart) per price change: one post with both, then the round's chart.
    expect(wecom.accepted.map((r) => r.body.msgtype)).toEqual(['markdown', 'image']);
    const post = (wecom.accepted[0]!.body as { markdown: { content: string } }).markdown.content;
    expect(post).toContain('空调 A');
    expect(post).toContain('空调 B');
    // The passes across targets (比价, mentions) ran once for each of the two rounds, after both
    // shops' runs (a third round may be half way by now).
    const passes = d.lines.filter((l) => l.msg === 'passes across targets');
    expect(passes.slice(0, 2).map((l) => l.runs)).toEqual([2, 2]);
    d.proc.kill('SIGINT');
    expect((await d.exit).code).toBe(0);
  }, 150_000);
});
