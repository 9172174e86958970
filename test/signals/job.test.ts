import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/model.js';
import { mayReceive, recipientsFor } from '../../src/alerts/route.js';
import { ownersSchema } from '../../src/config/rules-schema.js';
import { ackAlert, assertHrOnly, attritionRecipients, listOpenAlerts, loadAlertState, recordDelivery } from '../../src/signals/alerts.js';
import { DEFAULT_ATTRITION, FEATURES, loadAttritionConfig } from '../../src/signals/config.js';
import { runAttritionJob } from '../../src/signals/job.js';
import { explain } from '../../src/signals/model.js';
import { mergedView } from '../../src/signals/pipeline.js';
import { Rng } from '../../src/signals/random.js';
import { generateSamples, type SampleManifest } from '../../src/signals/samples.js';
import { scorePopulation } from '../../src/signals/scorer.js';
import { loadStore, readAudit } from '../../src/signals/store.js';

const RULES = join(process.cwd(), 'rules');
const NOW = new Date('2026-11-23T01:00:00Z'); // Monday 09:00 in Shanghai

let root: string;
let planted: { samples: string; state: string; manifest: SampleManifest };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'radar-signals-job-'));
  const samples = join(root, 'samples');
  const manifest = await generateSamples({ outDir: samples, labelled: false });
  planted = { samples, state: join(root, 'state'), manifest };
}, 30_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const nameOf = async (state: string): Promise<Map<string, string>> => {
  const store = await loadStore(state);
  return new Map(Object.entries(store.directory).map(([pid, p]) => [pid, p.name ?? '']));
};

describe('contributions', () => {
  it('add up to the logit within 1e-9 (random vectors and weights)', () => {
    const rng = new Rng(42);
    for (let t = 0; t < 1000; t++) {
      const w: Record<string, number> = {};
      const x: Record<string, number> = {};
      for (const f of FEATURES) {
        w[f] = rng.normal(0, 2);
        x[f] = rng.float() < 0.3 ? 0 : Math.abs(rng.normal(0, 3));
      }
      const b = rng.normal(-4, 1);
      const e = explain(b, w, x, FEATURES);
      const sum = e.contributions.reduce((s, c) => s + c.contribution, 0);
      expect(Math.abs(b + sum - e.logit)).toBeLessThan(1e-9);
      // And the score is the logistic of that logit.
      expect(Math.abs(e.score - 100 / (1 + Math.exp(-e.logit)))).toBeLessThan(1e-9);
    }
  });
});

