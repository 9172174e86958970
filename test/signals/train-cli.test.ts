import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { commands } from '../../src/cli/registry.js';
import { register } from '../../src/cli/signals.js';
import { explain } from '../../src/signals/model.js';
import { Rng } from '../../src/signals/random.js';
import { generateSamples, IBM_HEADER, labelledTable } from '../../src/signals/samples.js';
import { averagePrecision, checkModel, readLabelledTable, rocAuc, scoreTable, stratifiedFolds, train } from '../../src/signals/tablemodel.js';

// The lead adds `signals` to the registry; until then (and without doubling it after) the tests add it.
if (!commands.includes(register)) commands.push(register);

let root: string;
let labelled: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'radar-signals-train-'));
  labelled = join(root, 'hr-attrition-labelled.csv');
  await writeFile(labelled, '\uFEFF' + labelledTable(new Rng(20261124), 400));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('evaluation maths (hand-computed)', () => {
  it('ROC-AUC and PR-AUC', () => {
    // Positives at 0.9 and 0.4, negatives at 0.7, 0.3, 0.1: pairs won 2+... = (1 beats all 3) + (0.4 beats 0.3, 0.1) = 5 of 6
    expect(rocAuc([0.9, 0.4, 0.7, 0.3, 0.1], [1, 1, 0, 0, 0])).toBeCloseTo(5 / 6, 12);
    expect(rocAuc([0.5, 0.5], [1, 0])).toBe(0.5);
    // AP: ranks 0.9 (P, precision 1), 0.7 (N), 0.4 (P, precision 2/3): (1 + 2/3) / 2
    expect(averagePrecision([0.9, 0.4, 0.7, 0.3, 0.1], [1, 1, 0, 0, 0])).toBeCloseTo((1 + 2 / 3) / 2, 12);
  });

  it('stratified folds keep the leaver share in every fold', () => {
    const y = Array.from({ length: 103 }, (_, i) => (i % 6 === 0 ? 1 : 0));
    const folds = stratifiedFolds(y, 5, 1);
    for (let f = 0; f < 5; f++) {
      const pos = y.filter((v, i) => v === 1 && folds[i] === f).length;
      expect(pos === 3 || pos === 4).toBe(true);
    }
  });
});

