import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules, resolvePaths } from '../../src/config/load.js';
import { deliverOutbox } from '../../src/deliver/deliver.js';
import { runAttritionJob } from '../../src/signals/job.js';
import { Outbox } from '../../src/store/outbox.js';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';

describe('attrition alerts reach HR and nobody else, and every delivery is audited', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = makeWorkspace();
    for (const f of ['signals.yaml', 'attrition.yaml']) cpSync(join(REPO, 'rules', f), join(ws.home, 'rules', f));
    // HR partner is also a region owner: the HR digest must still be a separate email.
    ws.writeRule(
      'owners.yaml',
      `regions:\n  east: { owners: [east-head@example.com, hr-partner@example.com] }\nops: [sales-ops@example.com]\nhr: [hr-partner@example.com]\n`,
    );
  });
  afterAll(() => ws.cleanup());

  it('sends the HR digest only to the HR list, with the conversation notice, and writes the audit trail', async () => {
    const paths = resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox, templatesDir: join(REPO, 'templates') });
    const now = new Date('2026-11-23T01:00:00Z');
    const job = await runAttritionJob({ rulesDir: paths.rulesDir, stateDir: paths.stateDir, now, samplesDir: join(REPO, 'data', 'samples') });
    expect(job.alerts.length).toBeGreaterThan(0);
    expect(job.alerts.every((a) => a.audience.kind === 'hr')).toBe(true);

    const outbox = new Outbox(paths.stateDir);
    // A price alert for the same person's region in the same round must not share the email.
    outbox.record(
      [
        ...job.alerts,
        { id: 'price:t:k:1->2@x', topic: 'price', audience: { kind: 'region', region: 'east' }, createdAt: now.toISOString(), payload: { change: 'changed', targetId: 't', competitor: 'C', region: 'east', key: 'k', name: 'Thing', url: null, currency: 'CNY', oldAmount: 100, newAmount: 80, deltaAbs: -20, deltaPct: -20, from: false } },
      ],
      now,
    );
    const res = await deliverOutbox(outbox, { rules: loadRules(paths.rulesDir), paths, now: () => now, window: 'all' });
    const mails = await ws.emails();
    expect(res.delivery.sent).toHaveLength(3);
    const names = job.alerts.map((a) => (a.payload as { name: string }).name);
    for (const m of mails) {
      const to = (Array.isArray(m.to) ? m.to[0] : m.to)!.text;
      const hasHrContent = names.some((n) => m.text?.includes(n));
      if (m.subject?.startsWith('[HR]')) {
        expect(to).toBe('hr-partner@example.com');
        expect(m.text).toContain('分数只是一次谈话的提示');
        expect(m.text).not.toContain('Thing');
      } else {
        expect(hasHrContent, `${to} got attrition content`).toBe(false);
      }
    }
    expect(mails.filter((m) => m.subject?.startsWith('[HR]'))).toHaveLength(1);

    const audit = readFileSync(join(paths.stateDir, 'signals', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; alertId?: string; recipients?: string[] });
    const delivered = audit.filter((e) => e.event === 'delivered');
    expect(delivered.map((e) => e.alertId).sort()).toEqual(job.alerts.map((a) => a.id).sort());
    expect(delivered.every((e) => e.recipients?.join() === 'hr-partner@example.com')).toBe(true);
  });
});
