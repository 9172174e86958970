import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/model.js';
import { alertRef } from '../../src/alerts/ref.js';
import { loadRules, resolvePaths, type Paths } from '../../src/config/load.js';
import { deliverOutbox } from '../../src/deliver/deliver.js';
import { Outbox } from '../../src/store/outbox.js';
import { startDingtalk, startFeishu, startSlack, startWebhookReceiver, startWecom, type FakeService, type Received } from '../helpers/chat-services.js';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';
import { priceAlert } from './fixtures.js';

/**
 * Each chat channel against a fake of its service (test/helpers/chat-services.ts) that checks
 * keys, signatures and timestamps, enforces the service's size and rate limits and answers with
 * its real error shapes.
 */
interface Kind {
  type: string;
  start: (rate?: { max: number; perSeconds: number }) => Promise<FakeService>;
  signed: boolean;
  cards: boolean;
  /** The text a person reads in one accepted request, for asserting what arrived. */
  text: (r: Received) => string;
  /** The service's size check, as the real one counts it. */
  size: (r: Received) => number;
  limit: number;
  /** Alerts that make more than three posts' worth; extra settings for the channel. */
  many: number;
  extra?: string;
  /** The part of the webhook URL that is a secret (null: the URL holds none). */
  urlSecret: (url: string) => string | null;
}

const kinds: Kind[] = [
  {
    type: 'wecom',
    start: (rate) => startWecom(rate ? { rate } : {}),
    signed: false,
    cards: true,
    text: (r) => JSON.stringify(r.body),
    size: (r) => (r.body.markdown ? Buffer.byteLength((r.body.markdown as { content: string }).content) : 0),
    limit: 4096,
    many: 150,
    urlSecret: (u) => new URL(u).searchParams.get('key'),
  },
  {
    type: 'dingtalk',
    start: (rate) => startDingtalk(rate ? { rate } : {}),
    signed: true,
    cards: true,
    text: (r) => JSON.stringify(r.body),
    size: (r) => Buffer.byteLength(((r.body.markdown ?? r.body.actionCard) as { text: string }).text),
    limit: 6000,
    many: 150,
    urlSecret: (u) => new URL(u).searchParams.get('access_token'),
  },
  {
    type: 'feishu',
    start: (rate) => startFeishu(rate ? { rate } : {}),
    signed: true,
    cards: true,
    text: (r) => JSON.stringify(r.body),
    size: (r) => Buffer.byteLength(r.raw),
    limit: 20 * 1024,
    many: 150,
    urlSecret: (u) => new URL(u).pathname.split('/').pop()!,
  },
  {
    type: 'slack',
    start: (rate) => startSlack(rate ? { rate } : {}),
    signed: false,
    cards: true,
    text: (r) => JSON.stringify(r.body),
    size: (r) => (r.body.blocks as unknown[]).length,
    limit: 50,
    many: 150,
    urlSecret: (u) => new URL(u).pathname.split('/').pop()!,
  },
  {
    type: 'webhook',
    start: (rate) => startWebhookReceiver(rate ? { rate } : {}),
    signed: true,
    cards: false,
    text: (r) => JSON.stringify(r.body),
    size: (r) => Buffer.byteLength(r.raw),
    limit: 30_000,
    many: 150,
    extra: ', max_bytes: 30000',
    urlSecret: () => null,
  },
];

const at = '2026-05-01T00:00:00.000Z';

