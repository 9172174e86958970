import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/model.js';
import { ownersSchema } from '../../src/config/rules-schema.js';
import { composeDigests } from '../../src/deliver/deliver.js';
import { Outbox } from '../../src/store/outbox.js';

const TEMPLATES = resolve(import.meta.dirname, '../../templates');
const owners = ownersSchema.parse({ regions: { east: { owners: ['east-head@example.com'], locale: 'en' } }, ops: ['ops@example.com'] });
const limits = { max_alerts: 150, max_parts: 3, max_bytes: 5_000_000, charts: 0 };
const now = new Date('2026-01-01T08:00:00.000Z');

const price: Alert = {
  id: 'price:t:k1:100->80@x',
  topic: 'price',
  audience: { kind: 'region', region: 'east' },
  createdAt: now.toISOString(),
  payload: { change: 'changed', targetId: 't', competitor: 'C', region: 'east', key: 'k1', name: 'Item 1', url: null, currency: 'CNY', oldAmount: 100, newAmount: 80, deltaAbs: -20, deltaPct: -20, from: false },
};
// What the delivery or the daemon records about its own trouble (mail stuck, workers lost): urgent.
const outage: Alert = { id: 'mail:stuck:m1:3', topic: 'mail', audience: { kind: 'ops' }, createdAt: now.toISOString(), urgency: 'immediate', payload: { state: 'stuck', messageId: 'm1', to: 'east-head@example.com', subject: 'x', attempts: 3, lastError: '421 try later', since: now.toISOString() } };

describe('while a daemon round runs, only urgent alerts are composed, alone', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'radar-urgent-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('composes the urgent notice now and leaves the round\'s price alert for the round\'s one email', async () => {
    const outbox = new Outbox(join(dir, 'state'));
    outbox.record([price, outage], now, { window: 'immediate' });
    const during = await composeDigests(outbox, { owners, templatesDir: TEMPLATES, now, limits, window: 'urgent' });
    expect(during.map((m) => [m.to, m.alertIds])).toEqual([['ops@example.com', ['mail:stuck:m1:3']]]);
    expect(outbox.data.alerts[price.id]!.delivered).toEqual({});
    // The round ends: the price alert goes, the notice is not sent twice.
    const after = await composeDigests(outbox, { owners, templatesDir: TEMPLATES, now, limits, window: 'immediate' });
    expect(after.map((m) => [m.to, m.alertIds])).toEqual([['east-head@example.com', [price.id]]]);
  });
});
