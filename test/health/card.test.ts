import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownersSchema } from '../../src/config/rules-schema.js';
import { composeDigests } from '../../src/deliver/deliver.js';
import { runHealthJob, type HealthJobResult } from '../../src/health/job.js';
import type { CardPayload } from '../../src/health/payloads.js';
import { Outbox } from '../../src/store/outbox.js';
import { oneWeekWindows, writeRules, writeSmallExports } from './fixtures.js';
import { REPO } from '../helpers/workspace.js';

let root: string;
let r: HealthJobResult;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'radar-health-card-'));
  writeSmallExports(join(root, 'exports'));
  const rules = writeRules(join(root, 'rules'), (y) => oneWeekWindows(y).replace('cards: false', 'cards: true'));
  r = await runHealthJob({ rulesDir: rules, stateDir: join(root, 'state'), now: new Date('2026-11-23T01:00:00Z'), samplesDir: join(root, 'exports') });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('weekly card to each salesperson (digest.cards: true)', () => {
  it('goes to the person (邮箱 in the org export) with their own metrics and rank in the team', () => {
    const cards = r.alerts.filter((a) => a.topic === 'card');
    expect(cards.map((a) => a.audience)).toEqual([
      { kind: 'person', email: expect.stringMatching(/^s[12]@example\.com$/), name: expect.any(String) },
      { kind: 'person', email: expect.stringMatching(/^s[12]@example\.com$/), name: expect.any(String) },
    ]);
    const zhang = cards.find((a) => a.audience.kind === 'person' && a.audience.email === 's1@example.com')!.payload as CardPayload;
    const li = cards.find((a) => a.audience.kind === 'person' && a.audience.email === 's2@example.com')!.payload as CardPayload;
    expect(zhang.teamSize).toBe(2);
    expect([zhang.rank, li.rank].sort()).toEqual(zhang.index === li.index ? [1, 1] : [1, 2]);
    expect(zhang.rank).toBe(zhang.index >= li.index ? 1 : 2);
    expect(zhang.metrics.map((m) => m.id)).toHaveLength(12);
    expect(zhang.metrics.find((m) => m.id === 'won_margin_share')?.value).toBe(0.25);
  });

  it("renders without anyone else's name or numbers", async () => {
    const state = join(root, 'state');
    const outbox = new Outbox(state);
    outbox.record(r.alerts, new Date());
    const owners = ownersSchema.parse({ regions: {}, hr: ['hr@example.com'] });
    const msgs = await composeDigests(outbox, { owners, templatesDir: join(REPO, 'templates'), now: new Date('2026-11-23T01:00:00Z') });
    const card = msgs.find((m) => m.to === 's1@example.com')!;
    expect(card.subject).toMatch(/^本周健康指数 \d+，团队第 [12]\/2$/);
    const html = readFileSync(outbox.bodyFile(card.id, 'html'), 'utf8');
    expect(html).toContain('赢单毛利率');
    expect(html).not.toContain('李四');
    // The manager's digest names both.
    const mgr = readFileSync(outbox.bodyFile(msgs.find((m) => m.to === 'mgr@example.com')!.id, 'html'), 'utf8');
    expect(mgr).toContain('李四');
    expect(mgr).toContain('张三');
  });
});
