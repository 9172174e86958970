import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/model.js';
import { ownersSchema } from '../../src/config/rules-schema.js';
import { composeDigests, sendPending } from '../../src/deliver/deliver.js';
import { deliveryRulesSchema, recordPolicy, retryPolicy, windowOf } from '../../src/deliver/policy.js';
import type { Transport } from '../../src/deliver/transport.js';
import type { PriceAlertPayload } from '../../src/kinds/price.js';
import { Outbox } from '../../src/store/outbox.js';

const TEMPLATES = resolve(import.meta.dirname, '../../templates');
/** Charts have their own tests; here they would only cost time. */
const noCharts = { max_alerts: 150, max_parts: 3, max_bytes: 5_000_000, charts: 0 };
const ownersEn = ownersSchema.parse({ regions: { east: { owners: ['east-head@example.com'], name: 'East', locale: 'en' } } });
const owners = ownersSchema.parse({ regions: { east: { owners: ['east-head@example.com'], name: '华东', locale: 'zh-CN' } }, ops: ['ops@example.com'] });

function price(key: string, from: number, to: number, at: string, extra: Partial<PriceAlertPayload> = {}): Alert<PriceAlertPayload> {
  const deltaPct = Math.round(((to - from) / from) * 10000) / 100;
  return {
    id: `price:acme:${key}:${from}->${to}@${at}`,
    topic: 'price',
    audience: { kind: 'region', region: 'east' },
    createdAt: at,
    payload: { change: 'changed', targetId: 'acme', competitor: 'Acme', region: 'east', key, name: `空调 ${key}`, url: null, currency: 'CNY', oldAmount: from, newAmount: to, deltaAbs: to - from, deltaPct, from: false, ...extra },
  };
}

/** Accepts or refuses each message as told; counts what it accepted. */
function fakeTransport(script: ('ok' | Error)[] = []): Transport & { accepted: string[] } {
  const accepted: string[] = [];
  return {
    name: 'fake',
    accepted,
    async send(msg) {
      const next = script.shift() ?? 'ok';
      if (next instanceof Error) throw next;
      accepted.push(msg.id);
      return { detail: '250 OK' };
    },
    close: () => undefined,
  };
}

