import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAttritionJob } from '../../src/signals/job.js';
import { mergedView } from '../../src/signals/pipeline.js';
import { generateSamples, type SampleManifest } from '../../src/signals/samples.js';
import { scorePopulation } from '../../src/signals/scorer.js';
import { loadStore } from '../../src/signals/store.js';
import { loadAttritionConfig } from '../../src/signals/config.js';
import { runCli, REPO } from '../helpers/workspace.js';

const NOW = new Date('2026-11-23T01:00:00Z');

let root: string;
let manifest: SampleManifest;
let full: string;
let partial: string;
/** Employee numbers the partial week still lists: three people who stay. */
let KEPT: string[] = [];

/** The WeCom export split in two: history up to W46 for everyone, and W47 for three people only. */
function splitWecom(dir: string): void {
  const text = readFileSync(join(dir, 'wecom-activity.csv'), 'utf8');
  const [header, ...rows] = text.trimEnd().split('\n');
  const w47 = (r: string) => r.slice(0, 10) >= '2026-11-16';
  writeFileSync(join(dir, 'wecom-activity-history.csv'), [header, ...rows.filter((r) => !w47(r))].join('\n') + '\n');
  writeFileSync(join(dir, 'wecom-activity-2026-W47.csv'), [header, ...rows.filter((r) => w47(r) && KEPT.includes(r.split(',')[1]!))].join('\n') + '\n');
  rmSync(join(dir, 'wecom-activity.csv'));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'radar-coverage-'));
  full = join(root, 'full');
  manifest = await generateSamples({ outDir: full, labelled: false });
  KEPT = manifest.people.filter((p) => p.kind === 'stable').slice(0, 3).map((p) => p.employeeId);
  partial = join(root, 'partial');
  cpSync(full, partial, { recursive: true });
  splitWecom(partial);
  for (const d of [full, partial]) {
    mkdirSync(join(d, 'rules'));
    writeFileSync(join(d, 'rules', 'signals.yaml'), readFileSync(join(REPO, 'rules', 'signals.yaml'), 'utf8').replace('path: wecom-activity.csv', `path: ${d === partial ? 'wecom-activity-*.csv' : 'wecom-activity.csv'}`).replace('inputs_dir: data/samples', `inputs_dir: ${d}`));
    cpSync(join(REPO, 'rules', 'attrition.yaml'), join(d, 'rules', 'attrition.yaml'));
    writeFileSync(join(d, 'rules', 'owners.yaml'), 'regions: {}\nops: [sales-ops@example.com]\nhr: [hr-partner@example.com]\n');
  }
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('an export that covers 3 people of the team for a week', () => {
  it('makes nobody else "0 contacts this week": they have no data there, and no communication driver', async () => {
    const state = join(root, 'state-partial');
    const res = await runAttritionJob({ rulesDir: join(partial, 'rules'), stateDir: state, now: NOW, samplesDir: partial });
    const report = res.imports.find((r) => r.file === 'wecom-activity-2026-W47.csv')!;
    expect(report.coverage).toMatchObject({ people: 3, teamCovered: 3, firstDay: '2026-11-16', lastDay: '2026-11-20' });
    expect(report.coverage!.team).toBeGreaterThan(50);

    const store = await loadStore(state);
    const { merged, directory } = mergedView(store);
    const run = scorePopulation({ merged, directory, cfg: await loadAttritionConfig(join(partial, 'rules')), week: '2026-W47' });
    const pidOf = new Map(Object.entries(store.directory).map(([pid, p]) => [p.name, pid]));
    const kept = new Set(manifest.people.filter((p) => KEPT.includes(p.employeeId)).map((p) => pidOf.get(p.name)));
    expect(kept.size).toBe(3);
    const others = run.scored.filter((p) => !kept.has(p.pid));
    expect(others.length).toBeGreaterThan(40);
    for (const p of others) {
      expect(p.evidence.comms.value, p.pid).toBeNull();
      expect(p.drivers.map((d) => d.feature)).not.toContain('comms_drop');
    }
    for (const p of run.scored.filter((x) => kept.has(x.pid))) expect(p.evidence.comms.value).toBeGreaterThan(0);
  }, 60_000);

  it('still alerts on what the other exports show (CRM, attendance, transfers), never more than the full export does', async () => {
    const a = await runAttritionJob({ rulesDir: join(full, 'rules'), stateDir: join(root, 's-full'), now: NOW, samplesDir: full });
    const b = await runAttritionJob({ rulesDir: join(partial, 'rules'), stateDir: join(root, 's-partial-2'), now: NOW, samplesDir: partial });
    expect(a.alerts.length).toBe(4);
    expect(b.alerts.length).toBeLessThanOrEqual(a.alerts.length);
    expect(b.alerts.length).toBeGreaterThan(0);
  }, 60_000);

  it('radar signals import says how much of the team each export covers', async () => {
    const r = await runCli(['--home', partial, '--state', join(root, 'cli-state'), 'signals', 'import', '--now', NOW.toISOString()]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/wecom-activity-2026-W47\.csv: wecom-activity, .*\n {2}covers 3 of \d+ people in the roster \(\d+%\) on 5 days, 2026-11-16\.\.2026-11-20; the other \d+ have no data there \(not zero\)/);
    expect(r.stdout).toMatch(/wecom-activity-history\.csv: .*\n {2}covers (\d+) of \1 people in the roster \(100%\)/);
  }, 60_000);
});

