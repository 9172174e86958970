import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreHealth } from '../../src/health/job.js';
import { generateSamples, type SampleManifest } from '../../src/signals/samples.js';
import { REPO_RULES } from './fixtures.js';

let root: string;
let manifest: SampleManifest;
const NOW = new Date('2026-11-23T01:00:00Z');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'radar-health-coverage-'));
  manifest = await generateSamples({ outDir: join(root, 'exports'), labelled: false });
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('health: a CRM activity export that lists 3 people for the scored week', () => {
  it('leaves the others without login and task numbers that week instead of scoring them zero, and says how much of the org it covers', async () => {
    const kept = manifest.people.filter((p) => p.kind === 'stable').slice(0, 3).map((p) => p.employeeId);
    const file = join(root, 'exports', 'crm-activity.csv');
    const [header, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
    writeFileSync(file, [header, ...rows.filter((r) => r.replace(/^\uFEFF/, '').slice(0, 10) < '2026-11-16' || kept.includes(r.split(',')[1]!))].join('\n') + '\n');

    const r = await scoreHealth({ rulesDir: REPO_RULES, stateDir: join(root, 'state'), now: NOW, samplesDir: join(root, 'exports') });
    expect(r.week).toBe('2026-W47');
    const report = r.data.reports.find((x) => x.file === 'crm-activity.csv')!;
    expect(report.coverage).toMatchObject({ teamCovered: 60, team: 60 });
    expect(report.coverage!.thinWeeks).toEqual([{ week: '2026-W47', people: 3 }]);

    const pidOf = new Map([...r.data.people].map(([pid, p]) => [p.name, pid]));
    const keptPids = new Set(manifest.people.filter((p) => kept.includes(p.employeeId)).map((p) => pidOf.get(p.name)));
    let others = 0;
    for (const [pid, series] of r.series) {
      const pw = series.find((x) => x.week === '2026-W47');
      if (!pw?.scored) continue;
      const login = pw.metrics.find((m) => m.id === 'login_days')!;
      if (keptPids.has(pid)) expect(login.value).not.toBeNull();
      else {
        others++;
        expect(login.value, pid).toBeNull();
        expect(pw.metrics.find((m) => m.id === 'task_completion')!.value).toBeNull();
      }
    }
    expect(others).toBeGreaterThan(40);
  }, 60_000);
});