describe('outbox delivery rules', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'radar-delivery-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const rules = (yaml: Record<string, unknown> = {}) => deliveryRulesSchema.parse(yaml);

  it('alerts a price flapping between two values once per cooldown, and a new move at once', () => {
    const outbox = new Outbox(dir);
    outbox.policy = recordPolicy(rules({ cooldown_hours: 24 }));
    const t = (h: number) => new Date(Date.UTC(2024, 4, 1, h)).toISOString();
    const sent: string[] = [];
    const rec = (a: Alert, h: number) => sent.push(...outbox.record([a], new Date(t(h))).map((x) => x.id));
    rec(price('K', 999, 1099, t(0)), 0); // alerted
    rec(price('K', 1099, 999, t(6)), 6); // flip back: same story
    rec(price('K', 999, 1099, t(12)), 12); // and again
    rec(price('K', 1099, 899, t(13)), 13); // a genuinely new price
    rec(price('K', 899, 1099, t(20)), 20); // 899 ↔ 1099 is a flap too
    rec(price('K', 1099, 949, t(21)), 21); // new
    rec(price('K', 1099, 999, t(25)), 25); // the first pair again, 25 h later: cooldown over
    expect(sent).toEqual([price('K', 999, 1099, t(0)).id, price('K', 1099, 899, t(13)).id, price('K', 1099, 949, t(21)).id, price('K', 1099, 999, t(25)).id]);
    // Suppressed alerts are kept for the record (and never composed); the same id is never recorded twice.
    expect(Object.values(outbox.data.alerts).filter((a) => a.suppressed)).toHaveLength(3);
    expect(outbox.record([price('K', 999, 1099, t(0))], new Date(t(30)))).toEqual([]);
    // The cooldown survives a restart (it is rebuilt from the outbox file).
    const reopened = new Outbox(dir);
    reopened.policy = recordPolicy(rules({ cooldown_hours: 24 }));
    expect(reopened.record([price('K', 999, 1099, t(26))], new Date(t(26)))).toEqual([]);
  });

  it('puts chosen rules in the immediate window and the rest in the daily digest', async () => {
    const r = rules({ immediate: [{ topic: 'price', min_change_percent: 10 }, { topic: 'scraper' }] });
    expect(windowOf(price('a', 1000, 950, 't'), r)).toBe('daily');
    expect(windowOf(price('a', 1000, 850, 't'), r)).toBe('immediate');
    expect(windowOf(price('a', 1000, 1150, 't'), r)).toBe('immediate');
    expect(windowOf({ ...price('a', 1000, 990, 't'), topic: 'scraper' }, r)).toBe('immediate');

    const outbox = new Outbox(dir);
    outbox.policy = recordPolicy(r);
    const now = new Date('2024-05-01T02:00:00Z');
    outbox.record([price('small', 1000, 960, now.toISOString()), price('big', 1000, 800, now.toISOString())], now);
    const immediate = await composeDigests(outbox, { owners, templatesDir: TEMPLATES, now, window: 'immediate', from: 'r@example.com', limits: noCharts });
    expect(immediate).toHaveLength(1);
    expect(immediate[0]!.alertIds).toEqual([price('big', 1000, 800, now.toISOString()).id]);
    const daily = await composeDigests(outbox, { owners, templatesDir: TEMPLATES, now, window: 'all', from: 'r@example.com', limits: noCharts });
    expect(daily.map((m) => m.alertIds)).toEqual([[price('small', 1000, 960, now.toISOString()).id]]);
    expect(await composeDigests(outbox, { owners, templatesDir: TEMPLATES, now, window: 'all', limits: noCharts })).toEqual([]);
  });

  it('retries with backoff, honours it until forced, and gives up after the limit', async () => {
    const outbox = new Outbox(dir);
    const now = new Date('2024-05-01T00:00:00Z');
    outbox.record([price('a', 1000, 800, now.toISOString())], now);
    const [msg] = await composeDigests(outbox, { owners, templatesDir: TEMPLATES, now, from: 'r@example.com', limits: noCharts });
    const policy = retryPolicy(rules({ retry: { max_attempts: 4, backoff_minutes: [1, 10] } }));
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ECONNREFUSED' });
    let clock = now.getTime();
    const at = () => new Date(clock);
    const t = fakeTransport([down, down, down, down]);
    await sendPending(outbox, t, { now: at, retry: policy });
    expect(outbox.get(msg!.id)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: '2024-05-01T00:01:00.000Z' });
    clock += 30_000;
    expect((await sendPending(outbox, t, { now: at, retry: policy })).failed).toHaveLength(0); // still backing off
    clock += 31_000;
    await sendPending(outbox, t, { now: at, retry: policy });
    expect(outbox.get(msg!.id)).toMatchObject({ attempts: 2, nextAttemptAt: '2024-05-01T00:11:01.000Z' });
    await sendPending(outbox, t, { now: at, retry: policy, force: true });
    expect(outbox.get(msg!.id)).toMatchObject({ attempts: 3, nextAttemptAt: '2024-05-01T00:11:01.000Z' }); // the last step repeats
    await sendPending(outbox, t, { now: at, retry: policy, force: true });
    expect(outbox.get(msg!.id)).toMatchObject({ status: 'dead', attempts: 4, lastError: 'connect ECONNREFUSED 127.0.0.1:25' });
    expect(outbox.due(new Date(clock + 86_400_000), true)).toEqual([]);
    outbox.retry([msg!.id]);
    const ok = fakeTransport();
    await sendPending(outbox, ok, { now: at, retry: policy });
    expect(ok.accepted).toEqual([msg!.id]);
    expect(outbox.get(msg!.id)?.status).toBe('sent');
  });

  it('resends a message a crash cut off mid-send, counting it, with the same stored bytes', async () => {
    const outbox = new Outbox(dir);
    const now = new Date('2024-05-01T00:00:00Z');
    outbox.record([price('a', 1000, 800, now.toISOString())], now);
    const [msg] = await composeDigests(outbox, { owners, templatesDir: TEMPLATES, now, from: 'r@example.com', limits: noCharts });
    outbox.markSending(msg!, now); // ... and the process died here
    const after = new Outbox(dir);
    const bodies: Buffer[] = [];
    const t: Transport = { name: 'x', send: async (_m, body) => (bodies.push(body.eml), { detail: '250' }), close: () => undefined };
    const r = await sendPending(after, t, { now: () => now });
    expect(r.resumed.map((m) => m.id)).toEqual([msg!.id]);
    expect(after.get(msg!.id)).toMatchObject({ status: 'sent', interrupted: 1, attempts: 2 });
    expect(bodies[0]!.equals(readFileSync(join(dir, 'mail', `${msg!.id}.eml`)))).toBe(true);
  });

  it('splits a large digest into parts, counts what it cannot list, and keeps every email under the byte limit', async () => {
    const outbox = new Outbox(dir);
    const now = new Date('2024-05-01T00:00:00Z');
    const alerts = Array.from({ length: 23 }, (_, i) => price(`K${String(i).padStart(2, '0')}`, 1000, 900 - i, now.toISOString(), { name: `空调 ${'很长的型号说明'.repeat(40)} ${i}` }));
    outbox.record(alerts, now);
    const msgs = await composeDigests(outbox, { owners, templatesDir: TEMPLATES, now, from: 'r@example.com', limits: { max_alerts: 5, max_parts: 3, max_bytes: 60_000, charts: 0 } });
    expect(msgs.map((m) => m.part)).toEqual([
      { n: 1, of: 3 },
      { n: 2, of: 3 },
      { n: 3, of: 3 },
    ]);
    expect(msgs.map((m) => m.subject.slice(-5))).toEqual(['(1/3)', '(2/3)', '(3/3)']);
    expect(msgs[2]!.omitted).toBeGreaterThan(0);
    // Every alert is in exactly one message; the biggest moves come first.
    const all = msgs.flatMap((m) => m.alertIds);
    expect(new Set(all).size).toBe(23);
    expect(all.length).toBe(23);
    expect(msgs[0]!.alertIds[0]).toBe(alerts[22]!.id);
    for (const m of msgs) expect(m.bytes!).toBeLessThanOrEqual(60_000);
    const last = await simpleParser(readFileSync(join(dir, 'mail', `${msgs[2]!.id}.eml`)));
    expect(last.text).toContain(`另有 ${msgs[2]!.omitted} 条提醒因邮件大小限制未列出`);
    expect(last.text?.match(/^\* /gm)?.length).toBe(msgs[2]!.alertIds.length - msgs[2]!.omitted!);
  });

  it('drops charts before splitting when the charts are what makes an email too large', async () => {
    const outbox = new Outbox(dir);
    const now = new Date('2024-05-01T00:00:00Z');
    outbox.record([price('a', 1000, 800, now.toISOString()), price('b', 2000, 1500, now.toISOString())], now);
    const big = await composeDigests(outbox, { owners: ownersEn, templatesDir: TEMPLATES, now, from: 'r@example.com', limits: { max_alerts: 100, max_parts: 3, max_bytes: 5_000_000, charts: 10 } });
    expect(big[0]!.charts).toBe(2);
    const outbox2 = new Outbox(mkdtempSync(join(dir, 'b-')));
    outbox2.record([price('a', 1000, 800, now.toISOString()), price('b', 2000, 1500, now.toISOString())], now);
    const small = await composeDigests(outbox2, { owners: ownersEn, templatesDir: TEMPLATES, now, from: 'r@example.com', limits: { max_alerts: 100, max_parts: 3, max_bytes: big[0]!.bytes! - 1000, charts: 10 } });
    expect(small).toHaveLength(1);
    expect(small[0]!.charts).toBe(0);
    // Without charts the text history is the fallback.
    const mail = await simpleParser(readFileSync(join(outbox2.mailDir, `${small[0]!.id}.eml`)));
    expect(mail.html).toContain('¥1,000 (1 May) → ¥800 (1 May)');
  });

  it('forgets sent mail and handled alerts after the retention, never pending or dead mail', async () => {
    const outbox = new Outbox(dir);
    const old = new Date('2024-01-01T00:00:00Z');
    outbox.record([price('a', 1000, 800, old.toISOString()), price('b', 1000, 700, old.toISOString())], old);
    const [m1] = await composeDigests(outbox, { owners, templatesDir: TEMPLATES, now: old, from: 'r@example.com', limits: noCharts });
    outbox.markSending(m1!, old);
    outbox.markSent(m1!, old, '250');
    outbox.record([price('c', 1000, 600, old.toISOString())], old);
    const [m2] = await composeDigests(outbox, { owners, templatesDir: TEMPLATES, now: old, from: 'r@example.com', limits: noCharts });
    const r = outbox.prune(new Date('2024-03-01T00:00:00Z'), 30 * 86_400_000);
    expect(r).toMatchObject({ messages: 1, alerts: 2 });
    expect(Object.keys(outbox.data.messages)).toEqual([m2!.id]);
    expect(Object.keys(outbox.data.alerts)).toEqual([price('c', 1000, 600, old.toISOString()).id]);
    expect(existsSync(join(dir, 'mail', `${m1!.id}.eml`))).toBe(false);
    expect(existsSync(join(dir, 'mail', `${m2!.id}.eml`))).toBe(true);
  });
});