describe('weekly attrition job on the generated sample', () => {
  let result: Awaited<ReturnType<typeof runAttritionJob>>;
  beforeAll(async () => {
    result = await runAttritionJob({ rulesDir: RULES, stateDir: planted.state, now: NOW, samplesDir: planted.samples });
  }, 30_000);

  it('scores the last complete week and says who was not scored and why', () => {
    expect(result.week).toBe('2026-W47');
    const skipped = Object.fromEntries(result.skipped.map((s) => [s.reason, s.count]));
    expect(skipped['under notice (HR roster)']).toBe(2);
    expect(skipped['left the company (HR roster)']).toBe(1);
    expect(skipped['insufficient history (< 6 weeks)']).toBe(2);
    expect(result.scored).toBe(55);
    // The planted bad rows are reported with file:line, and the GBK month was read.
    expect(result.badRows.map((b) => `${b.file}:${b.line}`)).toEqual(['attendance-2026-07.csv:20', 'attendance-2026-07.csv:36']);
    expect(result.imports.find((i) => i.file === 'attendance-2026-08.csv')?.encoding).toBe('gb18030');
  });

  it('ranks every planted leaver in the top decile, and alerts HR about them', async () => {
    const store = await loadStore(planted.state);
    const { merged, directory } = mergedView(store);
    const run = scorePopulation({ merged, directory, cfg: await loadAttritionConfig(RULES), week: '2026-W47' });
    const names = await nameOf(planted.state);
    const ranked = run.scored.map((p) => names.get(p.pid));
    const decile = Math.ceil(run.scored.length / 10);
    const leavers = planted.manifest.people.filter((p) => p.kind === 'leaver');
    expect(leavers).toHaveLength(4);
    for (const l of leavers) {
      const rank = ranked.indexOf(l.name) + 1;
      expect(rank, `${l.employeeId} (${l.pattern})`).toBeGreaterThan(0);
      expect(rank, `${l.employeeId} (${l.pattern})`).toBeLessThanOrEqual(decile);
    }
    // People under notice are never scored, however their logs look.
    for (const p of planted.manifest.people.filter((q) => q.kind === 'notice')) expect(ranked).not.toContain(p.name);
    const alerted = result.alerts.map((a) => a.payload.name).sort();
    expect(alerted).toEqual(leavers.map((l) => l.name).sort());
  });

  it('produces HR-only alerts with explainable drivers in the agreed shape', () => {
    for (const a of result.alerts) {
      expect(a.topic).toBe('attrition');
      expect(a.audience).toEqual({ kind: 'hr' });
      expect(a.id).toMatch(/^attrition:p-[0-9a-f]{12}:2026-W47$/);
      expect(a.id).toBe(`attrition:${a.payload.personId}:${a.payload.week}`);
      expect(a.payload.score).toBeGreaterThanOrEqual(DEFAULT_ATTRITION.threshold);
      expect(a.payload.department).toMatch(/销售部$/);
      expect(a.payload.trend.length).toBeGreaterThanOrEqual(2);
      expect(a.payload.trend.at(-1)).toBe(a.payload.score);
      expect(a.payload.drivers.length).toBeGreaterThanOrEqual(1);
      expect(a.payload.drivers.length).toBeLessThanOrEqual(3);
      for (const d of a.payload.drivers) {
        expect(d.text_zh).toMatch(/[\u4e00-\u9fff]/);
        expect(d.text_en).toMatch(/[a-z]/);
        expect(d.contribution).toBeGreaterThan(0);
      }
    }
    // Three drivers, three different reasons: a drop and a slow decline of one activity are one
    // driver, as are the three views of the working day.
    const activity = (t: string) => /^(communication|CRM activity|arrives|leaves|hours on site)/.exec(t)?.[1]?.replace(/arrives|leaves|hours on site/, 'hours');
    for (const a of result.alerts) {
      const said = a.payload.drivers.map((d) => activity(d.text_en)).filter(Boolean);
      expect(new Set(said).size, a.payload.drivers.map((d) => d.text_en).join(' | ')).toBe(said.length);
    }
    expect(result.alerts.flatMap((a) => a.payload.drivers.map((d) => d.text_en)).some((t) => /^communication .* this week vs a median of \d+, below normal for \d+ weeks running/.test(t))).toBe(true);
    // Each score comes with where it stands among everyone scored that week.
    for (const a of result.alerts) {
      expect(a.payload.scoredCount).toBeGreaterThan(result.alerts.length);
      expect(a.payload.percentile).toBeGreaterThanOrEqual(50);
      expect(a.payload.percentile).toBeLessThan(100);
    }
    const mover = result.alerts.find((a) => a.payload.drivers[0]?.feature === 'customers_moved_out');
    expect(mover?.payload.drivers[0]?.text_zh).toMatch(/^客户转出 \d+ 家，过去 12 周平均 [\d.]+ 家$/);
    expect(mover?.payload.drivers[0]?.text_en).toMatch(/^customers moved out: \d+ this week vs a [\d.]+ baseline$/);
  });

  it('contributions of every scored person add up to the logit within 1e-9', async () => {
    const { merged, directory } = mergedView(await loadStore(planted.state));
    const run = scorePopulation({ merged, directory, cfg: DEFAULT_ATTRITION, week: '2026-W47' });
    for (const p of run.scored) {
      const sum = p.contributions.reduce((s, c) => s + c.contribution, 0);
      expect(Math.abs(p.intercept + sum - p.logit)).toBeLessThan(1e-9);
    }
  });

  it('an HR alert never reaches a non-HR recipient', () => {
    const owners = ownersSchema.parse({
      regions: { east: { owners: ['east-head@example.com'] }, south: { owners: ['south-head@example.com'] } },
      ops: ['sales-ops@example.com'],
      hr: ['hr-partner@example.com'],
    });
    for (const a of result.alerts) {
      const rs = recipientsFor(a as Alert, owners);
      expect(rs.map((r) => r.email)).toEqual(['hr-partner@example.com']);
      expect(rs.every((r) => mayReceive(a as Alert, r, owners))).toBe(true);
      expect(attritionRecipients(a, owners)).toEqual(['hr-partner@example.com']);
      // A manager, a region head or sales ops is refused even if something addressed them.
      for (const email of ['east-head@example.com', 'sales-ops@example.com', 'sales-east-head@example.com']) {
        for (const role of ['region', 'ops', 'manager', 'person', 'hr'] as const) {
          expect(mayReceive(a as Alert, { email, locale: 'zh-CN', role }, owners)).toBe(false);
        }
      }
      const misrouted = { ...a, audience: { kind: 'manager' as const, email: 'sales-east-head@example.com' } };
      expect(() => attritionRecipients(misrouted, owners)).toThrow(/only hr/);
      expect(() => assertHrOnly(a.id, ['hr-partner@example.com', 'east-head@example.com'], owners.hr)).toThrow(/non-HR/);
    }
    expect(() => attritionRecipients(result.alerts[0] as Alert, { hr: [] })).toThrow(/no hr recipients/);
  });

  it('keeps names out of logs: audit and bad-row reasons carry pseudonymous ids only', async () => {
    const audit = await readFile(join(planted.state, 'signals', 'audit.jsonl'), 'utf8');
    for (const p of planted.manifest.people) expect(audit.includes(p.name)).toBe(false);
    for (const b of result.badRows) for (const p of planted.manifest.people) expect(b.reason.includes(p.name)).toBe(false);
    const events = await readAudit(planted.state);
    expect(events.filter((e) => e.event === 'alert')).toHaveLength(result.alerts.length);
  });
});

