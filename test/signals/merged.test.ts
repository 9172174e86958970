import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAttritionConfig, loadSignalsConfig } from '../../src/signals/config.js';
import { importInto, mergedView, specForFile } from '../../src/signals/pipeline.js';
import { generateSamples } from '../../src/signals/samples.js';
import { scorePopulation } from '../../src/signals/scorer.js';
import { loadStore } from '../../src/signals/store.js';
import { ACC_FIELDS, type SourceAggregate } from '../../src/signals/weekly.js';

const RULES = join(process.cwd(), 'rules');
const NOW = new Date('2026-11-23T01:00:00Z');

let root: string;
let samples: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'radar-signals-merged-'));
  samples = join(root, 'samples');
  // 30 weeks: more than retention_days (180) keeps, so the import trims the oldest.
  await generateSamples({ outDir: samples, people: 60, weeks: 30, health: false, labelled: false });
}, 30_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The sums and coverage of a merged view as plain data (the summed fields only, weeks sorted). */
function plain(m: SourceAggregate) {
  const weeks: Record<string, Record<string, number[]>> = {};
  for (const [pid, byWeek] of m.weeks) {
    weeks[pid] = {};
    for (const [w, acc] of [...byWeek].sort(([a], [b]) => (a < b ? -1 : 1))) weeks[pid][w] = [...acc.subarray(0, ACC_FIELDS.length)];
  }
  const coverage = Object.fromEntries([...m.coverage].map(([f, s]) => [f, [...s].sort()]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
  return { weeks, coverage };
}

describe('merged view', () => {
  it('from the files just imported is the one store.json gives, after retention, over two imports', async () => {
    const cfg = await loadSignalsConfig(RULES);
    const acfg = await loadAttritionConfig(RULES);
    const state = join(root, 'state');
    const files = (await readdir(samples)).filter((f) => f.endsWith('.csv')).sort();
    const specs = async (pred: (f: string) => boolean) => Promise.all(files.filter(pred).map((f) => specForFile(join(samples, f), cfg)));
    const first = (f: string) => f.startsWith('attendance') || f.startsWith('hr-') || f === 'org.csv';
    await importInto(state, await specs(first), cfg, NOW);
    // The second import adds to a store read back from disk, and retention trims the oldest week.
    const res = await importInto(state, await specs((f) => !first(f)), cfg, NOW);
    expect(res.purged.weeks).toBeGreaterThan(0);
    const inMemory = mergedView(res.store);
    const fromDisk = mergedView(await loadStore(state));
    expect(plain(inMemory.merged)).toEqual(plain(fromDisk.merged));
    const week = '2026-W47';
    const a = scorePopulation({ merged: inMemory.merged, directory: inMemory.directory, cfg: acfg, week });
    const b = scorePopulation({ merged: fromDisk.merged, directory: fromDisk.directory, cfg: acfg, week });
    expect(a.scored.length).toBeGreaterThan(40);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));

    // One file on its own is used as imported.
    const one = await importInto(join(root, 'state-one'), await specs((f) => f === 'crm-activity.csv'), cfg, NOW);
    expect(plain(mergedView(one.store).merged)).toEqual(plain(mergedView(await loadStore(join(root, 'state-one'))).merged));
  });
});
