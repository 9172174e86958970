import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDingtalk, startWecom, type FakeService } from '../helpers/chat-services.js';
import { buildCli, checkStateFiles, REPO, runChild, type BuiltCli } from '../helpers/crash-harness.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { startSmtp, type SmtpSink } from '../helpers/smtp.js';

/**
 * Crash safety of the chat channels, the way test/e2e/crash.test.ts measures it for email: the
 * agent runs as a child process against a fixture shop, a real SMTP server, a fake WeCom robot
 * (the east region's group, its digest in two markdown posts) and a fake signed DingTalk robot
 * (the south region's group), and is killed with SIGKILL at the same points as email (fetch,
 * snapshot and outbox writes, composing, the stored bodies in mail/, before and after the
 * service accepted, after the sent record) plus the chat ones (before-post, after-post-accept).
 *
 * After each phase of price changes every group must have received exactly that phase's changes,
 * once: a second copy only for a kill between the service's success answer and our durable
 * "sent" record (after-post-accept, or the outbox write that records "sent"), found by an oracle
 * (the service holds a post whose stored body the outbox still lists as "sending"), and that copy
 * is byte-identical. Chat services have no idempotency key to collapse it; the README says so.
 */

const EAST = [
  { sku: 'E1', name: '空调 KFR-35GW 一级能效', base: 3000 },
  { sku: 'E2', name: '空调 KFR-50LW 柜机', base: 5200 },
  { sku: 'E3', name: '除湿机 DH-20L', base: 1300 },
];
const SOUTH = [
  { sku: 'S1', name: 'Split AC 1.5HP', base: 2600 },
  { sku: 'S2', name: 'Dehumidifier 30L', base: 1800 },
];
const priceAt = (base: number, phase: number) => Math.round(base * (1 - 0.07 * phase));
const yuan = (n: number) => `¥${n.toLocaleString('en-US')}`;

/** Per phase, in pipeline order; a process killed at one is followed by one killed at the next. */
const PLAN: string[][] = [
  ['fetch-start:1', 'page-fetched:2', 'before-rename:snapshot:1', 'after-rename:runlog:1'],
  ['outbox-record:1', 'before-rename:outbox:1', 'compose:1', 'before-rename:mail:1', 'after-rename:mail:2', 'before-post:1', 'after-post-accept:1', 'after-journal:1', 'before-smtp:1', 'after-smtp-accept:1', 'after-post-accept:1'],
  ['page-fetched:1', 'after-rename:outbox:2', 'before-rename:mail:3', 'after-rename:mail:4', 'before-post:2', 'after-post-accept:2', 'before-rename:outbox:5', 'after-journal:2', 'before-smtp:2', 'after-journal:3'],
  ['compose:1', 'before-rename:mail:2', 'after-post-accept:1', 'before-post:1', 'after-post-accept:2', 'after-smtp-accept:2', 'after-journal:1'],
];

interface OutboxFile {
  messages: Record<string, { id: string; status: string; to: string; channel?: string }>;
  alerts: Record<string, { delivered: Record<string, string> }>;
}