describe('stable population', () => {
  it('raises no alert when nobody is leaving', async () => {
    const samples = join(root, 'stable');
    await generateSamples({ outDir: samples, labelled: false, leavers: 0, underNotice: 0, seed: 7 });
    const res = await runAttritionJob({ rulesDir: RULES, stateDir: join(root, 'stable-state'), now: NOW, samplesDir: samples });
    expect(res.scored).toBe(60);
    expect(res.alerts).toEqual([]);
  }, 30_000);
});

describe('HR review: alerts, ack, quiet period, audit', () => {
  it('lists, acks, stays quiet until the score rises by ack_quiet_delta, and records it all', async () => {
    const state = join(root, 'review-state');
    const rules = join(root, 'review-rules');
    await mkdir(rules, { recursive: true });
    await copyFile(join(RULES, 'signals.yaml'), join(rules, 'signals.yaml'));
    const attrition = await readFile(join(RULES, 'attrition.yaml'), 'utf8');
    await writeFile(join(rules, 'attrition.yaml'), attrition);
    const first = await runAttritionJob({ rulesDir: rules, stateDir: state, now: NOW, samplesDir: planted.samples });
    expect(first.alerts.length).toBe(4);

    const open = await listOpenAlerts(state, 'hr-anna', NOW);
    expect(open.map((r) => r.alertId).sort()).toEqual(first.alerts.map((a) => a.id).sort());
    const target = first.alerts[0]!;
    await ackAlert(state, target.id, { by: 'hr-anna', note: '1:1 held, workload issue', at: NOW });
    await expect(ackAlert(state, target.id, { by: 'hr-anna', note: 'again', at: NOW })).rejects.toThrow(/already acknowledged/);
    await expect(ackAlert(state, 'attrition:p-nobody:2026-W47', { by: 'x', note: 'y', at: NOW })).rejects.toThrow(/no attrition alert/);

    // Same week again: the acked person stays quiet, the others keep their ids (idempotent).
    const again = await runAttritionJob({ rulesDir: rules, stateDir: state, now: NOW, samplesDir: planted.samples });
    expect(again.alerts.map((a) => a.id)).not.toContain(target.id);
    expect(again.alerts.length).toBe(3);

    // A meaningful rise: with a tiny delta the acked person's (same) score counts as a rise.
    const st = await loadAlertState(state);
    const rec = st.people[target.payload.personId]!;
    expect(rec.status).toBe('acked');
    expect(rec.ack?.note).toBe('1:1 held, workload issue');
    await writeFile(join(rules, 'attrition.yaml'), attrition.replace(/ack_quiet_delta: \d+/, 'ack_quiet_delta: 0'));
    const rose = await runAttritionJob({ rulesDir: rules, stateDir: state, now: NOW, samplesDir: planted.samples });
    expect(rose.alerts.map((a) => a.id)).toContain(target.id);

    await recordDelivery(state, { alertId: target.id, recipients: ['hr-partner@example.com'], at: NOW, hr: ['hr-partner@example.com'] });
    await expect(recordDelivery(state, { alertId: target.id, recipients: ['east-head@example.com'], at: NOW, hr: ['hr-partner@example.com'] })).rejects.toThrow(/non-HR/);
    const audit = await readAudit(state);
    const kinds = audit.map((e) => e.event);
    expect(kinds).toContain('listed');
    expect(kinds).toContain('ack');
    expect(kinds).toContain('quiet');
    const delivered = audit.filter((e) => e.event === 'delivered');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ alertId: target.id, personId: target.payload.personId, recipients: ['hr-partner@example.com'], at: NOW.toISOString() });
    const ack = audit.find((e) => e.event === 'ack');
    expect(ack).toMatchObject({ by: 'hr-anna', note: '1:1 held, workload issue', alertId: target.id });
  }, 60_000);
});