describe('train and score a labelled table (IBM HR-style header)', () => {
  it('learns, cross-validates, and explains with exact contributions', async () => {
    const t = await readLabelledTable(labelled);
    expect(t.header).toEqual(IBM_HEADER);
    const res = train(t, { label: 'Attrition' });
    expect(res.dropped.map((d) => d.name).sort()).toEqual(['EmployeeCount', 'EmployeeNumber', 'Over18', 'StandardHours']);
    expect(res.model.idColumn).toBe('EmployeeNumber');
    const cv = res.model.cv!;
    expect(cv.folds).toBe(5);
    expect(cv.rocAuc.mean).toBeGreaterThan(0.7);
    expect(cv.prAuc.mean).toBeGreaterThan(cv.baselinePrAuc + 0.1);
    const scores = scoreTable(res.model, t);
    expect(scores).toHaveLength(400);
    for (const s of scores) {
      const sum = s.contributions.reduce((a, c) => a + c.contribution, 0);
      expect(Math.abs(res.model.intercept + sum - s.logit)).toBeLessThan(1e-9);
      expect(s.drivers.length).toBeLessThanOrEqual(3);
    }
    // The encoded-level view agrees with the per-column view.
    const w = Object.fromEntries(res.model.features.map((f, j) => [f, res.model.weights[j]!]));
    expect(explain(res.model.intercept, w, {}, res.model.features).logit).toBe(res.model.intercept);
  }, 30_000);

  it('round-trips through `radar signals train` and `radar signals score --model --input`', async () => {
    const model = join(root, 'model.json');
    const tr = await run(['signals', 'train', '--history', labelled, '--label', 'Attrition', '--out', model]);
    expect(tr.code).toBe(0);
    expect(tr.stdout).toMatch(/stratified 5-fold CV: ROC-AUC 0\.\d{3} ± 0\.\d{3} \(folds 0\.\d{3}-0\.\d{3}\), PR-AUC 0\.\d{3} ± 0\.\d{3}/);
    expect(tr.stdout).toMatch(/calibration \(out-of-fold\): Brier 0\.\d{4} \(a guess: 0\.\d{4}\)/);
    expect(tr.stdout).toMatch(/interaction OverTime yes and JobSatisfaction ≤ 2/);
    expect(tr.stdout).toMatch(/interaction Age ≤ \d+ and MaritalStatus = Single \(\d+ % of rows\)/);
    const m = checkModel(JSON.parse(await readFile(model, 'utf8')), model);
    expect(m.label).toBe('Attrition');

    // Score a table of the same shape (the label column may be missing there).
    const t = await readLabelledTable(labelled);
    const li = t.header.indexOf('Attrition');
    const noLabel = [t.header.filter((_, i) => i !== li), ...t.rows.slice(0, 25).map((r) => r.filter((_, i) => i !== li))].map((r) => r.join(',')).join('\n');
    const input = join(root, 'current-staff.csv');
    await writeFile(input, noLabel + '\n');
    const sc = await run(['signals', 'score', '--model', model, '--input', input, '--json']);
    expect(sc.code).toBe(0);
    const out = JSON.parse(sc.stdout) as { id: string; score: number; drivers: { feature: string; value: string; contribution: number; text_en: string }[] }[];
    expect(out).toHaveLength(25);
    expect(out[0]!.id).toBe(t.rows[0]![t.header.indexOf('EmployeeNumber')]);
    // `score` is a probability; the same people as the library scores, in the same order.
    const lib = scoreTable(m, t).slice(0, 25);
    out.forEach((r, i) => {
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
      expect(r.score).toBeCloseTo(lib[i]!.probability, 4);
      for (const d of r.drivers) {
        expect(d.contribution).toBeGreaterThan(0);
        expect(d.text_en).toContain(d.feature.split(' × ')[0]!);
      }
    });
    expect(out.some((r) => r.drivers.length > 0)).toBe(true);
    const text = await run(['signals', 'score', '--model', model, '--input', input]);
    expect(text.stdout.trim().split('\n')).toHaveLength(25);

    // A table missing a model column is a usage error (exit 2), named.
    const bad = join(root, 'bad.csv');
    await writeFile(bad, 'Age,Gender\n30,Male\n');
    const r = await run(['signals', 'score', '--model', model, '--input', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/columns missing from the input: .*OverTime/);
  }, 60_000);

  it('bad usage exits 2', async () => {
    expect((await run(['signals', 'train', '--history', labelled, '--label', 'Nope'])).code).toBe(2);
    expect((await run(['signals', 'train', '--history', labelled])).code).toBe(2);
    expect((await run(['signals', 'score', '--model', labelled, '--input', labelled])).code).toBe(2);
    expect((await run(['signals', 'score', '--week', 'last-week'])).code).toBe(2);
    expect((await run(['signals', 'ack', 'x'])).code).toBe(2);
    expect((await run(['--state', join(root, 'st'), 'signals', 'import', join(root, 'nope.csv')])).code).toBe(2);
    expect((await run(['signals', 'train', '--history', join(root, 'nope.csv'), '--label', 'Attrition'])).code).toBe(2);
  });
});

describe('signals CLI', () => {
  it('has --help on every subcommand', async () => {
    for (const sub of ['import', 'score', 'train', 'alerts', 'ack']) {
      const r = await run(['signals', sub, '--help']);
      expect(r.code, sub).toBe(0);
      expect(r.stdout, sub).toMatch(/Usage: radar signals/);
    }
  });

  it('imports, scores, lists and acks through the CLI without printing names by default', async () => {
    const home = join(root, 'home');
    const samples = join(home, 'data', 'samples');
    const manifest = await generateSamples({ outDir: samples, labelled: false });
    await mkdir(join(home, 'rules'), { recursive: true });
    for (const f of ['signals.yaml', 'attrition.yaml']) await copyFile(join(process.cwd(), 'rules', f), join(home, 'rules', f));
    const state = join(home, 'state');
    const g = ['--home', home, '--state', state];
    const imp = await run([...g, 'signals', 'import', '--now', '2026-11-23T01:00:00Z']);
    expect(imp.code).toBe(0);
    expect(imp.stdout).toMatch(/attendance-2026-08\.csv: dingtalk-attendance, gb18030/);
    expect(imp.stdout).toMatch(/bad row attendance-2026-07\.csv:20: unreadable date/);
    const sc = await run([...g, 'signals', 'score', '--now', '2026-11-23T01:00:00Z']);
    expect(sc.code).toBe(0);
    expect(sc.stdout).toMatch(/^week 2026-W47: 55 scored/);
    for (const p of manifest.people) expect(sc.stdout.includes(p.name)).toBe(false);
    const named = await run([...g, 'signals', 'score', '--now', '2026-11-23T01:00:00Z', '--names', '--json']);
    const j = JSON.parse(named.stdout) as { scored: { name: string; score: number }[] };
    const leavers = manifest.people.filter((p) => p.kind === 'leaver').map((p) => p.name);
    expect(j.scored.slice(0, 4).map((s) => s.name).sort()).toEqual([...leavers].sort());

    // No alerts until the job ran; the CLI import does not alert.
    expect((await run([...g, 'signals', 'alerts'])).stdout).toMatch(/no open attrition alerts/);
    const { runAttritionJob } = await import('../../src/signals/job.js');
    const job = await runAttritionJob({ rulesDir: join(home, 'rules'), stateDir: state, now: new Date('2026-11-23T01:00:00Z'), samplesDir: samples });
    const list = await run([...g, 'signals', 'alerts', '--by', 'hr-anna']);
    expect(list.stdout).toMatch(/prompt for a conversation/);
    for (const p of manifest.people) expect(list.stdout.includes(p.name)).toBe(false);
    const id = job.alerts[0]!.id;
    const ack = await run([...g, 'signals', 'ack', id, '--note', 'talked', '--by', 'hr-anna']);
    expect(ack.code).toBe(0);
    expect(ack.stdout).toMatch(/acknowledged attrition:p-/);
    expect((await run([...g, 'signals', 'ack', id, '--note', 'twice'])).code).toBe(2);
    const after = JSON.parse((await run([...g, 'signals', 'alerts', '--json'])).stdout) as { alertId: string }[];
    expect(after.map((a) => a.alertId)).not.toContain(id);
  }, 60_000);
});