describe.each(kinds)('$type channel against a fake $type service', (kind) => {
  let ws: Workspace;
  let svc: FakeService;
  let paths: Paths;
  let env: Record<string, string>;

  const owners = (extra = '') =>
    ws.writeRule(
      'owners.yaml',
      `channels:\n  east-chat: { type: ${kind.type}, url_env: RADAR_TEST_URL${kind.signed ? ', secret_env: RADAR_TEST_SECRET' : ''}, charts: 0${extra} }\n` +
        `regions:\n  east: { name: 华东, owners: [east-head@example.com], channels: [east-chat] }\nops: [ops@example.com]\n`,
    );

  beforeEach(async () => {
    ws = makeWorkspace();
    svc = await kind.start();
    paths = resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox, templatesDir: join(REPO, 'templates') });
    env = { RADAR_TEST_URL: svc.url, RADAR_TEST_SECRET: svc.secret };
    owners();
    // Charts in the owner's email have their own tests; here they would only cost time.
    ws.writeRule('delivery.yaml', 'digest: { charts: 0 }\n');
  });
  afterEach(async () => {
    await svc.stop();
    ws.cleanup();
  });

  const deliver = (outbox: Outbox, alerts: Alert[] = [], e = env) => {
    outbox.record(alerts, new Date());
    return deliverOutbox(outbox, { rules: loadRules(paths.rulesDir), paths, now: () => new Date(), window: 'all', env: e });
  };
  const chatMessages = (outbox: Outbox) => Object.values(outbox.data.messages).filter((m) => m.to === 'east-chat');

  it('posts a long digest within the service limits, in order, the last post counting what it leaves out', async () => {
    const outbox = new Outbox(paths.stateDir);
    // Long names make every alert big: far more than three posts' worth.
    if (kind.extra) owners(kind.extra);
    const alerts = Array.from({ length: kind.many }, (_, i) => priceAlert('east', `K${String(i).padStart(3, '0')}`, 2000 + i, 1800 + i, at, { name: `空调 KFR-35GW 一级能效 变频 冷暖 挂机 型号 ${i} ${'长'.repeat(60)}` }));
    const r = await deliver(outbox, alerts);
    expect(r.delivery.failed).toEqual([]);
    const posts = chatMessages(outbox);
    expect(posts.length).toBe(3); // max_posts
    expect(posts.every((m) => m.status === 'sent')).toBe(true);
    expect(svc.accepted).toHaveLength(3);
    for (const got of svc.accepted) expect(kind.size(got)).toBeLessThanOrEqual(kind.limit);
    // Nothing refused: the sender kept within the limits instead of learning them from errors.
    expect(svc.answers.filter((a) => !/"errcode":0|"code":0|^ok$|"ok":true/.test(a.body))).toEqual([]);
    // In order: part 1 first, and the last one says how many it does not list.
    const texts = svc.accepted.map(kind.text);
    expect(texts[0]).toContain('K000');
    const omitted = posts.at(-1)!.omitted!;
    expect(omitted).toBeGreaterThan(0);
    expect(texts.at(-1)).toMatch(new RegExp(`另有 ${omitted} 条提醒未在此列出|"count":${omitted}`));
    // Every alert is carried by one of the posts, listed or counted.
    for (const a of alerts) expect(outbox.data.alerts[a.id]!.delivered['east-chat']).toBeDefined();
    // The email digest still went to the owner, independently.
    expect(Object.values(outbox.data.messages).filter((m) => m.to === 'east-head@example.com' && m.status === 'sent').length).toBeGreaterThan(0);
  }, 60_000);

  it.runIf(kind.cards)('sends a few alerts as cards whose actions name the CLI command, or the console once one is configured', async () => {
    const outbox = new Outbox(paths.stateDir);
    const a1 = priceAlert('east', 'A1', 3000, 2700, at);
    await deliver(outbox, [a1]);
    expect(svc.accepted).toHaveLength(1);
    const card = kind.text(svc.accepted[0]!);
    expect(card).toContain(`radar alerts ack ${alertRef(a1.id)}`);
    expect(card).toContain(`radar alerts mute ${alertRef(a1.id)} --days 7`);
    expect(card).toContain('https://shop.example.com/item/A1');

    ws.writeRule('delivery.yaml', 'digest: { charts: 0 }\nlinks: { console: "https://radar.example.com/" }\n');
    const a2 = priceAlert('east', 'A2', 5200, 4900, at);
    await deliver(outbox, [a2]);
    const withConsole = kind.text(svc.accepted[1]!);
    expect(withConsole).toContain(`https://radar.example.com/alerts/${encodeURIComponent(a2.id)}/ack`);
    expect(withConsole).toContain(`https://radar.example.com/alerts/${encodeURIComponent(a2.id)}/mute?days=7`);
    expect(withConsole).not.toContain('radar alerts ack');
  }, 30_000);

  it("posts a round's few alerts together, as the email has them, not one post each", async () => {
    const outbox = new Outbox(paths.stateDir);
    const alerts = ['B1', 'B2', 'B3'].map((k, i) => priceAlert('east', k, 3000 + i, 2700 + i, at));
    await deliver(outbox, alerts);
    expect(chatMessages(outbox)).toHaveLength(1);
    expect(svc.accepted).toHaveLength(1);
    const text = kind.text(svc.accepted[0]!);
    for (const k of ['B1', 'B2', 'B3']) expect(text).toContain(`https://shop.example.com/item/${k}`);
  }, 30_000);

  it('treats the service saying "busy" as a failed send, keeps the message and sends it once when the service recovers', async () => {
    const outbox = new Outbox(paths.stateDir);
    svc.down = 'busy';
    const r = await deliver(outbox, [priceAlert('east', 'A1', 3000, 2700, at)]);
    const msg = chatMessages(outbox)[0]!;
    expect(r.delivery.failed.map((f) => f.msg.id)).toContain(msg.id);
    expect(msg.status).toBe('pending');
    expect(msg.lastError).toBeTruthy();
    expect(svc.accepted).toHaveLength(0);
    svc.down = false;
    const again = await deliver(outbox);
    expect(again.delivery.sent.map((m) => m.id)).toContain(msg.id);
    expect(svc.accepted).toHaveLength(1);
    await deliver(outbox);
    expect(svc.accepted).toHaveLength(1);
    expect(chatMessages(outbox)[0]!.status).toBe('sent');
  }, 30_000);

  it('gives up at once on a wrong key or secret (dead, sales ops told) and never writes a secret to the state folder', async () => {
    const outbox = new Outbox(paths.stateDir);
    const wrong: Record<string, string> = kind.signed ? { ...env, RADAR_TEST_SECRET: 'SECwrong-secret-0000000000000000' } : { ...env, RADAR_TEST_URL: `${svc.url.slice(0, -4)}0000` };
    await deliver(outbox, [priceAlert('east', 'A1', 3000, 2700, at)], wrong);
    const msg = chatMessages(outbox)[0]!;
    expect(msg.status).toBe('dead');
    expect(msg.attempts).toBe(1);
    const notice = Object.values(outbox.data.alerts).find((a) => a.topic === 'mail');
    expect(notice?.payload).toMatchObject({ state: 'dead', to: 'east-chat' });
    const stored = [readFileSync(join(paths.stateDir, 'outbox.json'), 'utf8'), ...readdirSync(join(paths.stateDir, 'mail')).map((f) => readFileSync(join(paths.stateDir, 'mail', f), 'utf8'))].join('\n');
    const key = kind.urlSecret(svc.url);
    if (key) expect(stored).not.toContain(key);
    expect(stored).not.toContain(svc.secret);
    expect(stored).not.toContain(wrong.RADAR_TEST_SECRET!);
    expect(stored).not.toContain(wrong.RADAR_TEST_URL!);
  }, 30_000);

  it('queues requests beyond the rate limit instead of having them refused', async () => {
    await svc.stop();
    svc = await kind.start({ max: 2, perSeconds: 1 });
    env = { RADAR_TEST_URL: svc.url, RADAR_TEST_SECRET: svc.secret };
    owners(', rate: { max: 2, per_seconds: 1 }');
    const outbox = new Outbox(paths.stateDir);
    // Five rounds of one alert each, one post a round.
    const alerts = Array.from({ length: 5 }, (_, i) => priceAlert('east', `R${i}`, 1000 + i, 900 + i, at));
    for (const a of alerts) await deliver(outbox, [a]);
    expect(svc.accepted).toHaveLength(5);
    expect(svc.answers).toHaveLength(5);
    const times = svc.accepted.map((r) => r.at);
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(1000);
    expect(times[4]! - times[2]!).toBeGreaterThanOrEqual(1000);
  }, 30_000);
});
