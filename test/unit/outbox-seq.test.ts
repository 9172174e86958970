import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/model.js';
import { ownersSchema } from '../../src/config/rules-schema.js';
import { composeDigests, sendPending } from '../../src/deliver/deliver.js';
import { fileTransport } from '../../src/deliver/transport.js';
import { Outbox } from '../../src/store/outbox.js';

const TEMPLATES = resolve(import.meta.dirname, '../../templates');
const owners = ownersSchema.parse({ regions: { east: { owners: ['east-head@example.com'], locale: 'en' } }, ops: ['ops@example.com'] });
const limits = { max_alerts: 150, max_parts: 3, max_bytes: 5_000_000, charts: 0 };

const alert = (n: number): Alert => ({
  id: `price:t:k${n}:1->2@x`,
  topic: 'price',
  audience: { kind: 'region', region: 'east' },
  createdAt: '2026-01-01T00:00:00Z',
  payload: { change: 'changed', targetId: 't', competitor: 'C', region: 'east', key: `k${n}`, name: `Item ${n}`, url: null, currency: 'CNY', oldAmount: 100, newAmount: 80, deltaAbs: -20, deltaPct: -20, from: false },
});

describe('digests keep the order they were made in', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'radar-seq-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives each message the next sequence number, also across restarts, and names files by it within one second', async () => {
    const now = new Date('2026-01-01T08:00:00.000Z');
    const files = join(dir, 'out');
    for (let n = 1; n <= 6; n++) {
      // A new Outbox each round: the counter lives in outbox.json, not in the process.
      const outbox = new Outbox(join(dir, 'state'));
      outbox.record([alert(n)], now);
      await composeDigests(outbox, { owners, templatesDir: TEMPLATES, now, limits });
      await sendPending(outbox, fileTransport(files), { now: () => now });
    }
    const msgs = Object.values(new Outbox(join(dir, 'state')).data.messages);
    expect(msgs.map((m) => m.seq).sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6]);
    // All six have the same timestamp; their ids are hashes. Sorted by name they are still in order.
    const emls = readdirSync(files).filter((f) => f.endsWith('.eml')).sort();
    const bySeq = [...msgs].sort((a, b) => a.seq! - b.seq!).map((m) => m.id.slice(0, 8));
    expect(emls.map((f) => f.slice(-12, -4))).toEqual(bySeq);
    expect(emls[0]).toMatch(/^20260101-080000Z_000001_east-head_example\.com_[0-9a-f]{8}\.eml$/);
  });
});