describe('HR from the command line: run, the week with data, ack by name or number, reviewed alerts', () => {
  let state: string;
  const radar = (...args: string[]) => runCli(['--home', full, '--state', state, ...args], { RADAR_OUTBOX_DIR: join(root, 'outbox'), RADAR_TEMPLATES_DIR: join(REPO, 'templates'), RADAR_USER: 'hr-anna' });
  beforeAll(() => {
    state = join(root, 'hr-cli');
  });

  it('radar signals run raises the alerts and sends them to HR only', async () => {
    const r = await radar('signals', 'run', '--now', '2026-11-23T09:00+08:00');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/week 2026-W47 \(exports 2026-05-25\.\.2026-11-22\): \d+ scored, 4 attrition alerts for HR \(4 new\)/);
    expect(r.stdout).toMatch(/→ HR: an HR email \(subject withheld\)/);
    const emls = readdirSync(join(root, 'outbox')).filter((f) => f.endsWith('.eml'));
    expect(emls).toHaveLength(1);
    expect(emls[0]).toContain('hr-partner');
    // Again for the same week: nothing new, nothing sent twice.
    const again = await radar('signals', 'run', '--now', '2026-11-23T09:00+08:00');
    expect(again.stdout).toMatch(/4 attrition alerts for HR \(0 new\)/);
    expect(readdirSync(join(root, 'outbox')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    const open = await radar('signals', 'alerts', '--json');
    expect(JSON.parse(open.stdout)).toHaveLength(4);
  }, 60_000);

  it('signals score defaults to the latest complete week with data, and says which weeks have data', async () => {
    const r = await radar('signals', 'score', '--now', '2027-01-11T09:00+08:00');
    expect(r.stdout).toMatch(/^week 2026-W47 \(the latest complete week in the exports, which run 2026-05-25\.\.2026-11-22\): 5\d scored/m);
    const asked = await radar('signals', 'score', '--now', '2027-01-11T09:00+08:00', '--week', '2027-W01');
    expect(asked.stderr).toContain('2027-W01 has no data: the exports run 2026-05-25..2026-11-22; the latest complete week in them is 2026-W47');
    expect(asked.stdout).toMatch(/^week 2027-W01: 0 scored/m);
  }, 60_000);

  it('ack takes the name or the employee number, and --reviewed lists what was reviewed', async () => {
    const open = JSON.parse((await radar('signals', 'alerts', '--names', '--json')).stdout) as { alertId: string; name: string; personId: string }[];
    const [a, b] = open;
    const byName = await radar('signals', 'ack', a!.name, '--note', '1:1 held, workload');
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.stdout).toContain(`acknowledged ${a!.alertId}`);
    const number = manifest.people.find((p) => p.name === b!.name)!.employeeId;
    const byNumber = await radar('signals', 'ack', number, '--note', 'talked to manager');
    expect(byNumber.stdout).toContain(`acknowledged ${b!.alertId}`);
    const unknown = await radar('signals', 'ack', '无此人', '--note', 'x');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no attrition alert for "无此人": not an alert id, employee number or name that has one');

    const reviewed = await radar('signals', 'alerts', '--reviewed', '--names');
    expect(reviewed.stdout).toContain(`${b!.alertId}  ${b!.name}`);
    expect(reviewed.stdout).toMatch(/reviewed \d{4}-\d\d-\d\d \d\d:\d\d by hr-anna at score [\d.]+: talked to manager\n {4}now: quiet since the ack/);
    // Newest first; without --names no name is printed.
    const plain = (await radar('signals', 'alerts', '--reviewed')).stdout;
    expect(plain.indexOf(b!.alertId)).toBeLessThan(plain.indexOf(a!.alertId));
    expect(plain).not.toContain(a!.name);
    const stillOpen = JSON.parse((await radar('signals', 'alerts', '--json')).stdout) as unknown[];
    expect(stillOpen).toHaveLength(2);
  }, 60_000);
});