describe('retention', () => {
  const weeksIn = (store: Awaited<ReturnType<typeof loadStore>>): string[] =>
    Object.values(store.sources).flatMap((s) => Object.values(s.aggregate.weeks).flatMap((w) => Object.keys(w)));

  it('counts weeks back from the newest data, not from today: a first import of history keeps its last retention_days', async () => {
    const state = join(root, 'retention-state');
    // Imported for the first time four months after the exports end.
    const later = new Date('2027-03-22T01:00:00Z');
    const res = await runAttritionJob({ rulesDir: RULES, stateDir: state, now: later, samplesDir: planted.samples });
    // retention_days 180 before the newest data (2026-11-22) keeps all 26 weeks; from "today" it kept 9.
    const weeks = new Set(weeksIn(await loadStore(state)));
    expect([...weeks].sort()[0]).toBe('2026-W22');
    expect(weeks.size).toBe(26);
    // The week scored is the last one the exports cover, so the planted leavers are found.
    expect(res.week).toBe('2026-W47');
    expect(res.data).toEqual({ first: '2026-05-25', last: '2026-11-22' });
    expect(res.alerts.length).toBe(4);
    // Raw copies count from the day they were imported.
    expect((await readdir(join(state, 'signals', 'raw'))).length).toBe(planted.manifest.files.length);
  }, 60_000);

  it('purges raw copies and person-weeks past retention_days on each import', async () => {
    const state = join(root, 'retention-state-2');
    const rules = join(root, 'retention-rules');
    await mkdir(rules, { recursive: true });
    await writeFile(join(rules, 'signals.yaml'), (await readFile(join(RULES, 'signals.yaml'), 'utf8')).replace(/retention_days: \d+/, 'retention_days: 150'));
    await copyFile(join(RULES, 'attrition.yaml'), join(rules, 'attrition.yaml'));
    await runAttritionJob({ rulesDir: rules, stateDir: state, now: NOW, samplesDir: planted.samples });
    // 150 days before 2026-11-22 is 2026-06-25: weeks that ended before it are gone.
    const weeks = weeksIn(await loadStore(state)).sort();
    expect(weeks[0]).toBe('2026-W26');
    // A year later the same files again: every raw copy is past retention (they count from their import).
    await runAttritionJob({ rulesDir: rules, stateDir: state, now: new Date('2027-11-23T01:00:00Z'), samplesDir: planted.samples });
    expect(await readdir(join(state, 'signals', 'raw'))).toEqual([]);
    const audit = await readAudit(state);
    expect(audit.some((e) => e.event === 'purge')).toBe(true);
  }, 60_000);
});