describe('crash safety of chat channels: SIGKILL at the email kill points and the chat ones, then restart', () => {
  let cli: BuiltCli;
  let site: FixtureServer;
  let smtp: SmtpSink;
  let wecom: FakeService;
  let dingtalk: FakeService;
  let root: string;
  let phase = 0;

  beforeAll(async () => {
    cli = buildCli('crash-channels-build');
    const page = (items: typeof EAST) =>
      `<html><body>${items.map((i) => `<div class="p" data-sku="${i.sku}"><a class="n" href="/item/${i.sku}">${i.name}</a><span class="price">¥${priceAt(i.base, phase)}</span></div>`).join('')}</body></html>`;
    site = await startServer({
      '/east': (_q, res, url) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page(url.searchParams.get('page') === '2' ? EAST.slice(2) : EAST.slice(0, 2)));
      },
      '/south': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page(SOUTH));
      },
    });
    smtp = await startSmtp();
    wecom = await startWecom();
    dingtalk = await startDingtalk();
    root = mkdtempSync(join(tmpdir(), 'radar-crash-chat-'));
  }, 180_000);

  afterAll(async () => {
    await site?.close();
    await smtp?.close();
    await wecom?.stop();
    await dingtalk?.stop();
    cli?.cleanup();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('delivers every post exactly once (a byte-identical copy only for a kill after the service accepted) and keeps every state file readable', async () => {
    const home = join(root, 'home');
    for (const d of ['scrapers', 'rules']) mkdirSync(join(home, d), { recursive: true });
    const items = 'items: { each: ".p", key: "@data-sku", fields: { name: ".n", price: ".price", url: "a@href" } }';
    writeFileSync(join(home, 'scrapers', 'east.yaml'), `id: east-shop\ncompetitor: Acme\nregion: east\nfetch: { url: "${site.url}/east?page={page}", pages: 1..2, min_interval_ms: 0, retries: 0 }\n${items}\n`);
    writeFileSync(join(home, 'scrapers', 'south.yaml'), `id: south-shop\ncompetitor: Bolt\nregion: south\nfetch: { url: "${site.url}/south", min_interval_ms: 0, retries: 0 }\n${items}\n`);
    writeFileSync(
      join(home, 'rules', 'owners.yaml'),
      `channels:\n  east-wecom: { type: wecom, url_env: WECOM_URL, cards: 0, charts: 0, max_bytes: 600 }\n  south-dingtalk: { type: dingtalk, url_env: DINGTALK_URL, secret_env: DINGTALK_SECRET, cards: 0, locale: en }\n` +
        `regions:\n  east: { name: East China, owners: [east-head@example.com], locale: en, channels: [east-wecom] }\n  south: { name: South China, owners: [south-head@example.com], locale: en, channels: [south-dingtalk] }\nops: [sales-ops@example.com]\n`,
    );
    writeFileSync(join(home, 'rules', 'price.yaml'), 'alert_when: { change_percent: 3, change_abs: 0 }\n');
    writeFileSync(join(home, 'rules', 'delivery.yaml'), 'digest: { charts: 0 }\n');
    const state = join(home, 'state');
    const env = {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Radar <radar@example.com>',
      WECOM_URL: wecom.url,
      DINGTALK_URL: dingtalk.url,
      DINGTALK_SECRET: dingtalk.secret,
      RADAR_TEMPLATES_DIR: join(REPO, 'templates'),
      RADAR_OUTBOX_DIR: join(home, 'outbox'),
    };
    const run = (crashAt?: string) => runChild([cli.entry], ['--home', home, '--state', state, 'run', '--no-progress'], { ...env, RADAR_CRASH_AT: crashAt }, 120_000);
    const readOutbox = (): OutboxFile => (existsSync(join(state, 'outbox.json')) ? (JSON.parse(readFileSync(join(state, 'outbox.json'), 'utf8')) as OutboxFile) : { messages: {}, alerts: {} });
    /** Stored body → message id, for telling which post a service received. */
    const storedBodies = () => new Map(Object.values(readOutbox().messages).filter((m) => m.channel && m.channel !== 'email').map((m) => [readFileSync(join(state, 'mail', `${m.id}.json`), 'utf8'), m.id]));
    const hits: string[] = [];
    const missed: string[] = [];
    let duplicates = 0;

    for (phase = 0; phase < PLAN.length; phase++) {
      const before = { wecom: wecom.accepted.length, dingtalk: dingtalk.accepted.length, smtp: smtp.messages.length };
      const windowKills: string[] = [];
      for (const point of PLAN[phase]!) {
        const seen = { wecom: wecom.accepted.length, dingtalk: dingtalk.accepted.length, smtp: smtp.messages.length };
        const r = await run(point);
        if (r.signal !== 'SIGKILL') {
          missed.push(`${phase}/${point}`);
          expect(r.code, r.stderr).toBe(0);
          break;
        }
        hits.push(point);
        expect(r.stderr).toContain(`crash point ${point} reached`);
        // The oracle: this process got a post (or a mail) accepted that the outbox still records as mid-send.
        const bodies = storedBodies();
        const sending = new Set(Object.values(readOutbox().messages).filter((m) => m.status === 'sending').map((m) => m.id));
        const posted = [...wecom.accepted.slice(seen.wecom), ...dingtalk.accepted.slice(seen.dingtalk)].map((a) => bodies.get(a.raw)).filter((id): id is string => !!id);
        const mailed = smtp.messages.slice(seen.smtp).map((m) => m.messageId?.replace(/^<|@sales-radar>$/g, '') ?? '');
        if ([...posted, ...mailed].some((id) => sending.has(id))) {
          windowKills.push(point);
          expect(point).toMatch(/^(after-post-accept|after-smtp-accept|before-rename:outbox):\d+$/);
        }
        expect(checkStateFiles(state), `after ${point} in phase ${phase}`).toEqual([]);
      }
      const clean = await run();
      expect(clean.code, clean.stderr + clean.stdout).toBe(0);
      expect(checkStateFiles(state)).toEqual([]);
      const outbox = readOutbox();
      expect(Object.values(outbox.messages).filter((m) => m.status !== 'sent')).toEqual([]);

      const posts = [...wecom.accepted.slice(before.wecom), ...dingtalk.accepted.slice(before.dingtalk)];
      const mails = smtp.messages.slice(before.smtp);
      if (phase === 0) {
        expect(posts).toEqual([]);
        expect(mails).toEqual([]);
        continue;
      }
      // Copies: only for kills in the window, each byte-identical to the first.
      const byBody = new Map<string, number>();
      for (const p of posts) byBody.set(p.raw, (byBody.get(p.raw) ?? 0) + 1);
      const byMessageId = new Map<string, number>();
      for (const m of mails) byMessageId.set(m.messageId!, (byMessageId.get(m.messageId!) ?? 0) + 1);
      const extra = [...byBody.values(), ...byMessageId.values()].reduce((k, n) => k + n - 1, 0);
      expect(extra, `phase ${phase}: second copies (kills in the window: ${windowKills.join(', ') || 'none'})`).toBe(windowKills.length);
      duplicates += extra;

      // Each group got this phase's changes once: WeCom in two posts (in order), DingTalk in one.
      const unique = [...byBody.keys()].map((raw) => JSON.parse(raw) as { msgtype: string; markdown?: { content?: string; text?: string } });
      const eastText = unique.filter((b) => b.msgtype === 'markdown' && b.markdown?.content).map((b) => b.markdown!.content!).join('\n');
      const southText = unique.filter((b) => b.msgtype === 'markdown' && b.markdown?.text).map((b) => b.markdown!.text!).join('\n');
      for (const i of EAST) expect(eastText).toContain(`${i.name}: ${yuan(priceAt(i.base, phase - 1))} -> ${yuan(priceAt(i.base, phase))}`);
      for (const i of SOUTH) expect(southText).toContain(`${i.name}: ${yuan(priceAt(i.base, phase - 1))} -> ${yuan(priceAt(i.base, phase))}`);
      expect(unique).toHaveLength(3);
      const eastPosts = unique.filter((b) => b.markdown?.content).map((b) => b.markdown!.content!);
      expect(eastPosts.map((c) => /\((\d)\/2\)/.exec(c)?.[1])).toEqual(['1', '2']);
      // And the owners' emails, once each after Message-ID dedupe.
      expect([...byMessageId.keys()]).toHaveLength(2);
    }
    const category = (re: RegExp) => hits.filter((h) => re.test(h)).length;
    console.info(`crash test (channels): ${hits.length} kills, ${missed.length} planned points already passed, ${duplicates} byte-identical resends from kills after the service accepted`);
    expect(hits.length, `hit: ${hits.join(' ')}\nmissed: ${missed.join(' ')}`).toBeGreaterThanOrEqual(25);
    expect(category(/^(before-post|after-post-accept)/), 'kills around chat posts').toBeGreaterThanOrEqual(6);
    expect(category(/^(before-rename|after-rename):mail/), 'kills writing stored bodies').toBeGreaterThanOrEqual(4);
    expect(category(/^(compose|outbox-record|before-rename:outbox|after-rename:outbox)/), 'kills writing the outbox').toBeGreaterThanOrEqual(4);
    expect(duplicates).toBeGreaterThan(0);
  }, 900_000);
});
